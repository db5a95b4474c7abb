"""prediction.ml.training alone, on tiny images: dark frames versus bright ones, random-init ResNet34."""

import numpy as np
import pytest
import torch

from prediction.ml.model import FrameClassifier, ModelConfig
from prediction.ml.training import (
    CHECKING_BF16,
    TrainConfig,
    augment,
    bf16_keeps_accuracy,
    calibrate,
    extract_features,
    train,
)
from prediction.ml.validation import f1_scores, split_by_group

CPU = torch.device("cpu")


def two_kinds(count: int, size: int = 32, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Half dark, half bright noisy images: (N, size, size, 3) uint8 and labels (N,)."""
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % 2
    base = np.where(labels[:, None, None, None] == 1, 190, 60)
    images = np.clip(base + rng.normal(0, 25, (count, size, size, 3)), 0, 255).astype(np.uint8)
    return images, labels


def model() -> FrameClassifier:
    torch.manual_seed(0)
    return FrameClassifier(ModelConfig("resnet34", ("dark", "bright"), image_size=32), pretrained=False)


def test_split_by_group_keeps_videos_whole_and_one_for_training():
    groups = np.repeat([1, 2, 3, 4, 5], 4)
    train_idx, val_idx = split_by_group(groups, 0.4)
    assert len(val_idx) == 8 and not set(groups[train_idx]) & set(groups[val_idx])
    train_idx, val_idx = split_by_group(np.repeat([1, 2], 5), 0.9)
    assert len(set(np.repeat([1, 2], 5)[train_idx])) == 1  # never every video in validation
    train_idx, val_idx = split_by_group(np.ones(10), 0.2)
    assert len(val_idx) == 2 and len(train_idx) == 8
    assert len(split_by_group(groups, 0)[1]) == 0


def test_split_by_group_never_holds_out_a_class_or_half_the_data():
    groups, labels = np.repeat([1, 2, 3, 4], 5), np.array([0] * 15 + [1] * 5)  # class 1 only in video 4
    for seed in range(10):
        train_idx, val_idx = split_by_group(groups, 0.25, seed, labels)
        assert 4 not in groups[val_idx] and len(val_idx) == 5
    train_idx, val_idx = split_by_group(np.repeat([1, 2], 10), 0.2, 0, np.repeat([0, 1], 10))
    assert len(val_idx) == 4 and set(np.repeat([0, 1], 10)[train_idx]) == {0, 1}  # samples split instead


def test_augment_keeps_shape_and_changes_pixels():
    images = torch.from_numpy(two_kinds(4)[0])
    out = augment(images, torch.Generator().manual_seed(1))
    assert out.shape == images.shape and out.dtype == torch.uint8 and not torch.equal(out, images)


def test_a_head_on_frozen_features_learns_and_stops_early():
    images, labels = two_kinds(40)
    classifier = model()
    backbone_before = {k: v.clone() for k, v in classifier.backbone.state_dict().items()}
    seen = []
    result = train(classifier, images, labels, np.repeat(np.arange(4), 10), 0.25,
                   TrainConfig(epochs=50, patience=2, head_only=True), CPU, lambda stats, done: seen.append(done))
    assert result.accuracy >= 0.9 and result.evaluated_on == "validation"
    assert len(result.history) < 50  # early stopping
    assert 1 <= result.best_epoch <= len(result.history)
    # The validation run, then the kept head learns from every frame until its loss stops falling.
    assert len(seen) > len(result.history) and seen == sorted(seen) and seen[-1] <= 1.0
    assert all(torch.equal(v, classifier.backbone.state_dict()[k]) for k, v in backbone_before.items())
    assert np.asarray(result.confusion).sum() == 10 and len(result.f1) == 2


def test_a_head_learns_the_same_whatever_validation_held_out():
    # Its loss is convex: fitted to the optimum on every frame, the head does not depend on the fold that
    # decided the reported figures, so retraining does not flip frames nobody touched.
    images, labels = two_kinds(40)
    features = extract_features(model(), images, CPU).numpy()
    heads, stopped = [], set()
    for seed in range(4):
        classifier = model()
        result = train(classifier, features, labels, np.repeat(np.arange(4), 10), 0.25,
                       TrainConfig(epochs=30, patience=2, head_only=True, seed=seed), CPU)
        # Before its held-out temperature, which the folds do decide.
        heads.append(torch.cat([classifier.head.weight.flatten(), classifier.head.bias]) * result.temperature)
        stopped.add(result.best_epoch)
    assert len(stopped) > 1  # validation stopped at different epochs
    assert all(torch.allclose(head, heads[0], rtol=1e-3, atol=1e-4) for head in heads[1:])


def test_fine_tuning_trains_the_backbone_and_reports_every_epoch():
    images, labels = two_kinds(12)
    classifier = model()
    before = classifier.backbone.conv1.weight.detach().clone()
    result = train(classifier, images, labels, np.zeros(12), 0.0, TrainConfig(epochs=2, batch_size=4, patience=5), CPU)
    assert [s.epoch for s in result.history] == [1, 2] and result.history[0].val_loss is None
    assert result.evaluated_on == "training"
    assert not torch.equal(before, classifier.backbone.conv1.weight)


def test_cancelling_from_the_epoch_callback_stops_training():
    images, labels = two_kinds(8)

    def cancel(stats, done):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train(model(), images, labels, np.zeros(8), 0.25, TrainConfig(epochs=5, head_only=True), CPU, cancel)


def test_f1_per_class_from_a_confusion_matrix():
    assert f1_scores([[3, 1], [0, 4]]) == [0.8571, 0.8889]
    assert f1_scores([[0, 0], [2, 0]]) == [0.0, 0.0]


def test_a_validation_set_missing_a_class_falls_back_to_k_fold():
    from prediction.ml.validation import validation_folds

    # Three videos, each of one class: holding any out leaves validation with one class, and a 20 %
    # sample of 18 frames here misses class 2 (2 frames), so k-fold over frames it is.
    groups, labels = np.repeat([1, 2, 3], [8, 8, 2]), np.repeat([0, 1, 2], [8, 8, 2])
    folds, how = validation_folds(groups, labels, 0.2)
    assert how == "2-fold over frames" and len(folds) == 2
    for train_idx, val_idx in folds:
        assert set(labels[val_idx]) == {0, 1, 2} and not set(train_idx) & set(val_idx)
    mixed = np.tile([0, 1, 2], 6)  # every video shows every class: whole videos can be held out
    assert validation_folds(groups, mixed, 0.3)[1] == "held-out videos"
    assert validation_folds(groups, labels, 0) == ([], "none")


def test_k_fold_reports_held_out_figures_and_trains_on_everything():
    images, labels = two_kinds(8)
    groups = np.where(labels == 0, 1, 2)  # one video of dark frames, one of bright
    result = train(model(), images, labels, groups, 0.2, TrainConfig(epochs=4, head_only=True), CPU)
    assert result.validated_by == "3-fold over frames" and result.evaluated_on == "validation"
    assert sum(map(sum, result.confusion)) == 8  # every frame was judged once, held out


def test_a_model_below_chance_or_with_one_answer_is_named():
    from prediction.ml.training import class_weights
    from prediction.ml.validation import problems_of

    assert problems_of(0.9, np.array([0, 1, 1]), ("a", "b")) == []
    assert "below chance" in problems_of(0.2, np.array([0, 1]), ("a", "b", "c"))[0]
    assert problems_of(0.5, np.array([1, 1, 1]), ("a", "b")) == ["it answers “b” for every frame it was checked on"]
    weights = class_weights(torch.tensor([0, 0, 0, 1]), 3)
    assert weights.tolist() == pytest.approx([2 / 3, 2.0, 0.0])  # the rare class counts as much as the common


def test_calibration_softens_an_overconfident_head_without_changing_its_answers():
    classifier = model()
    features = torch.randn(200, classifier.head.in_features)
    truth = (features[:, 0] > 0).long().numpy()
    noisy = truth.copy()
    noisy[:30] = 1 - noisy[:30]  # 15 % of held-out answers disagree with the head, which is sure of every one
    with torch.no_grad():
        classifier.head.weight.zero_()
        classifier.head.weight[1, 0], classifier.head.weight[0, 0] = 20.0, -20.0
        classifier.head.bias.zero_()
        before = classifier.head(features)
    temperature = calibrate(classifier, before, noisy)
    with torch.no_grad():
        after = classifier.head(features)
    assert 2 < temperature <= 10
    assert torch.equal(after.argmax(1), before.argmax(1))
    assert torch.allclose(after, before / temperature, atol=1e-4)


def test_calibration_never_sharpens():
    classifier = model()
    features = torch.randn(50, classifier.head.in_features)
    with torch.no_grad():
        logits = classifier.head(features)
    assert calibrate(classifier, logits * 0.01, logits.argmax(1).numpy()) == pytest.approx(1.0, abs=1e-3)


class ReadsBrightness(FrameClassifier):
    """Runs ResNet34 as usual, but answers from each image's mean brightness, in float32 whatever its weights or
    the autocast: so a fold's accuracy is fixed by construction and no CPU's bfloat16 rounding can move it. Made
    blind in bfloat16, its answers under autocast carry nothing (all zero)."""

    autocast_seen = False
    blind_in_bfloat16 = False

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        network = super().forward(images)
        autocast = torch.is_autocast_enabled(images.device.type)
        self.autocast_seen |= autocast
        if autocast and self.blind_in_bfloat16:
            return network * 0
        with torch.autocast(images.device.type, enabled=False):
            brightness = images.float().mean(dim=(1, 2, 3)) / 255 - 0.5  # dark < 0 < bright
            return network.float() * 0 + torch.stack([-brightness, brightness], 1) * 20


def reads_brightness(blind_in_bfloat16: bool = False) -> ReadsBrightness:
    torch.manual_seed(0)
    classifier = ReadsBrightness(ModelConfig("resnet34", ("dark", "bright"), image_size=32), pretrained=False)
    classifier.blind_in_bfloat16 = blind_in_bfloat16
    return classifier


def two_videos(count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    images, labels = two_kinds(count)
    return images, labels, np.arange(count) % 4 // 2  # two videos, each with both kinds


@pytest.mark.parametrize(("float32_accuracy", "bfloat16_accuracy", "kept"), [
    (0.75, 0.75, True), (0.75, 0.9, True), (0.75, 0.745, True), (0.75, 0.7449, False), (0.75, 0.625, False),
    (0.8, 0.795, True), (1.0, 0.5, False),
])
def test_bfloat16_is_kept_only_within_half_a_point_of_float32(float32_accuracy, bfloat16_accuracy, kept):
    assert bf16_keeps_accuracy(float32_accuracy, bfloat16_accuracy) is kept


def test_bfloat16_fine_tuning_that_loses_validation_accuracy_falls_back_to_float32():
    images, labels, groups = two_videos(16)
    classifier, reports = reads_brightness(blind_in_bfloat16=True), []
    result = train(classifier, images, labels, groups, 0.5, TrainConfig(epochs=3, batch_size=4, precision="verify"),
                   CPU, lambda stats, done: reports.append((stats.fold, done)))
    assert result.bf16_check == (1.0, 0.5)  # blind in bfloat16: one class for every frame
    assert not result.bf16 and result.accuracy == 1.0
    assert [fold for fold, _ in reports] == [0] * 3 + [CHECKING_BF16] * 3 + [-1] * result.best_epoch
    assert [done for _, done in reports] == sorted(done for _, done in reports) and reports[-1][1] == 1.0
    assert [stats.fold for stats in result.history] == [0, 0, 0]  # the chart shows float32's fold


def test_bfloat16_fine_tuning_goes_on_where_it_keeps_the_validation_accuracy():
    images, labels, groups = two_videos(16)
    classifier = reads_brightness()
    result = train(classifier, images, labels, groups, 0.5, TrainConfig(epochs=3, batch_size=4, precision="verify"),
                   CPU)
    assert result.bf16_check == (1.0, 1.0) and result.bf16 and classifier.autocast_seen


def test_a_head_and_fine_tuning_without_validation_train_as_told():
    images, labels, groups = two_videos(8)
    forced = reads_brightness(blind_in_bfloat16=True)
    assert train(forced, images, labels, groups, 0.0, TrainConfig(epochs=1, batch_size=4, precision="bf16"), CPU).bf16
    assert forced.autocast_seen
    unchecked = reads_brightness(blind_in_bfloat16=True)  # no validation to check against: float32
    result = train(unchecked, images, labels, groups, 0.0, TrainConfig(epochs=1, batch_size=4, precision="verify"),
                   CPU)
    assert not result.bf16 and result.bf16_check is None and not unchecked.autocast_seen
    head = train(model(), images, labels, groups, 0.5, TrainConfig(epochs=2, head_only=True, precision="verify"), CPU)
    assert not head.bf16 and head.bf16_check is None
