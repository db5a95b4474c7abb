"""Reading stored files wherever they are kept (disk or S3)."""

import io
import shutil
import tempfile
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def local_copy(field) -> Iterator[str]:
    """A local path for a stored file: the file itself on disk storage, else a temporary copy (workers, which read
    whole videos)."""
    try:
        yield field.path
        return
    except NotImplementedError:
        pass
    with tempfile.NamedTemporaryFile(suffix=".video") as tmp, field.open("rb") as source:
        shutil.copyfileobj(source, tmp, length=8 * 1024**2)
        tmp.flush()
        yield tmp.name


@contextmanager
def ranged_source(field) -> Iterator["str | RangedReader"]:
    """What PyAV opens to read a few frames in a request: the file itself on disk storage; on S3, a reader that
    fetches only the blocks asked for (the container's index and the frames' GOP, not the whole video)."""
    try:
        yield field.path
        return
    except NotImplementedError:
        pass
    storage = field.storage
    if not hasattr(storage, "bucket"):  # another remote storage: no ranges known here
        with local_copy(field) as path:
            yield path
        return
    with RangedReader(storage.bucket.meta.client, storage.bucket_name, storage._normalize_name(field.name)) as reader:
        yield reader


class RangedReader(io.RawIOBase):
    """An S3 object as a seekable file, read in blocks by ranged GETs and kept in a small LRU of blocks."""

    BLOCK = 512 * 1024
    KEPT_BLOCKS = 64  # 32 MiB at most

    def __init__(self, client, bucket: str, key: str) -> None:
        super().__init__()
        self.client, self.bucket, self.key = client, bucket, key
        self.size = client.head_object(Bucket=bucket, Key=key)["ContentLength"]
        self.position = self.fetched = 0  # fetched: bytes read from S3 so far
        self.blocks: OrderedDict[int, bytes] = OrderedDict()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def readinto(self, buffer) -> int:
        wanted = min(len(buffer), self.size - self.position)
        if wanted <= 0:
            return 0
        index, start = divmod(self.position, self.BLOCK)
        chunk = self._block(index)[start : start + wanted]
        buffer[: len(chunk)] = chunk
        self.position += len(chunk)
        return len(chunk)

    def _block(self, index: int) -> bytes:
        if index in self.blocks:
            self.blocks.move_to_end(index)
            return self.blocks[index]
        first = index * self.BLOCK
        last = min(first + self.BLOCK, self.size) - 1
        body = self.client.get_object(Bucket=self.bucket, Key=self.key, Range=f"bytes={first}-{last}")["Body"]
        block = self.blocks[index] = body.read()
        self.fetched += len(block)
        if len(self.blocks) > self.KEPT_BLOCKS:
            self.blocks.popitem(last=False)
        return block
