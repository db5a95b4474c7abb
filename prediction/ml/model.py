"""The frame classifier: a backbone, a linear head, and normalisation done on the model's device."""

import hashlib
from dataclasses import dataclass

import torch
from torch import nn

from prediction.ml.backbones import build_backbone

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

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """(B, H, W, 3) uint8 RGB -> (B, D) pooled backbone features."""
        x = images.permute(0, 3, 1, 2).float()  # (B, 3, H, W)
        x = ((x - self.mean) / self.std).contiguous(memory_format=torch.channels_last)
        return self.backbone(x)

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
