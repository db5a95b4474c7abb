"""Running `make run`'s launcher in tests: its environment on a fresh machine, its processes, its pages."""

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from projects.tests.workers import wait_for

ROOT = Path(__file__).resolve().parents[2]


def launcher_env(data_dir: Path, port: int) -> dict:
    """What `make run` sees on a fresh machine: no database, Redis, settings module or DEBUG given."""
    unset = ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")
    return {**{k: v for k, v in os.environ.items() if k not in unset}, "AIGVA_DATA_DIR": str(data_dir),
            "PORT": str(port)}


def status(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            for child in _children(task):
                found.add(int(child))
                todo.append(int(child))
    return found


def _children(task: Path) -> list[str]:
    try:
        return (task / "children").read_text().split()
    except OSError:  # the thread (or the process) ended while we looked
        return []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def worker_processes(launcher: int) -> list[int]:
    """The Dramatiq worker processes (not their master) under the launcher."""
    return [p for m in dramatiq_masters(launcher) for p in descendants(m)]


def dramatiq_masters(launcher: int) -> list[int]:
    """The Dramatiq main processes the launcher started."""
    return [p for p in descendants(launcher) if parent_of(p) == launcher and b"dramatiq" in command_of(p)]


def parent_of(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (FileNotFoundError, IndexError):
        return 0


def command_of(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return b""


def start(env: dict, log: Path) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "aigva.launcher"], cwd=ROOT, env=env,
                               stdout=log.open("ab"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{env['PORT']}"
    wait_for(lambda: status(f"{url}/healthz")[0] == 200 and worker_processes(process.pid), 120)
    return process
