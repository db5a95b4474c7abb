"""The production image's file set starts (issue 12): the files `COPY . .` takes, given .dockerignore,
pass `check --deploy`, collect their static files with DEBUG off, and serve a page under gunicorn."""

import fnmatch
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from aigva.launcher import free_port
from aigva.tests.factories import PRODUCTION

ROOT = Path(__file__).resolve().parents[2]


def image_files(root: Path) -> list[Path]:
    """Files under root that .dockerignore lets through (its patterns: names, folders and `**/` globs)."""
    patterns = [line.strip() for line in (root / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]

    def ignored(relative: str) -> bool:
        parts = relative.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        return any(fnmatch.fnmatch(prefix, pattern) or fnmatch.fnmatch(prefix, pattern.removeprefix("**/"))
                   or fnmatch.fnmatch(part, pattern.removeprefix("**/"))
                   for pattern in patterns for prefix, part in zip(prefixes, parts, strict=True))

    tracked = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=root,
                             capture_output=True, text=True, check=True).stdout.split()
    return [Path(name) for name in tracked if not ignored(name) and (root / name).is_file()]


def test_the_image_file_set_passes_check_deploy_collects_static_and_serves_a_page(tmp_path):
    app = tmp_path / "app"
    files = image_files(ROOT)
    assert Path("exports/services.py") in files and Path("reviews/views.py") in files
    assert not any(part in (".venv", "var", ".git") for f in files for part in f.parts)
    for name in files:
        (app / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, app / name)
    unset = ("DJANGO_SETTINGS_MODULE", "DEBUG", "DATABASE_URL", "AIGVA_DATA_DIR", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {**{k: v for k, v in os.environ.items() if k not in unset}, **PRODUCTION,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "AIGVA_DATA_DIR": str(tmp_path / "data"),
           "ALLOWED_HOSTS": "127.0.0.1", "PYTHONPATH": str(app)}

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "manage.py", *args], cwd=app, env=env, capture_output=True,
                              text=True, timeout=300)

    for args in (("check", "--deploy", "--fail-level", "WARNING"), ("collectstatic", "--no-input"),
                 ("migrate", "--no-input")):
        done = manage(*args)
        assert done.returncode == 0, (args, done.stderr[-2000:])
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "aigva.wsgi", "--bind", f"127.0.0.1:{port}"],
                              cwd=app, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        page = None
        for _ in range(100):
            try:
                # Over plain http: only /healthz is exempt from the https redirect.
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    page = response.read()
                break
            except OSError:
                time.sleep(0.2)
        assert page == b"ok"
        opener = urllib.request.build_opener(NoRedirect)
        with opener.open(f"http://127.0.0.1:{port}/accounts/login/", timeout=10) as response:
            assert response.status == 301 and response.headers["Location"].startswith("https://")
        # Behind a proxy on the same machine (gunicorn trusts its X-Forwarded-Proto from 127.0.0.1).
        request = urllib.request.Request(f"http://127.0.0.1:{port}/accounts/login/",
                                         headers={"X-Forwarded-Proto": "https"})
        with opener.open(request, timeout=10) as response:
            body = response.read()
        assert b"Log in" in body and b"/static/" in body  # served with hashed static names
        stylesheet = body.split(b'href="/static/', 1)[1].split(b'"', 1)[0].decode()
        with opener.open(urllib.request.Request(f"http://127.0.0.1:{port}/static/{stylesheet}",
                                                headers={"X-Forwarded-Proto": "https"}), timeout=5) as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_301(self, request, response, code, message, headers):
        return response
