import pytest
import torch
from torch import nn

from prediction.ml.model import FrameClassifier, ModelConfig


def classifier(backbone: str) -> FrameClassifier:
    """A classifier whose batch norms hold statistics as a trained one's do (fresh ones are the identity)."""
    torch.manual_seed(3)
    model = FrameClassifier(ModelConfig(backbone, ("road", "junction"), image_size=64), pretrained=False).eval()
    for norm in (module for module in model.backbone.modules() if isinstance(module, nn.BatchNorm2d)):
        norm.running_mean.uniform_(-1, 1)
        norm.running_var.uniform_(0.5, 2)
        with torch.no_grad():
            norm.weight.uniform_(0.5, 1.5)
            norm.bias.uniform_(-0.5, 0.5)
    return model


IMAGES = torch.randint(0, 255, (3, 64, 64, 3), dtype=torch.uint8, generator=torch.Generator().manual_seed(0))


def close(a: torch.Tensor, b: torch.Tensor) -> bool:
    return torch.allclose(a, b, rtol=1e-4, atol=1e-4 * float(b.abs().max()))


def as_trained(model: FrameClassifier) -> torch.Tensor:
    with torch.enable_grad():  # where the backbone may learn, it runs itself
        return model.features(IMAGES).detach()


@pytest.mark.parametrize("backbone", ["resnet34", "efficientnet_lite0"])
def test_inference_gives_the_backbones_features_without_its_batch_norms(backbone):
    model = classifier(backbone)
    with torch.inference_mode():
        fast = model.features(IMAGES)
    expected = as_trained(model)
    assert close(fast, expected)
    copy = model._inference[1]
    assert not any(isinstance(module, nn.BatchNorm2d) for module in copy.modules())
    assert any(isinstance(module, nn.BatchNorm2d) for module in model.backbone.modules())  # left as it was
    padded = [module.static_padding.padding for module in copy.modules()
              if isinstance(getattr(module, "static_padding", None), nn.ZeroPad2d)]
    assert all(left != right or top != bottom for left, right, top, bottom in padded)  # only TF's lopsided ones
    assert "_inference" not in "".join(model.state_dict())  # never saved with a checkpoint


def test_the_inference_copy_follows_every_change_of_the_weights():
    model, other = classifier("efficientnet_lite0"), classifier("efficientnet_lite0")
    with torch.no_grad():
        for parameter in other.backbone.parameters():
            parameter.mul_(1.1)
    with torch.inference_mode():
        before = model.features(IMAGES)
    model.load_state_dict(other.state_dict())
    with torch.inference_mode():
        loaded = model.features(IMAGES)
    assert not close(loaded, before)
    assert close(loaded, as_trained(other))
    with torch.no_grad():
        next(model.backbone.parameters()).zero_()  # changed in place, as an optimiser does
    with torch.inference_mode():
        assert close(model.features(IMAGES), as_trained(model))
