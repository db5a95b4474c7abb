"""Checkpoints are {"config": asdict(ModelConfig), "state_dict": ...}, read with weights_only=True."""

import pickle
from dataclasses import asdict
from pathlib import Path

import torch

from prediction.ml.model import FrameClassifier, ModelConfig


class CheckpointError(ValueError):
    """The file is not a checkpoint we accept; the message says why."""


def save_checkpoint(path: Path, model: FrameClassifier) -> None:
    config = {**asdict(model.config), "classes": list(model.config.classes)}
    torch.save({"config": config, "state_dict": model.state_dict()}, path)


def load_checkpoint(path: Path) -> FrameClassifier:
    """Rebuild the model; refuses pickled code, unknown fields and mismatched weights."""
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, OSError) as exc:
        raise CheckpointError(f"Not a plain checkpoint (only tensors and settings are loaded): {exc}") from exc
    if not isinstance(data, dict) or set(data) != {"config", "state_dict"}:
        raise CheckpointError("A checkpoint holds exactly 'config' and 'state_dict'.")
    try:
        config = ModelConfig(**{**data["config"], "classes": tuple(data["config"]["classes"])})
        model = FrameClassifier(config, pretrained=False)
        model.load_state_dict(data["state_dict"], strict=True)
    except (TypeError, KeyError, ValueError, RuntimeError) as exc:
        raise CheckpointError(f"The checkpoint does not fit the model it describes: {exc}") from exc
    return model.eval()
