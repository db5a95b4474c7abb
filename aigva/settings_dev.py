"""Development defaults for the test suite and the benchmarks: DEBUG on (a fixed key, local hosts) unless set."""

import os

os.environ.setdefault("DEBUG", "true")

from aigva.settings import *  # noqa: E402, F403
