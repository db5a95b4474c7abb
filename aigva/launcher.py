"""`make run`: migrate, make the first admin, then supervise Redis (bundled), the web server and a worker.

A small supervisor: gunicorn serves the web, a crashed worker (or web server) is restarted with
backoff, and every child dies with the launcher, even when the launcher itself is killed (each
child asks the kernel for SIGTERM when its parent goes). Ctrl-C stops everything. Everything is
kept under AIGVA_DATA_DIR (default ./var).
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from aigva.processes import die_with_parent

BASE_DIR = Path(__file__).resolve().parent.parent
BACKOFF_SECONDS = (1, 2, 5, 10, 30)  # between restarts of a child that keeps dying
STEADY_SECONDS = 60  # a child that ran this long starts its backoff afresh
# A request holds a thread while its client sends it, so a few slow uploads must not take them all; threads
# waiting on a socket cost little. (compose puts nginx in front, which buffers whole requests.)
WEB_THREADS = 48


def manage(*args: str) -> list[str]:
    return [sys.executable, str(BASE_DIR / "manage.py"), *args]


class Child:
    """One supervised process: started, watched, restarted with backoff when it dies."""

    def __init__(self, name: str, command: list[str], env: dict) -> None:
        self.name, self.command, self.env = name, command, env
        self.process: subprocess.Popen | None = None
        self.failures, self.started_at, self.restart_at = 0, 0.0, 0.0

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, env=self.env, preexec_fn=die_with_parent)
        self.started_at = time.monotonic()

    def watch(self) -> None:
        """Restart the child once its backoff has passed, if it has died."""
        now = time.monotonic()
        if self.process is not None and self.process.poll() is not None:
            code = self.process.returncode
            self.failures = 1 if now - self.started_at > STEADY_SECONDS else self.failures + 1
            delay = BACKOFF_SECONDS[min(self.failures, len(BACKOFF_SECONDS)) - 1]
            print(f"AIGVA: the {self.name} stopped (exit code {code}); restarting it in {delay} s.", flush=True)
            self.process, self.restart_at = None, now + delay
        if self.process is None and now >= self.restart_at:
            self.start()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)

    def wait(self, timeout: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        print(f"AIGVA: the {self.name} stopped.", flush=True)


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_bundled_redis(data_dir: Path, env: dict) -> tuple[Child, str]:
    """Redis on a free loopback port, data under the data dir (see aigva/bundled_redis.py)."""
    port = free_port()
    redis = Child("bundled Redis", [sys.executable, "-m", "aigva.bundled_redis", str(data_dir / "redis"), str(port)],
                  env)
    redis.start()
    for _ in range(200):
        with socket.socket() as client:
            if client.connect_ex(("127.0.0.1", port)) == 0:
                return redis, f"redis://127.0.0.1:{port}/0"
        time.sleep(0.1)
    raise SystemExit(f"AIGVA: the bundled Redis did not start; see {data_dir / 'redis' / 'valkey.log'}.")


def local_environment(env: dict, data_dir: Path) -> None:
    """Production settings on the loopback: DEBUG off (the settings keep a secret key in the data dir), plain http."""
    # Uploads stream to temporary files here; before the web server starts, any left are from a crash.
    uploads = Path(env.setdefault("FILE_UPLOAD_TEMP_DIR", str(data_dir / "uploads")))
    uploads.mkdir(parents=True, exist_ok=True)
    for stale in uploads.iterdir():
        if stale.is_file():
            stale.unlink()
    env.setdefault("SECURE_SSL_REDIRECT", "false")
    env.setdefault("SECURE_HSTS_SECONDS", "0")


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt


def _environment() -> tuple[dict, Path, int]:
    """The processes' environment, the data dir (made) and the free port; exits when the port is taken."""
    os.umask(0o077)  # the database, media and keys it makes are the owner's alone
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "aigva.settings")
    data_dir = Path(env.setdefault("AIGVA_DATA_DIR", str(BASE_DIR / "var"))).resolve()
    env["AIGVA_DATA_DIR"] = str(data_dir)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    data_dir.chmod(0o700)  # one made before this rule, too
    port = int(env.get("PORT", "8000"))
    if port_in_use(port):
        sys.exit(f"AIGVA: port {port} is already in use (another AIGVA?). Stop that, or choose another port: "
                 "PORT=9000 make run")
    local_environment(env, data_dir)
    return env, data_dir, port


def _prepare(env: dict) -> None:
    """The database, static files, the admin account and jobs a lost queue forgot, before anything serves."""
    subprocess.run(manage("migrate", "--no-input"), env=env, check=True)
    subprocess.run(manage("collectstatic", "--no-input", "--verbosity", "0"), env=env, check=True)
    subprocess.run(manage("ensure_admin"), env=env, check=True)
    subprocess.run(manage("requeue_jobs"), env=env, check=True)
    subprocess.run(manage("keep_features"), env=env, check=True)  # a changed AIGVA_BACKBONE: fill in the background


def main() -> None:
    # Ctrl-C and `kill` both stop everything, even when started from a script that ignores SIGINT.
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    env, data_dir, port = _environment()
    children: list[Child] = []
    try:
        if not env.get("REDIS_URL"):
            redis, env["REDIS_URL"] = start_bundled_redis(data_dir, dict(env))
            children.append(redis)
        _prepare(env)
        children += [
            Child("web server", [sys.executable, "-m", "gunicorn", "aigva.wsgi", "--bind", f"127.0.0.1:{port}",
                                 "--workers", "1", "--threads", str(WEB_THREADS), "--timeout", "300"], env),
            Child("worker", manage("rundramatiq", "--processes", "1", "--threads", "2",
                                   "--worker-shutdown-timeout", "10000"), env),
        ]
        for child in children[-2:]:
            child.start()
        print(f"\nAIGVA is running at http://127.0.0.1:{port}/  (Ctrl-C stops everything)\n", flush=True)
        while True:
            for child in children:
                child.watch()
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        # The web server and the worker first, and only once they are gone Redis: a job's last words need it.
        servers = [child for child in children if child.name != "bundled Redis"]
        for group in (servers, [child for child in children if child not in servers]):
            for child in group:
                child.stop()
            for child in group:
                child.wait(timeout=20)


if __name__ == "__main__":
    main()
