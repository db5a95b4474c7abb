"""Stale-job detection on a timer in every worker process, so that no page view pays for it."""

import logging
import threading

import dramatiq
from django.conf import settings
from django.db import connection

log = logging.getLogger(__name__)


class StaleJobSweeper(dramatiq.Middleware):
    """Marks jobs whose worker died (no heartbeat) as failed, a few times per stale period, for as long
    as the worker runs."""

    def __init__(self) -> None:
        self.stopped = threading.Event()

    def after_worker_boot(self, broker, worker) -> None:
        self.stopped = threading.Event()  # one per boot: a sweeper from an earlier boot keeps its own
        threading.Thread(target=_sweep_until, args=(self.stopped,), daemon=True, name="stale-job-sweeper").start()

    def before_worker_shutdown(self, broker, worker) -> None:
        self.stopped.set()


def _sweep_until(stopped: threading.Event) -> None:
    from projects.jobs import fail_stale_jobs  # app registry: Dramatiq loads this middleware before models

    interval = max(1.0, settings.AIGVA_JOB_STALE_SECONDS / 4)
    while not stopped.wait(interval):
        try:
            if stale := fail_stale_jobs():
                log.warning("jobs %s lost their worker; marked failed", stale)
        except Exception:  # the database may be away for a moment; the next sweep tries again
            log.exception("sweeping stale jobs failed")
        finally:
            connection.close()
