"""The frame classifier: a backbone, a linear head, and normalisation done on the model's device."""

import hashlib
from dataclasses import dataclass
from itertools import chain

import torch
from torch import nn

from prediction.ml.backbones import build_backbone, for_inference

DEFAULT_IMAGE_SIZE = 224


@dataclass(frozen=True)
class ModelConfig:
    backbone: str
    classes: tuple[str, ...]
    image_size: int = DEFAULT_IMAGE_SIZE


class FrameClassifier(nn.Module):
    def __init__(self, config: ModelConfig, *, pretrained: bool, allow_random: bool = False) -> None:
        super().__init__()
        self.config = config
        backbone = build_backbone(config.backbone, pretrained=pretrained, allow_random=allow_random)
        self.backbone = backbone.module
        self.head = nn.Linear(backbone.feature_dim, len(config.classes))
        self.register_buffer("mean", torch.tensor(backbone.mean).view(1, 3, 1, 1) * 255, persistent=False)
        self.register_buffer("std", torch.tensor(backbone.std).view(1, 3, 1, 1) * 255, persistent=False)
        self._inference: tuple[tuple, nn.Module] | None = None  # (the weights it was copied from, the copy)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """(B, H, W, 3) uint8 RGB -> (B, D) pooled backbone features."""
        x = images.permute(0, 3, 1, 2).float()  # (B, 3, H, W)
        x = ((x - self.mean) / self.std).contiguous(memory_format=torch.channels_last)
        return self._backbone_to_run()(x)

    def _backbone_to_run(self) -> nn.Module:
        """The backbone while it may learn; where it cannot (eval mode, no gradients), its faster copy for inference,
        made again whenever its weights change (moved, loaded or trained in place)."""
        if self.backbone.training or torch.is_grad_enabled():
            return self.backbone
        weights = tuple((t.data_ptr(), t._version) for t in chain(self.backbone.parameters(), self.backbone.buffers()))
        if self._inference is None or self._inference[0] != weights:
            self._inference = (weights, for_inference(self.backbone))
        return self._inference[1]

    def __getstate__(self) -> dict:
        # A deep copy (a track's network, say) has weights of its own, so the inference copy would be stale: drop it.
        return {**super().__getstate__(), "_inference": None}

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """(B, H, W, 3) uint8 RGB -> (B, K) logits."""
        return self.head(self.features(images))


def backbone_digest(model: FrameClassifier) -> str:
    """Names the backbone's weights and input size: models with the same digest give the same embeddings."""
    digest = hashlib.sha256(model.config.backbone.encode())
    if model.config.image_size != DEFAULT_IMAGE_SIZE:  # the default's digests predate the size counting
        digest.update(f"{model.config.image_size}px".encode())
    for name, tensor in sorted(model.backbone.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:16]
