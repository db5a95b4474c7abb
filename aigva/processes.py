"""Child processes that never outlive the process that started them."""

import ctypes
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Linux: SIGTERM this process when the process that started it ends, however it ends (even SIGKILL).
    Used as a Popen preexec_fn and as a process pool's initializer."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
