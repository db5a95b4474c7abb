import pickle

import pytest
import torch

from prediction.ml.backbones import WeightsUnavailable, build_backbone
from prediction.ml.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from prediction.ml.model import FrameClassifier, ModelConfig, backbone_digest


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(1)
    return FrameClassifier(ModelConfig("resnet34", ("road", "junction"), image_size=64), pretrained=False).eval()


def test_a_checkpoint_round_trips(model, tmp_path):
    save_checkpoint(tmp_path / "m.pt", model)
    again = load_checkpoint(tmp_path / "m.pt")
    assert again.config == model.config
    images = torch.randint(0, 255, (2, 64, 64, 3), dtype=torch.uint8)
    with torch.inference_mode():
        assert torch.allclose(again(images), model(images))


class Payload:
    def __reduce__(self):
        return (print, ("pwned",))


def test_pickled_code_is_refused(tmp_path):
    path = tmp_path / "evil.pt"
    torch.save({"config": {}, "state_dict": Payload()}, path)
    with pytest.raises(CheckpointError, match="Not a plain checkpoint"):
        load_checkpoint(path)
    path.write_bytes(pickle.dumps(Payload()))
    with pytest.raises(CheckpointError):
        load_checkpoint(path)


def test_unexpected_keys_are_refused(model, tmp_path):
    path = tmp_path / "odd.pt"
    torch.save({"config": {"backbone": "resnet34", "classes": ["a", "b"], "extra": 1},
                "state_dict": model.state_dict()}, path)
    with pytest.raises(CheckpointError, match="does not fit"):
        load_checkpoint(path)
    state = {**model.state_dict(), "surprise": torch.zeros(1)}
    torch.save({"config": {"backbone": "resnet34", "classes": ["a", "b"], "image_size": 64}, "state_dict": state}, path)
    with pytest.raises(CheckpointError, match="does not fit"):
        load_checkpoint(path)
    torch.save({"config": {}, "state_dict": {}, "more": 1}, path)
    with pytest.raises(CheckpointError, match="exactly"):
        load_checkpoint(path)


def test_missing_pretrained_weights_say_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path))  # an empty cache
    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", _offline)
    with pytest.raises(WeightsUnavailable, match="AIGVA_ALLOW_RANDOM_INIT"):
        build_backbone("resnet34", pretrained=True)
    assert build_backbone("resnet34", pretrained=True, allow_random=True).feature_dim == 512


def _offline(*args, **kwargs):
    raise OSError("network unreachable")


def test_efficientnet_lite0_loads_its_shipped_imagenet_weights():
    backbone = build_backbone("efficientnet_lite0", pretrained=True)
    assert backbone.feature_dim == 1280 and backbone.mean[0] == pytest.approx(127 / 255)


def test_a_head_only_checkpoint_rebuilds_its_pretrained_backbone(tmp_path):
    config = ModelConfig("resnet34", ("road", "junction"), image_size=64)
    trained = FrameClassifier(config, pretrained=True, allow_random=True)  # no weights here: the seeded random init
    torch.nn.init.normal_(trained.head.weight)
    save_checkpoint(tmp_path / "head.pt", trained, head_only=True)
    assert (tmp_path / "head.pt").stat().st_size < 10_000
    again = load_checkpoint(tmp_path / "head.pt", allow_random=True)
    assert backbone_digest(again) == backbone_digest(trained)
    images = torch.randint(0, 255, (2, 64, 64, 3), dtype=torch.uint8)
    with torch.inference_mode():
        assert torch.allclose(again(images.clone()), trained.eval()(images.clone()), atol=1e-5)


def test_a_head_trained_on_other_backbone_weights_is_refused(tmp_path):
    trained = FrameClassifier(ModelConfig("resnet34", ("a", "b"), image_size=64), pretrained=True, allow_random=True)
    save_checkpoint(tmp_path / "head.pt", trained, head_only=True)
    data = torch.load(tmp_path / "head.pt", weights_only=True)
    torch.save({"config": {**data["config"], "head_only_on": "0" * 16}, "state_dict": data["state_dict"]},
               tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="other than the ones installed here"):
        load_checkpoint(tmp_path / "other.pt", allow_random=True)
    torch.save({"config": data["config"], "state_dict": {**data["state_dict"], "backbone.fc.weight": torch.zeros(1)}},
               tmp_path / "extra.pt")
    with pytest.raises(CheckpointError, match="head-only checkpoint holds"):
        load_checkpoint(tmp_path / "extra.pt", allow_random=True)
