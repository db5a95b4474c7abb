"""Uploads stream to a temporary file on the data disk, and never fill it (issue 32).

An upload is refused from its Content-Length, before a byte of its body is read, when it is over the size
limit or would leave less than the reserve free. One that passed (other uploads share the disk) stops
being written the moment free space falls to the reserve: its partial file is deleted then, not when the
request ends, and the rest of the body is read and dropped, so the client gets the answer rather than a
reset connection. The reserve keeps the database, sessions and logs writable.
"""

import shutil
import tempfile
from http import HTTPStatus
from pathlib import Path

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict

FREE_SPACE_CHECK_BYTES = 4 * 1024**2  # how often a streaming upload looks at the disk's free space
MULTIPART_SLACK_BYTES = 1024**2  # a body over the file limit by less is the form's boundaries and fields


class UploadRefused(Exception):
    def __init__(self, message: str, status: HTTPStatus) -> None:
        super().__init__(message)
        self.status = status


def check_upload_refused(request: HttpRequest) -> None:
    """Raise UploadRefused where the upload handler refused or stopped this request's upload."""
    if refusal := getattr(request, "upload_refused", None):
        raise refusal


def _free_bytes() -> int:
    """Free space on the disk uploads stream to."""
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    return shutil.disk_usage(folder).free


def size_text(size: int) -> str:
    """A size as people read it: "1.01 MiB", "20 GiB"."""
    return f"{size / 1024**3:.3g} GiB" if size >= 1024**3 else f"{size / 1024**2:.3g} MiB"


def _over_limit() -> UploadRefused:
    return UploadRefused(f"The file is over the upload limit ({size_text(settings.AIGVA_MAX_UPLOAD_BYTES)}); "
                         "nothing was kept.", HTTPStatus.REQUEST_ENTITY_TOO_LARGE)


def _no_room(size: int | None = None) -> UploadRefused:
    what = f"an upload of {size_text(size)}" if size else "the rest of this upload"
    return UploadRefused(f"Not enough disk space for {what}: {size_text(settings.AIGVA_MIN_FREE_BYTES)} must stay free "
                         "for the database. Nothing was kept. Free some space or ask whoever runs AIGVA to.",
                         HTTPStatus.INSUFFICIENT_STORAGE)


def refusal_before_reading(content_length: int) -> UploadRefused | None:
    """Why a body of this declared length is refused before it is read, if it is."""
    if content_length > settings.AIGVA_MAX_UPLOAD_BYTES + MULTIPART_SLACK_BYTES:
        return _over_limit()
    if _free_bytes() - content_length < settings.AIGVA_MIN_FREE_BYTES:
        return _no_room(content_length)
    return None


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Streams every upload to a temporary file in chunks, within the size limit and the disk's reserve."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request.upload_refused = refusal_before_reading(content_length)
        if self.request.upload_refused:
            return QueryDict(encoding=encoding), MultiValueDict()  # the body is never read
        return None

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = self.checked = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.AIGVA_MAX_UPLOAD_BYTES:
            self._stop(_over_limit())
        if self.received - self.checked >= FREE_SPACE_CHECK_BYTES:
            self.checked = self.received
            if _free_bytes() - len(raw_data) < settings.AIGVA_MIN_FREE_BYTES:
                self._stop(_no_room())
        try:
            return super().receive_data_chunk(raw_data, start)
        except OSError:  # the disk filled up all the same (another writer)
            self._stop(_no_room())

    def _stop(self, refusal: UploadRefused) -> None:
        """Delete the partial file now; the parser drops the rest of the body."""
        self.request.upload_refused = refusal
        self.upload_interrupted()
        raise StopUpload(connection_reset=False)
