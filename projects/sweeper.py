"""Job recovery on a timer in every worker process, so that no page view pays for it: jobs whose worker died
go to another worker, and queued jobs whose message the broker lost are sent again."""

import logging
import threading

import dramatiq
from django.conf import settings
from django.db import connection

log = logging.getLogger(__name__)


class StaleJobSweeper(dramatiq.Middleware):
    """Retakes jobs whose worker died (no heartbeat) and resends lost messages, a few times per stale period,
    for as long as the worker runs."""

    def __init__(self) -> None:
        self.stopped = threading.Event()

    def after_worker_boot(self, broker, worker) -> None:
        self.stopped = threading.Event()  # one per boot: a sweeper from an earlier boot keeps its own
        threading.Thread(target=_sweep_until, args=(self.stopped,), daemon=True, name="stale-job-sweeper").start()

    def before_worker_shutdown(self, broker, worker) -> None:
        self.stopped.set()


def _sweep_until(stopped: threading.Event) -> None:
    from projects.jobs import resend_lost_jobs, retake_stale_jobs  # app registry: Dramatiq loads this first

    interval = max(1.0, settings.AIGVA_JOB_STALE_SECONDS / 4)
    while not stopped.wait(interval):
        try:
            retried, failed = retake_stale_jobs()
            if retried or failed:
                log.warning("jobs %s lost their worker: %s sent to another, %s failed", retried + failed, retried,
                            failed)
            if lost := resend_lost_jobs():
                log.warning("queued jobs %s had no message in the broker; sent again", lost)
        except Exception:  # the database or Redis may be away for a moment; the next sweep tries again
            log.exception("sweeping jobs failed")
        finally:
            connection.close()
