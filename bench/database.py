"""The throwaway setting the benches that run the Django app share."""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test.utils import setup_test_environment


@contextmanager
def throwaway_database() -> Iterator[Path]:
    """A test database on the configured PostgreSQL, the test environment (the test client's host) and media in
    a temporary folder, which is yielded; all removed afterwards."""
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings.MEDIA_ROOT = str(Path(folder) / "media")
            yield Path(folder)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
