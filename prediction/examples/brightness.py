"""Example custom models (SPEC M-1): label frames "dark" or "bright" by their mean brightness.

Register in settings, e.g. AIGVA_CUSTOM_MODELS='{"brightness": "prediction.examples.brightness:predict"}',
or from a package with an entry point in the group `aigva.models`.
"""

import numpy as np
from PIL import Image


def predict(frames: list[np.ndarray]) -> list[tuple[str, float]]:
    """Batch form: RGB frames (H, W, 3) uint8 in, (class name, confidence) out, one per frame."""
    return [_label(float(frame.mean())) for frame in frames]


def custom_model_predict(img_path: str) -> tuple[str, float]:
    """The 2019 thesis's single-image form: a JPEG path in, (class name, confidence) out."""
    return _label(float(np.asarray(Image.open(img_path).convert("RGB")).mean()))


def _label(brightness: float) -> tuple[str, float]:
    name = "bright" if brightness >= 128 else "dark"
    return name, min(1.0, 0.5 + abs(brightness - 128) / 128)
