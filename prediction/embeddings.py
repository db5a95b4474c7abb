"""The embeddings cache (Y-2): pooled backbone features per video, keyed by backbone weights and frame skip."""

import io
from dataclasses import dataclass

import numpy as np
from django.core.files.base import ContentFile

from videos.models import Video


@dataclass(frozen=True)
class CachedEmbeddings:
    frames: np.ndarray  # (M,) int64 frame indices
    embeddings: np.ndarray  # (M, D) float16
    hashes: np.ndarray  # (M,) int64 pHashes (prediction.ml.frame_hash); NOT_HASHED where none

    def rows_of(self, frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(found (F,) bool, row (F,)): where each frame's features are, for the frames the cache has."""
        at = np.clip(np.searchsorted(self.frames, frames), 0, max(len(self.frames) - 1, 0))
        found = self.frames[at] == frames if len(self.frames) else np.zeros(len(frames), dtype=bool)
        return found, at


def cache_name(video: Video, backbone_key: str, frame_skip: int) -> str:
    return f"embeddings/{video.project_id}/{video.pk}/{backbone_key}-skip{frame_skip}.npz"


def store(video: Video, backbone_key: str, frame_skip: int, cached: CachedEmbeddings) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, frames=cached.frames, embeddings=cached.embeddings, hashes=cached.hashes)
    name, storage = cache_name(video, backbone_key, frame_skip), video.file.storage
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, ContentFile(buffer.getvalue()))


def load(video: Video, backbone_key: str, frame_skip: int) -> CachedEmbeddings | None:
    """Features of frames 0, k, 2k, ...: from the skip-k cache, or picked out of the every-frame one."""
    storage = video.file.storage
    for skip in dict.fromkeys((frame_skip, 1)):
        name = cache_name(video, backbone_key, skip)
        if not storage.exists(name):
            continue
        with storage.open(name) as handle, np.load(io.BytesIO(handle.read())) as arrays:
            frames, embeddings = arrays["frames"], arrays["embeddings"]
            # Caches written before hashes were kept have none: ranges then give their middle frames.
            hashes = arrays["hashes"] if "hashes" in arrays else np.full(len(frames), -1, dtype=np.int64)
        keep = frames % frame_skip == 0
        if np.array_equal(frames[keep], np.arange(0, video.frame_count, frame_skip)):
            return CachedEmbeddings(frames[keep], embeddings[keep], hashes[keep])
    return None


def find(video: Video, backbone_key: str) -> CachedEmbeddings | None:
    """The densest cache of this video under the key, whatever its frame skip."""
    folder = f"embeddings/{video.project_id}/{video.pk}"
    storage = video.file.storage
    try:
        names = storage.listdir(folder)[1]
    except FileNotFoundError:
        return None
    skips = sorted(int(name[len(backbone_key) + 5 : -4]) for name in names
                   if name.startswith(f"{backbone_key}-skip") and name[len(backbone_key) + 5 : -4].isdigit())
    return load(video, backbone_key, skips[0]) if skips else None
