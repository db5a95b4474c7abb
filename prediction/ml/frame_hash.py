"""Perceptual hashes of model inputs, so a long labelled range teaches with a few distinct frames (C-3).

The pipeline hashes every HASH_STRIDE-th frame while it decodes; the hashes travel with the cached
embeddings, so picking training frames from a range needs no decoding once a video was predicted.
"""

import av
import cv2
import imagehash
import numpy as np
from PIL import Image

HASH_STRIDE = 4  # frames; 6 a second at 25 fps
NOT_HASHED = -1  # in an int64 hash array, a frame the pipeline did not hash


def frame_hash(image: np.ndarray) -> int:
    """imagehash's pHash of an (H, W, 3) uint8 RGB image, as a signed 64-bit integer."""
    gray = cv2.resize(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), (64, 64), interpolation=cv2.INTER_AREA)
    return _as_int(imagehash.phash(Image.fromarray(gray)))


def _as_int(image_hash: imagehash.ImageHash) -> int:
    return int(np.packbits(image_hash.hash.flatten()).view(">i8")[0])


LUMA_FORMATS = {"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "yuv440p", "yuv411p", "nv12",
                "nv21"}  # 8-bit, luma first: read as grey as it is
HASH_SIDE = 64  # frames are reduced to this square of grey before pHash (which takes 32 x 32 of it)


def sparse_luma(frame: av.VideoFrame, step: int) -> np.ndarray | None:
    """Every step-th pixel of every step-th row of the frame's luma plane (a view, no copy); None for pixel
    formats whose first plane is not 8-bit luma."""
    if frame.format.name not in LUMA_FORMATS:
        return None
    plane = frame.planes[0]
    return np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)[: frame.height : step, : frame.width : step]


def grey_phash(frame: av.VideoFrame) -> int:
    """imagehash's pHash of a decoded frame, shrunk to 64x64 grey, as a signed 64-bit integer: what unique
    sampling compares. Read from a sparse grid of its luma plane (1.35 ms a 720p frame by the scaler, 0.2 ms so)."""
    grid = sparse_luma(frame, max(1, min(frame.width, frame.height) // (2 * HASH_SIDE)))
    grey = (frame.to_ndarray(format="gray", width=HASH_SIDE, height=HASH_SIDE) if grid is None else
            cv2.resize(np.ascontiguousarray(grid), (HASH_SIDE, HASH_SIDE), interpolation=cv2.INTER_AREA))
    return _as_int(imagehash.phash(Image.fromarray(grey)))


def hash_distance(a: int, b: int) -> int:
    """Bits in which two pHashes differ."""
    return int(np.bitwise_count(np.int64(a) ^ np.int64(b)))


def hashes_of(frames: np.ndarray, images: np.ndarray) -> np.ndarray:
    """(B,) int64: the pHash of each image whose frame is a multiple of HASH_STRIDE, else NOT_HASHED."""
    return np.asarray([frame_hash(image) if frame % HASH_STRIDE == 0 else NOT_HASHED
                       for frame, image in zip(frames, images, strict=True)], dtype=np.int64)


def spread_over_range(start: int, end: int, frames: np.ndarray, hashes: np.ndarray, cap: int,
                      threshold: int) -> list[int]:
    """Up to `cap` frames of start..end (inclusive) that look different: of the hashed `frames` (ascending,
    with their `hashes`) in the range, each kept when its pHash is `threshold` bits or more from the last
    kept one, then thinned evenly. A range with no hashed frame gives its middle frame; a longer one at
    least two frames, so a class labelled once as a range can still be validated."""
    first, last = np.searchsorted(frames, [start, end + 1])
    inside, inside_hashes = frames[first:last], hashes[first:last]
    inside, inside_hashes = inside[inside_hashes != NOT_HASHED], inside_hashes[inside_hashes != NOT_HASHED]
    kept: list[int] = []
    last_hash = None
    for frame, value in zip(inside.tolist(), inside_hashes.tolist(), strict=True):
        if last_hash is None or hash_distance(value, last_hash) >= threshold:
            kept.append(frame)
            last_hash = value
    if not kept:
        kept = [(start + end) // 2]
    if len(kept) > cap:
        kept = [kept[i] for i in np.linspace(0, len(kept) - 1, cap).round().astype(int)]
    if len(kept) < 2 and end > start:
        kept = sorted({*kept, end if kept[0] != end else start})
    return kept
