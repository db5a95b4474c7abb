"""Slow clients cannot hang the web server (issue 32): 20 clients trickling their headers or their bodies, over
real sockets, while /healthz keeps answering within a second; under `make run` (threads enough), and behind
compose's nginx (deploy/nginx.conf buffers whole requests) in front of a gunicorn of two threads."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from aigva.launcher import free_port
from aigva.tests.launching import launcher_env, start, status
from projects.tests.workers import wait_for

ROOT = Path(__file__).resolve().parents[2]

SLOW_CLIENTS = 20


def trickle(port: int, stop: threading.Event, body: bool) -> None:
    """One slow client: headers (or a declared body) a byte every half second, until told to stop."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
        head = (b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-"
                b"urlencoded\r\nContent-Length: 100000\r\n\r\n" if body else b"GET /healthz HTTP/1.1\r\nHost: 1")
        client.sendall(head)
        while not stop.wait(0.5):
            try:
                client.sendall(b"a" if body else b"2")
            except OSError:  # the server gave up on us: fine
                return


def healthz_beside_slow_clients(port: int) -> float:
    """The slowest of ten /healthz answers while SLOW_CLIENTS clients trickle (seconds)."""
    stop = threading.Event()
    clients = [threading.Thread(target=trickle, args=(port, stop, n % 2 == 0)) for n in range(SLOW_CLIENTS)]
    try:
        for client in clients:
            client.start()
        time.sleep(2)  # every slow client has a connection and has started to trickle
        slowest = 0.0
        for _ in range(10):
            started = time.monotonic()
            assert status(f"http://127.0.0.1:{port}/healthz")[0] == 200
            slowest = max(slowest, time.monotonic() - started)
            time.sleep(0.5)
        return slowest
    finally:
        stop.set()
        for client in clients:
            client.join()


def test_twenty_slow_clients_do_not_stop_make_run_answering(tmp_path):
    port = free_port()
    launcher = start(launcher_env(tmp_path / "data", port), tmp_path / "launcher.log")
    try:
        assert healthz_beside_slow_clients(port) < 1.0
    finally:
        launcher.send_signal(signal.SIGTERM)
        launcher.wait(timeout=60)


def nginx_config(folder: Path, port: int, upstream: int) -> Path:
    """deploy/nginx.conf as compose mounts it, listening here and proxying to this gunicorn."""
    site = (ROOT / "deploy" / "nginx.conf").read_text().replace("listen 8000;", f"listen 127.0.0.1:{port};")
    (folder / "site.conf").write_text(site.replace("http://web:8000", f"http://127.0.0.1:{upstream}"))
    config = folder / "nginx.conf"
    config.write_text(f"user root; worker_processes 1; error_log {folder}/error.log; pid {folder}/nginx.pid;\n"
                      f"events {{}}\nhttp {{ access_log off; client_body_temp_path {folder}/body; "
                      f"proxy_temp_path {folder}/proxy; include {folder}/site.conf; }}\n")
    return config


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is installed by scripts/test-services.sh")
def test_twenty_slow_clients_do_not_reach_gunicorn_behind_compose_nginx(tmp_path):
    upstream, port = free_port(), free_port()
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "slow-clients-test-secret-key-" + "x" * 40,
           "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false", "AIGVA_DATA_DIR": str(tmp_path / "data")}
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "aigva.wsgi", "--bind", f"127.0.0.1:{upstream}",
                            "--workers", "1", "--threads", "2"], cwd=ROOT, env=env, start_new_session=True)
    nginx = subprocess.Popen(["nginx", "-c", str(nginx_config(tmp_path, port, upstream)), "-g", "daemon off;"],
                             start_new_session=True)
    try:
        wait_for(lambda: status(f"http://127.0.0.1:{port}/healthz")[0] == 200, 60)
        assert healthz_beside_slow_clients(port) < 1.0
    finally:
        for process in (nginx, web):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
