"""Change-gated prediction: numbered videos whose frames change class at known frames, a deterministic model
that reads each frame's number (or its picture), and every boundary checked to the frame."""

import numpy as np
import pytest
import torch

from prediction.ml.custom import CustomClassifier
from prediction.ml.gating import GateConfig, fill_between
from prediction.ml.model import FrameClassifier, ModelConfig
from prediction.ml.pipeline import VERIFY_FRAMES, PipelineConfig, TorchClassifier, predict_from_features, predict_video
from videos.tests.numbered_video import read_frame_number, write_numbered_video

CLASSES = ["road", "junction", "parking"]
# Shots (first frame, class, background): a cut at 40 and at 95; the class changes at 130 with no cut.
SHOTS = [(0, "road", (40, 90, 40)), (40, "junction", (210, 120, 120)), (95, "road", (40, 90, 40)),
         (130, "parking", (40, 90, 40))]
COUNT = 180


def truth_of(frame: int) -> str:
    return next(name for start, name, _ in reversed(SHOTS) if frame >= start)


def background_of(frame: int, size=(640, 480)) -> np.ndarray:
    colour = next(colour for start, _, colour in reversed(SHOTS) if frame >= start)
    return np.full((size[1], size[0], 3), colour, dtype=np.uint8)


class Counting:
    """A custom model that knows the truth by reading the frame number, and counts the frames it saw."""

    def __init__(self, truth=truth_of, confidence: float = 1.0) -> None:
        self.truth, self.confidence, self.seen = truth, confidence, []

    def predict(self, frames):
        numbers = [read_frame_number(frame) for frame in frames]
        self.seen.extend(numbers)
        return [(self.truth(number), self.confidence) for number in numbers]


