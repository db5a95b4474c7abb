from django.conf import settings
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Streams every upload to a temporary file in chunks and drops files over the size limit."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.AIGVA_MAX_UPLOAD_BYTES:
            self.file.close()
            self.request.upload_too_large = True
            raise SkipFile
        return super().receive_data_chunk(raw_data, start)
