"""Stale-job detection on a timer in every worker process, so that no page view pays for it."""

import logging
import threading
import time

import dramatiq
from django.conf import settings
from django.db import connection

log = logging.getLogger(__name__)


class StaleJobSweeper(dramatiq.Middleware):
    """Marks jobs whose worker died (no heartbeat) as failed, a few times per stale period."""

    def after_worker_boot(self, broker, worker) -> None:
        threading.Thread(target=_sweep_forever, daemon=True, name="stale-job-sweeper").start()


def _sweep_forever() -> None:
    from projects.jobs import fail_stale_jobs

    interval = max(1.0, settings.AIGVA_JOB_STALE_SECONDS / 4)
    while True:
        time.sleep(interval)
        try:
            if stale := fail_stale_jobs():
                log.warning("jobs %s lost their worker; marked failed", stale)
        except Exception:  # the database may be away for a moment; the next sweep tries again
            log.exception("sweeping stale jobs failed")
        finally:
            connection.close()
