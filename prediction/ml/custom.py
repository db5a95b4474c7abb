"""Custom models (M-1): a researcher's Python function, wrapped as a batch classifier.

Two forms are accepted: the batch form `predict(frames: list[np.ndarray RGB]) -> list[(class, confidence)]`
and the thesis's single-image form `custom_model_predict(img_path) -> (class, confidence)`.
"""

import inspect
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image


class CustomModelError(ValueError):
    """The custom model misbehaved; the message says how."""


def takes_image_path(function: Callable) -> bool:
    """The thesis form names its parameter img_path (or is called custom_model_predict)."""
    parameters = list(inspect.signature(function).parameters)
    return function.__name__ == "custom_model_predict" or parameters[:1] == ["img_path"]


class CustomClassifier:
    image_size = None  # custom models see whole frames

    def __init__(self, function: Callable, class_names: list[str]) -> None:
        self.function = function
        self.index = {name: i for i, name in enumerate(class_names)}
        self.single = takes_image_path(function)

    def __call__(self, images: np.ndarray) -> tuple[np.ndarray, None]:
        """(B, H, W, 3) uint8 RGB -> class probabilities (B, K): the given confidence on the given class, the rest
        shared by the others."""
        try:
            results = self._single(images) if self.single else list(self.function(list(images)))
        except CustomModelError:
            raise
        except Exception as exc:
            raise CustomModelError(f"The custom model raised {exc.__class__.__name__}: {exc}") from exc
        if len(results) != len(images):
            raise CustomModelError(f"The custom model returned {len(results)} results for {len(images)} frames.")
        unknown = sorted({str(name) for name, _ in results} - set(self.index))
        if unknown:
            raise CustomModelError(f"The custom model returned classes the project lacks: {', '.join(unknown)}.")
        labels = np.asarray([self.index[str(name)] for name, _ in results], dtype=np.int64)
        classes = len(self.index)
        # The model's own answer stays the most probable class, even where its confidence is below chance.
        confidences = np.clip(np.asarray([float(c) for _, c in results], dtype=np.float32), 1 / classes, 1)
        probabilities = np.repeat(((1 - confidences) / max(classes - 1, 1))[:, None], classes, axis=1)
        probabilities[np.arange(len(labels)), labels] = confidences + 1e-6
        return probabilities, None

    def _single(self, images: np.ndarray) -> list:
        with tempfile.TemporaryDirectory() as folder:
            results = []
            for image in images:
                path = Path(folder) / "frame.jpg"
                Image.fromarray(image).save(path, quality=95)
                results.append(self.function(str(path)))
            return results
