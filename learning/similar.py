"""Find similar frames (Y-2): nearest neighbours of a frame in the project's embeddings cache, no decoding."""

from dataclasses import dataclass

import numpy as np

from prediction import embeddings
from prediction.models import Model
from videos.models import Video, VideoStatus

CHUNK = 65_536  # rows compared at once, so a long video's cache is not copied to float32 whole


@dataclass(frozen=True)
class Match:
    video: Video
    frame: int
    similarity: float  # cosine, 1 = the same features


def embeddings_key_for(video: Video) -> str:
    """The newest model's embeddings that cover this video."""
    for model in Model.objects.filter(project_id=video.project_id).exclude(backbone_digest="").order_by("-pk"):
        if embeddings.find(video, model.embeddings_key) is not None:
            return model.embeddings_key
    return ""


def find_similar(video: Video, frame: int, count: int = 24) -> tuple[list[Match], str]:
    """Frames of the project most like `frame` of `video` (not within a second of it), and the cache key used."""
    key = embeddings_key_for(video)
    if not key:
        return [], ""
    own = embeddings.find(video, key)
    query = own.embeddings[int(np.argmin(np.abs(own.frames - frame)))].astype(np.float32)
    query /= np.linalg.norm(query) or 1.0
    near = max(1, round(float(video.fps or 1)))
    scored: list[tuple[float, Video, int]] = []
    for other in Video.objects.filter(project_id=video.project_id, status=VideoStatus.READY).defer("frame_pts"):
        cached = own if other.pk == video.pk else embeddings.find(other, key)
        if cached is None:
            continue
        similarity = _cosine(cached.embeddings, query)
        if other.pk == video.pk:
            similarity[np.abs(cached.frames - frame) <= near] = -np.inf
        best = np.argsort(-similarity)[:count]
        scored += [(float(similarity[i]), other, int(cached.frames[i])) for i in best if np.isfinite(similarity[i])]
    scored.sort(key=lambda row: -row[0])
    return [Match(other, found, round(score, 4)) for score, other, found in scored[:count]], key


def _cosine(features: np.ndarray, query: np.ndarray) -> np.ndarray:
    out = np.empty(len(features), dtype=np.float32)
    for start in range(0, len(features), CHUNK):
        rows = features[start : start + CHUNK].astype(np.float32)
        out[start : start + CHUNK] = rows @ query / np.maximum(np.linalg.norm(rows, axis=1), 1e-6)
    return out
