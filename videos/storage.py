"""Reading stored files wherever they are kept (disk or S3)."""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def local_copy(field) -> Iterator[str]:
    """A local path for a stored file: the file itself on disk storage, else a temporary copy."""
    try:
        yield field.path
        return
    except NotImplementedError:
        pass
    with tempfile.NamedTemporaryFile(suffix=".video") as tmp, field.open("rb") as source:
        shutil.copyfileobj(source, tmp, length=8 * 1024**2)
        tmp.flush()
        yield tmp.name