@pytest.fixture(scope="module")
def shots_video(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gated")
    return write_numbered_video(folder / "shots.mp4", count=COUNT, size=(640, 480), backgrounds=background_of,
                                options={"crf": "12"})


def test_every_boundary_lands_on_its_exact_frame_and_the_model_sees_few_frames(shots_video):
    model = Counting()
    prediction = predict_video(str(shots_video), CustomClassifier(model.predict, CLASSES),
                               PipelineConfig(batch_size=8, gate=GateConfig(max_gap=15)))
    truth = np.asarray([CLASSES.index(truth_of(frame)) for frame in range(COUNT)])
    assert np.array_equal(prediction.classes, truth)
    assert prediction.model_frames == len(set(model.seen)) == len(prediction.predicted_frames)
    assert prediction.model_frames < COUNT * 0.4
    # The cuts are anchors, settled by the frame before them; the change without a cut (at 130, between the
    # anchors at 125 and 140) by halving the stretch between: 4 looks, not 14.
    assert {39, 40, 94, 95} <= set(model.seen)
    assert {129, 130} <= set(model.seen) and len(set(range(126, 140)) & set(model.seen)) <= 4


@pytest.mark.parametrize("unsure_gap", [4, 1])
def test_between_unsure_frames_that_agree_the_model_looks_down_to_the_unsure_gap_only(shots_video, unsure_gap):
    model = Counting(truth=lambda _: "road", confidence=0.4)  # never sure: 0.4 against 0.3 and 0.3
    predict_video(str(shots_video), CustomClassifier(model.predict, CLASSES),
                  PipelineConfig(batch_size=8, gate=GateConfig(max_gap=16, unsure_gap=unsure_gap)))
    if unsure_gap == 4:
        assert np.diff(sorted(set(model.seen))).max() <= 4 and len(set(model.seen)) < COUNT * 0.4
    else:
        assert sorted(model.seen) == list(range(COUNT))


def test_the_model_sees_every_frame_a_person_answered_so_retraining_finds_its_features(shots_video):
    model = Counting()
    fixed = np.full(COUNT, -1)
    fixed[[17, 63, 151]] = 0  # answers between the gate's anchors
    fixed[100:120] = 2  # a range: its frames are not all shown
    prediction = predict_video(str(shots_video), CustomClassifier(model.predict, CLASSES),
                               PipelineConfig(batch_size=8, gate=GateConfig(max_gap=15)), fixed=fixed)
    assert {17, 63, 151} <= set(model.seen) <= set(prediction.predicted_frames.tolist())
    assert not set(range(100, 120)) <= set(model.seen)


def test_every_frame_mode_classifies_every_frame(shots_video):
    model = Counting()
    prediction = predict_video(str(shots_video), CustomClassifier(model.predict, CLASSES), PipelineConfig(batch_size=8))
    assert sorted(model.seen) == list(range(COUNT)) and prediction.model_frames == COUNT


def test_a_one_frame_event_between_two_shots_of_one_class_is_found_when_the_picture_changes(tmp_path):
    flash = 57

    def background(frame: int) -> np.ndarray:
        return np.full((480, 640, 3), 250 if frame == flash else 60, dtype=np.uint8)

    video = write_numbered_video(tmp_path / "flash.mp4", count=120, size=(640, 480), backgrounds=background,
                                 options={"crf": "12"})

    def by_picture(frames):  # what the picture shows, not the number: a bright frame is a flash
        return [("junction" if frame[240:, :].mean() > 150 else "road", 1.0) for frame in frames]

    prediction = predict_video(str(video), CustomClassifier(by_picture, CLASSES),
                               PipelineConfig(batch_size=8, gate=GateConfig(max_gap=30)))
    assert np.flatnonzero(prediction.classes == CLASSES.index("junction")).tolist() == [flash]
    assert prediction.model_frames < 20


def test_a_filled_frame_takes_the_less_sure_neighbours_probabilities():
    classified = np.asarray([0, 10])
    probabilities = np.asarray([[0.9, 0.1], [0.7, 0.3]], dtype=np.float32)
    filled = fill_between(classified, probabilities, 12)
    assert np.allclose(filled[0], [0.9, 0.1]) and np.allclose(filled[10], [0.7, 0.3])
    assert np.allclose(filled[1:10], [0.7, 0.3]) and np.allclose(filled[11], [0.7, 0.3])


class Features:
    """A deterministic classifier for cached features: feature 0 is the class, and a frame read from the video
    has its number's class; the frames read are recorded."""

    image_size = 8

    def __init__(self, boundary: int) -> None:
        self.boundary, self.read = boundary, []

    def classify_features(self, features):
        return np.eye(2, dtype=np.float32)[(features[:, 0] > 0.5).astype(int)]

    def __call__(self, images):
        classes = (images[:, 0, 0, 0] >= self.boundary).astype(int)
        return np.eye(2, dtype=np.float32)[classes], np.stack([classes, 1 - classes], axis=1).astype(np.float16)


def test_re_predicting_from_the_cache_decodes_only_where_neighbouring_labels_differ_and_halves_the_stretch():
    frames = np.asarray([0, 10, 20, 30, 40])
    features = np.asarray([[0, 1], [0, 1], [0, 1], [1, 0], [1, 0]], dtype=np.float16)  # the change is in 21..29
    classifier = Features(boundary=26)
    reads = []

    def read(wanted):
        reads.append(list(wanted))
        return np.stack([np.full((8, 8, 3), frame, dtype=np.uint8) for frame in wanted])

    config = PipelineConfig(batch_size=4, gate=GateConfig())
    prediction = predict_from_features(frames, features, np.zeros(5, dtype=np.int64), classifier, config, 41,
                                       read=read)
    assert sum(reads, []) == list(range(21, 30))
    # Halving 21..29 finds the change at 25|26 in at most 4 forward passes, not 9.
    assert np.flatnonzero(np.diff(prediction.classes)).tolist() == [25] and prediction.model_frames <= 4
    assert {25, 26} <= set(prediction.predicted_frames.tolist()) <= {0, 10, 20, *range(21, 30), 30, 40}
    calls = len(reads)
    again = predict_from_features(prediction.predicted_frames, prediction.embeddings, prediction.hashes, classifier,
                                  config, 41, read=read)
    assert len(reads) == calls and again.model_frames == 0 and np.array_equal(again.classes, prediction.classes)


class Doubtful:
    """A head whose feature 0 is its probability of the second class."""

    image_size = 8

    def classify_features(self, features):
        return np.stack([1 - features[:, 0], features[:, 0]], axis=1).astype(np.float32)

    def __call__(self, images):
        return np.tile([[0.9, 0.1]], (len(images), 1)).astype(np.float32), np.zeros((len(images), 2), np.float16)


def test_re_predicting_reads_nothing_for_a_doubt_that_decoding_shots_overrules():
    frames = np.asarray([0, 10, 20, 30, 40])
    features = np.asarray([[0.1, 0], [0.1, 0], [0.55, 0], [0.1, 0], [0.1, 0]], dtype=np.float16)  # 20 leans over
    reads = []

    def read(wanted):
        reads.append(list(wanted))
        return np.stack([np.full((8, 8, 3), frame, dtype=np.uint8) for frame in wanted])

    shots = PipelineConfig(batch_size=4, gate=GateConfig(), switch_probability=0.001)
    prediction = predict_from_features(frames, features, np.zeros(5, dtype=np.int64), Doubtful(), shots, 41,
                                       read=read)
    assert reads == [] and prediction.classes.tolist() == [0] * 41
    by_frame = PipelineConfig(batch_size=4, gate=GateConfig())  # each frame its own likeliest class: a change
    predict_from_features(frames, features, np.zeros(5, dtype=np.int64), Doubtful(), by_frame, 41, read=read)
    assert sum(reads, []) == [*range(11, 20), *range(21, 30)]


def test_re_predicting_never_reads_frames_a_person_labelled():
    frames = np.asarray([0, 10, 20, 30, 40])
    features = np.asarray([[0, 1], [0, 1], [0, 1], [1, 0], [1, 0]], dtype=np.float16)
    reads = []

    def read(wanted):
        reads.append(list(wanted))
        return np.stack([np.full((8, 8, 3), frame, dtype=np.uint8) for frame in wanted])

    fixed = np.full(41, -1)
    fixed[21:25] = 0  # a person labelled 21..24 as the first class
    config = PipelineConfig(batch_size=4, gate=GateConfig())
    prediction = predict_from_features(frames, features, np.zeros(5, dtype=np.int64), Features(boundary=26), config,
                                       41, fixed, read=read)
    assert sum(reads, []) == list(range(25, 30))
    assert np.flatnonzero(np.diff(prediction.classes)).tolist() == [25]
    fixed[21:30] = 1  # the whole stretch: the person's label stands, nothing is read
    reads.clear()
    prediction = predict_from_features(frames, features, np.zeros(5, dtype=np.int64), Features(boundary=26), config,
                                       41, fixed, read=read)
    assert reads == [] and prediction.model_frames == 0


def _model(disagreeing: bool, images: np.ndarray) -> FrameClassifier:
    torch.manual_seed(0)
    model = FrameClassifier(ModelConfig("resnet34", ("a", "b"), image_size=64), pretrained=False).eval()
    with torch.no_grad():
        model.head.weight.zero_()
        model.head.bias.copy_(torch.tensor([0.0, 50.0]))  # agreeing: b, far ahead, whatever the features
        if disagreeing:  # b's weights at right angles to these frames' float32 features, and long: the small
            # differences bfloat16 makes in the features decide between a and b
            features = model.features(torch.from_numpy(images)).to(torch.float16).float()
            basis, _ = torch.linalg.qr(features.T)
            direction = torch.randn(features.shape[1])
            direction -= basis @ (basis.T @ direction)
            model.head.weight[1] = direction * 1e4 / direction.norm()
            model.head.bias.zero_()
    return model


@pytest.mark.parametrize("disagreeing", [True, False])
def test_bf16_is_used_only_after_it_kept_the_labels_of_the_first_frames(disagreeing):
    images = np.random.default_rng(0).integers(0, 255, (VERIFY_FRAMES, 64, 64, 3), dtype=np.uint8)
    classifier = TorchClassifier(_model(disagreeing, images), torch.device("cpu"), precision="verify")
    probabilities, _ = classifier(images)
    reference, _ = TorchClassifier(_model(disagreeing, images), torch.device("cpu"))(images)
    assert np.allclose(probabilities, reference, atol=1e-5)  # the verified batches are float32 predictions
    assert classifier.verifying is False
    if disagreeing:
        assert classifier.agreement < 0.995 and classifier.bf16 is False
    else:
        assert classifier.agreement == 1.0 and classifier.bf16 is True


def test_frames_too_large_to_hold_many_of_are_settled_early_and_still_exact(shots_video, monkeypatch):
    from prediction.ml import gating

    monkeypatch.setattr(gating, "WINDOW_BYTES", 3 << 20)  # about six 640x480 frames
    model = Counting()
    prediction = predict_video(str(shots_video), CustomClassifier(model.predict, CLASSES),
                               PipelineConfig(batch_size=8, gate=GateConfig(max_gap=15)))
    truth = np.asarray([CLASSES.index(truth_of(frame)) for frame in range(COUNT)])
    assert np.array_equal(prediction.classes, truth)
