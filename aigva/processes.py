"""Child processes that never outlive the process that started them."""

import ctypes
import multiprocessing
import os
import signal
import sys

import dramatiq

PR_SET_PDEATHSIG = 1


def die_with_parent(signal_number: int = signal.SIGTERM) -> None:
    """Linux: signal this process when the process that started it ends, however it ends (even SIGKILL).
    Used as a Popen preexec_fn and as a process pool's initializer."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal_number)


class WorkerDiesWithItsMain(dramatiq.Middleware):
    """Each Dramatiq worker process ends with the main process that forked it: killed alone, the main would
    leave its workers running, orphans beside the worker the supervisor (make run, compose) starts again.
    SIGKILL, not a graceful stop: an orphan's logging blocks on the pipe nobody reads any more, and the job it
    was running goes to another worker (projects.jobs.retake_stale_jobs)."""

    def after_process_boot(self, broker) -> None:
        die_with_parent(signal.SIGKILL)
        parent = multiprocessing.parent_process()
        if parent is not None and os.getppid() != parent.pid:  # it died while this process imported the app
            os.kill(os.getpid(), signal.SIGKILL)
