"""prediction.ml alone: tiny generated videos, random-init ResNet34 at 64 px, fixed seed."""

import av
import numpy as np
import pytest
import torch

from prediction.ml.device import cpu_supports_bf16
from prediction.ml.model import FrameClassifier, ModelConfig
from prediction.ml.pipeline import DecodeFailed, PipelineConfig, TorchClassifier, predict_from_features, predict_video
from videos.tests.numbered_video import write_numbered_video

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def model() -> FrameClassifier:
    torch.manual_seed(0)
    return FrameClassifier(ModelConfig("resnet34", ("a", "b", "c"), image_size=64), pretrained=False).eval()


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("clips")
    vfr_ms = [sum((33, 50)[k % 2] for k in range(i)) for i in range(30)]
    return {
        "cfr": write_numbered_video(folder / "cfr.mp4", count=37),
        "vfr": write_numbered_video(folder / "vfr.mkv", count=30, pts_ms=vfr_ms),
    }


def reference_features(model: FrameClassifier, path) -> np.ndarray:
    """Each frame decoded on its own, in order, through the same model: (N, D)."""
    size = model.config.image_size
    with av.open(str(path)) as container:
        images = np.stack([f.to_ndarray(format="rgb24", width=size, height=size) for f in container.decode(video=0)])
    with torch.inference_mode():
        return model.features(torch.from_numpy(images)).numpy()


@pytest.mark.parametrize("clip", ["cfr", "vfr"])
def test_frame_i_prediction_lands_at_index_i(model, clips, clip):
    prediction = predict_video(str(clips[clip]), TorchClassifier(model, CPU), PipelineConfig(batch_size=4))
    reference = reference_features(model, clips[clip])
    assert len(prediction.classes) == len(reference)
    assert np.array_equal(prediction.predicted_frames, np.arange(len(reference)))
    np.testing.assert_allclose(prediction.embeddings.astype(np.float32), reference, rtol=0.02, atol=0.02)
    expected = torch.from_numpy(reference) @ model.head.weight.detach().T + model.head.bias.detach()
    assert np.array_equal(prediction.classes, expected.argmax(1).numpy())


def test_frame_skip_predicts_every_kth_frame_and_fills_from_the_nearest(model, clips):
    config = PipelineConfig(batch_size=4, frame_skip=5)
    prediction = predict_video(str(clips["cfr"]), TorchClassifier(model, CPU), config)
    assert len(prediction.classes) == 37
    assert list(prediction.predicted_frames) == list(range(0, 37, 5))
    reference = reference_features(model, clips["cfr"])
    np.testing.assert_allclose(prediction.embeddings.astype(np.float32), reference[::5], rtol=0.02, atol=0.02)
    for frame in range(37):
        nearest = min(prediction.predicted_frames, key=lambda p: (abs(p - frame), p))
        assert prediction.classes[frame] == prediction.classes[nearest]


def test_cancelling_between_batches_stops_the_decoder(model, clips):
    class Stop(Exception):
        pass

    seen = []

    def on_batch(frames_done: int) -> None:
        seen.append(frames_done)
        if len(seen) == 2:
            raise Stop

    with pytest.raises(Stop):
        predict_video(str(clips["cfr"]), TorchClassifier(model, CPU), PipelineConfig(batch_size=4), on_batch=on_batch)
    assert seen == [4, 8]


def test_a_truncated_video_fails_with_the_frame_where_it_stopped(model, clips, tmp_path):
    broken = tmp_path / "broken.mkv"
    data = clips["vfr"].read_bytes()
    broken.write_bytes(data[: len(data) // 2] + b"\\x00" * 5000 + data[len(data) // 2 :][:100])
    try:
        prediction = predict_video(str(broken), TorchClassifier(model, CPU), PipelineConfig(batch_size=4))
    except DecodeFailed as exc:
        assert exc.frame >= 0 and "frame" in str(exc)
    else:  # the demuxer may simply stop early: then fewer frames come back, never misplaced ones
        assert len(prediction.classes) < 30


@pytest.mark.skipif(not cpu_supports_bf16(), reason="real bfloat16 numerics: emulated, this CPU rounds otherwise")
def test_bf16_autocast_runs_and_mostly_agrees(model, clips):
    plain = predict_video(str(clips["cfr"]), TorchClassifier(model, CPU), PipelineConfig(batch_size=8))
    fast = predict_video(str(clips["cfr"]), TorchClassifier(model, CPU, precision="bf16"), PipelineConfig(batch_size=8))
    assert fast.classes.shape == plain.classes.shape
    assert (fast.classes == plain.classes).mean() >= 0.8


def test_re_predicting_from_cached_embeddings_matches_the_head_on_them(model, clips):
    config = PipelineConfig(batch_size=4, frame_skip=2, smooth=3)
    decoded = predict_video(str(clips["cfr"]), TorchClassifier(model, CPU), config)
    head = torch.nn.Linear(512, 3)
    other = FrameClassifier(model.config, pretrained=False)
    other.load_state_dict({**model.state_dict(), "head.weight": head.weight, "head.bias": head.bias})
    classifier = TorchClassifier(other, CPU)
    cached = predict_from_features(decoded.predicted_frames, decoded.embeddings, decoded.hashes, classifier,
                                   config, frame_count=37)
    with torch.inference_mode():
        labels = head(torch.from_numpy(decoded.embeddings).float()).argmax(1).numpy()
    assert len(cached.classes) == 37 and np.array_equal(cached.predicted_frames, decoded.predicted_frames)
    again = predict_from_features(decoded.predicted_frames, decoded.embeddings, decoded.hashes, classifier,
                                  PipelineConfig(frame_skip=2), frame_count=37)
    assert np.array_equal(again.classes[decoded.predicted_frames], labels)
    assert set(np.unique(cached.classes)) <= set(np.unique(labels))  # smoothing only removes short runs


def test_every_fourth_frame_is_hashed_as_it_decodes(model, clips):
    from prediction.ml.frame_hash import HASH_STRIDE, NOT_HASHED, frame_hash

    prediction = predict_video(str(clips["cfr"]), TorchClassifier(model, CPU), PipelineConfig(batch_size=4))
    hashed = prediction.hashes != NOT_HASHED
    assert np.array_equal(np.flatnonzero(hashed), np.arange(0, 37, HASH_STRIDE))
    with av.open(str(clips["cfr"])) as container:
        eighth = next(f for i, f in enumerate(container.decode(video=0)) if i == 8)
    assert prediction.hashes[8] == frame_hash(eighth.to_ndarray(format="rgb24", width=64, height=64))


def test_a_range_gives_a_few_distinct_frames():
    from prediction.ml.frame_hash import NOT_HASHED, spread_over_range

    frames = np.arange(0, 100, 4)
    hashes = np.where(frames < 40, 0, 0xFF)  # two looks: frames 0-36, then 40-96
    assert spread_over_range(0, 99, frames, hashes, cap=10, threshold=4) == [0, 40]
    assert spread_over_range(41, 43, frames, hashes, cap=10, threshold=4) == [42, 43]  # no hashed frame inside
    assert spread_over_range(5, 5, frames, hashes, cap=10, threshold=4) == [5]
    varied = np.arange(len(frames)) * 0x0F0F  # every hashed frame looks new
    assert len(spread_over_range(0, 99, frames, varied, cap=6, threshold=4)) == 6
    assert spread_over_range(0, 9, frames, np.full(len(frames), NOT_HASHED), cap=6, threshold=4) == [4, 9]
