"""Backbone features of chosen frames, for choosing what a person labels first (C-1): from the
embeddings cache where it has them, else decoded and resized exactly as prediction does.

Imported only by actors and commands, so torch stays out of web processes.
"""

from collections.abc import Callable
from itertools import islice

import numpy as np
from django.conf import settings

from aigva.errors import UserFacingError
from prediction import embeddings
from prediction.ml import device as devices
from prediction.ml.backbones import WeightsUnavailable
from prediction.ml.model import FrameClassifier, ModelConfig, backbone_digest
from prediction.ml.training import extract_features
from videos.frames import read_frames
from videos.models import Video

IMAGE_SIZE = 224
BATCH = 32  # decoded frames held at once


def pretrained_model(config: ModelConfig) -> FrameClassifier:
    """The backbone with its ImageNet weights (random only where AIGVA_ALLOW_RANDOM_INIT says so)."""
    try:
        return FrameClassifier(config, pretrained=True, allow_random=settings.AIGVA_ALLOW_RANDOM_INIT)
    except WeightsUnavailable as exc:
        raise UserFacingError(str(exc)) from exc


# backbone -> (its pretrained network with a placeholder head, its embeddings key), loaded once per process: every
# probe of a worker runs it.
_PRETRAINED: dict[str, tuple[FrameClassifier, str]] = {}


def pretrained(backbone: str) -> tuple[FrameClassifier, str]:
    """The backbone's pretrained network for features (its head is a placeholder), and its embeddings key."""
    if backbone not in _PRETRAINED:
        model = pretrained_model(ModelConfig(backbone, ("any",), IMAGE_SIZE)).eval()
        _PRETRAINED[backbone] = model, f"{backbone}-{backbone_digest(model)}"
    return _PRETRAINED[backbone]


class FrameFeatures:
    """Features of any frames of any video, by the project's pretrained backbone."""

    def __init__(self, backbone: str) -> None:
        self.device = devices.pick_device(settings.AIGVA_DEVICE)
        devices.use_all_cores()
        self.model, self.key = pretrained(backbone)

    def cached(self, video: Video) -> embeddings.CachedEmbeddings | None:
        """The video's densest embeddings cache under this backbone, if it has one."""
        return embeddings.find(video, self.key)

    def __call__(self, video: Video, path: str, frames: np.ndarray, on_frame: Callable[[int], None] | None = None,
                 cached: embeddings.CachedEmbeddings | None = None) -> np.ndarray:
        """(F, D) float32 features of `frames` (sorted) of the video whose file is at `path`: from `cached` (looked
        up when not given) where it has them, the others decoded."""
        out = np.zeros((len(frames), self.model.head.in_features), dtype=np.float32)
        cached = self.cached(video) if cached is None else cached
        found = np.zeros(len(frames), dtype=bool)
        if cached is not None:
            found, at = cached.rows_of(frames)
            out[found] = cached.embeddings[at[found]]
        missing = np.flatnonzero(~found)
        picture = video.picture
        images = read_frames(path, video.frame_pts_array(), frames[missing], lambda f: picture.square(f, IMAGE_SIZE))
        for first in range(0, len(missing), BATCH):  # read_frames yields in frame order, as `missing` is
            decoded = list(islice(images, BATCH))
            out[missing[first : first + len(decoded)]] = extract_features(
                self.model, np.stack([image for _, image in decoded]), self.device).numpy()
            if on_frame:
                on_frame(decoded[-1][0])
        return out
