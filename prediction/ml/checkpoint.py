"""Checkpoints are {"config": ..., "state_dict": ...}, read with weights_only=True.

A head-only checkpoint (a head trained on frozen pretrained features) stores just the head and, in
its config, the digest of the backbone it was trained on; loading rebuilds that backbone.
"""

from dataclasses import asdict
from pathlib import Path

import torch

from prediction.ml.model import FrameClassifier, ModelConfig, backbone_digest

HEAD_KEYS = {"head.weight", "head.bias"}


class CheckpointError(ValueError):
    """The file is not a checkpoint we accept; the message says why."""


def save_checkpoint(path: Path, model: FrameClassifier, *, head_only: bool = False) -> None:
    config = {**asdict(model.config), "classes": list(model.config.classes)}
    state = model.state_dict()
    if head_only:
        config["head_only_on"] = backbone_digest(model)
        state = {key: state[key] for key in HEAD_KEYS}
    torch.save({"config": config, "state_dict": state}, path)


def load_checkpoint(path: Path, *, allow_random: bool = False) -> FrameClassifier:
    """Rebuild the model; refuses pickled code, unknown fields and mismatched weights."""
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign file fails anywhere inside the unpickler
        raise CheckpointError(f"Not a plain checkpoint (only tensors and settings are loaded): "
                              f"{type(exc).__name__}: {str(exc)[:200]}") from exc
    if not isinstance(data, dict) or set(data) != {"config", "state_dict"}:
        raise CheckpointError("A checkpoint holds exactly 'config' and 'state_dict'.")
    try:
        fields = dict(data["config"])
        head_only_on = fields.pop("head_only_on", None)
        config = ModelConfig(**{**fields, "classes": tuple(fields["classes"])})
        if head_only_on is None:
            model = FrameClassifier(config, pretrained=False)
            model.load_state_dict(data["state_dict"], strict=True)
        else:
            model = _head_on_pretrained(config, head_only_on, data["state_dict"], allow_random)
    except CheckpointError:
        raise
    except (TypeError, KeyError, ValueError, RuntimeError) as exc:
        raise CheckpointError(f"The checkpoint does not fit the model it describes: {exc}") from exc
    return model.eval()


def _head_on_pretrained(config: ModelConfig, digest: str, state: dict, allow_random: bool) -> FrameClassifier:
    if set(state) != HEAD_KEYS:
        raise KeyError(f"a head-only checkpoint holds {sorted(HEAD_KEYS)}, not {sorted(state)}")
    model = FrameClassifier(config, pretrained=True, allow_random=allow_random)
    if backbone_digest(model) != digest:
        raise CheckpointError(
            f"This head was trained on {config.backbone} weights other than the ones installed here "
            f"(digest {digest}, here {backbone_digest(model)}); retrain it, or register the full checkpoint."
        )
    model.head.load_state_dict({key.removeprefix("head."): value for key, value in state.items()}, strict=True)
    return model
