"""The embeddings cache (Y-2): pooled backbone features per video, keyed by backbone weights and mode: every
k-th frame ("skip{k}"), or the frames change-gated prediction classified ("gated", which grows as
re-predictions look at new stretches)."""

import tempfile
from dataclasses import dataclass

import numpy as np
from django.core.files import File

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


GATED = "gated"


def mode_of(frame_skip: int, gated: bool) -> str:
    return GATED if gated else f"skip{frame_skip}"


def _folder(video: Video) -> str:
    return f"embeddings/{video.project_id}/{video.pk}"


def cache_name(video: Video, backbone_key: str, mode: str) -> str:
    return f"{_folder(video)}/{backbone_key}-{mode}.npz"


def store(video: Video, backbone_key: str, mode: str, cached: CachedEmbeddings) -> None:
    _save(video, cache_name(video, backbone_key, mode), frames=cached.frames, embeddings=cached.embeddings,
          hashes=cached.hashes)


def _save(video: Video, name: str, **arrays: np.ndarray) -> None:
    """The arrays as one .npz in the video's storage, replacing any before. Written through a temporary file:
    a 10-hour clip's features are hundreds of MB, which a buffer in memory would hold twice."""
    storage = video.file.storage
    with tempfile.TemporaryFile() as spool:
        np.savez(spool, **arrays)
        spool.seek(0)
        if storage.exists(name):
            storage.delete(name)
        storage.save(name, File(spool, name=name))


def add_to_gated(video: Video, backbone_key: str, more: CachedEmbeddings) -> None:
    """Features computed elsewhere (training's answered frames) join the video's gated cache, so each frame's
    features are computed once; without a gated cache nothing is kept."""
    cached = _read(video, cache_name(video, backbone_key, GATED))
    if cached is None:
        return
    new = ~cached.rows_of(more.frames)[0]
    if not new.any():
        return
    frames = np.concatenate([cached.frames, more.frames[new]])
    order = np.argsort(frames, kind="stable")
    store(video, backbone_key, GATED, CachedEmbeddings(
        frames[order], np.concatenate([cached.embeddings, more.embeddings[new].astype(np.float16)])[order],
        np.concatenate([cached.hashes, more.hashes[new]])[order]))


def load(video: Video, backbone_key: str, frame_skip: int, gated: bool = False) -> CachedEmbeddings | None:
    """Gated: the gated cache, else the every-frame one. Otherwise features of frames 0, k, 2k, ...: from the
    skip-k cache, or picked out of the every-frame one."""
    if gated:
        return _read(video, cache_name(video, backbone_key, GATED)) or _read(
            video, cache_name(video, backbone_key, mode_of(1, False)))
    for skip in dict.fromkeys((frame_skip, 1)):
        cached = _read(video, cache_name(video, backbone_key, mode_of(skip, False)))
        if cached is None:
            continue
        keep = cached.frames % frame_skip == 0
        if np.array_equal(cached.frames[keep], np.arange(0, video.frame_count, frame_skip)):
            return CachedEmbeddings(cached.frames[keep], cached.embeddings[keep], cached.hashes[keep])
    return None


def _read(video: Video, name: str) -> CachedEmbeddings | None:
    storage = video.file.storage
    if not storage.exists(name):
        return None
    with storage.open(name) as handle, np.load(handle) as arrays:
        frames, embeddings = arrays["frames"], arrays["embeddings"]
        # Caches written before hashes were kept have none: ranges then give their middle frames.
        hashes = arrays["hashes"] if "hashes" in arrays else np.full(len(frames), -1, dtype=np.int64)
    return CachedEmbeddings(frames, embeddings, hashes)


def find(video: Video, backbone_key: str) -> CachedEmbeddings | None:
    """The densest cache of this video under the key: every frame, else the gated one, else the smallest skip."""
    try:
        names = video.file.storage.listdir(_folder(video))[1]
    except FileNotFoundError:
        return None
    modes = [name[len(backbone_key) + 1 : -4] for name in names
             if name.startswith(f"{backbone_key}-") and name.endswith(".npz")]
    skips = sorted(int(mode[4:]) for mode in modes if mode.startswith("skip") and mode[4:].isdigit())
    order = [f"skip{skip}" for skip in skips[:1] if skip == 1] + [GATED] * (GATED in modes) + [
        f"skip{skip}" for skip in skips if skip != 1]
    return _read(video, cache_name(video, backbone_key, order[0])) if order else None


def _grey_hashes_name(video: Video) -> str:
    return f"{_folder(video)}/grey-phash.npz"


def store_grey_hashes(video: Video, frames: np.ndarray, hashes: np.ndarray) -> None:
    """The grey pHashes (prediction.ml.frame_hash.grey_phash) the probe's pass took of `frames`, for unique
    sampling; they do not depend on any backbone."""
    _save(video, _grey_hashes_name(video), frames=frames, hashes=hashes)


def load_grey_hashes(video: Video) -> tuple[np.ndarray, np.ndarray] | None:
    """(frames, hashes) as stored, or None for a video probed without them."""
    name, storage = _grey_hashes_name(video), video.file.storage
    if not storage.exists(name):
        return None
    with storage.open(name) as handle, np.load(handle) as arrays:
        return arrays["frames"], arrays["hashes"]


def cache_files(video: Video) -> list[str]:
    """Every cache file of the video, under any backbone and mode."""
    try:
        return [f"{_folder(video)}/{name}" for name in video.file.storage.listdir(_folder(video))[1]]
    except FileNotFoundError:
        return []
