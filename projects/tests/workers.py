"""A real Dramatiq worker in a subprocess, for tests that kill it mid-job."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager, suppress

from django.db import connection


def wait_for(predicate, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.2)
    raise AssertionError("timed out")


@contextmanager
def worker_process(media_root, **env: str):
    """`manage.py rundramatiq` on the test database; SIGKILLed with its children on exit."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    environment = {**os.environ, "DATABASE_URL": url, "AIGVA_MEDIA_ROOT": str(media_root),
                   "AIGVA_JOB_HEARTBEAT_SECONDS": "0.5", **env}
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "rundramatiq", "--processes", "1", "--threads", "1"],
        env=environment, start_new_session=True,
    )
    try:
        yield worker
    finally:
        with suppress(ProcessLookupError):  # a test may have killed it already
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
