"""One network with a head per track (issue 33): a full fine-tune learns the backbone from every track's labels at
once and each track's head from its own; then each track gets a network of its own, the shared backbone with its
head, so a prediction of every track decodes and runs the backbone once (their embeddings are the same)."""

import copy
from dataclasses import dataclass, field, replace
from itertools import accumulate

import numpy as np
import torch
from torch import nn
from torch.nn import functional

from prediction.ml.model import FrameClassifier, ModelConfig
from prediction.ml.training import TrainConfig, TrainResult, _FineTuneSteps, _Training, calibrate, class_weights
from prediction.ml.validation import confusion_matrix, f1_scores, problems_of, validation_folds

UNLABELLED = -1  # a frame's label on a track nobody labelled it on


def head_slices(sizes: list[int]) -> list[slice]:
    """The outputs of each track's head in a head of every track's classes, track after track."""
    ends = list(accumulate(sizes))
    return [slice(end - size, end) for end, size in zip(ends, sizes, strict=True)]


class _JointSteps(_FineTuneSteps):
    """Targets (N, T): each track's class index, or UNLABELLED. The loss is the sum of the tracks' losses, each
    over the frames labelled on that track."""

    def __init__(self, model, images, targets, config, device, bf16: bool = False, slices: list[slice] = ()):
        super().__init__(model, images, targets, config, device, bf16)
        self.slices = list(slices)

    def again(self, bf16: bool) -> "_JointSteps":
        return _JointSteps(self.model, self.images, self.targets, self.config, self.device, bf16, self.slices)

    def weights(self, indices: np.ndarray) -> list[torch.Tensor]:
        targets = self.targets[indices]
        return [class_weights(targets[:, track][targets[:, track] >= 0], part.stop - part.start).to(self.device)
                for track, part in enumerate(self.slices)]

    def loss(self, logits: torch.Tensor, targets: torch.Tensor, weights: list | None = None) -> torch.Tensor:
        total = logits.new_zeros(())
        for track, part in enumerate(self.slices):
            labelled = targets[:, track] >= 0
            if labelled.any():
                total = total + functional.cross_entropy(logits[labelled, part], targets[labelled, track],
                                                         weight=None if weights is None else weights[track])
        return total

    def hits(self, logits: torch.Tensor, targets: torch.Tensor) -> float:
        """Per frame, the share of the tracks labelled there that its heads got right."""
        right, labelled = torch.zeros(len(targets)), torch.zeros(len(targets))
        for track, part in enumerate(self.slices):
            known = (targets[:, track] >= 0).cpu()
            right += ((logits[:, part].argmax(1) == targets[:, track]).cpu() & known).float()
            labelled += known.float()
        return float((right / labelled.clamp(min=1)).sum())


@dataclass
class _JointTraining(_Training):
    slices: list[slice] = field(default_factory=list)
    temperatures: list[float] = field(default_factory=list)

    def fine_tune(self, targets: torch.Tensor) -> _JointSteps:
        return _JointSteps(self.model, self.inputs, targets, self.config, self.device, self.result.bf16, self.slices)

    def calibrate(self, logits: torch.Tensor, truth: np.ndarray) -> None:
        self.temperatures = [calibrate(self.model, logits, truth[:, track], part)
                             for track, part in enumerate(self.slices)]


def train_jointly(
    model: FrameClassifier, images: np.ndarray, labels: np.ndarray, sizes: list[int], groups: np.ndarray,
    val_fraction: float, config: TrainConfig, device: torch.device, on_epoch=None,
) -> list[TrainResult]:
    """Fine-tune `model`, whose head has every track's classes (`sizes` of them, track after track), on
    (N, S, S, 3) uint8 images whose labels (N, T) give each track's class index or UNLABELLED. One TrainResult
    per track: the shared epochs, and that track's figures on the frames labelled there."""
    torch.manual_seed(config.seed)
    slices = head_slices(sizes)
    rows = np.unique(labels, axis=0, return_inverse=True)[1].reshape(-1)  # folds keep each combination spread
    folds, how = validation_folds(groups, rows, val_fraction, config.seed)
    shared = TrainResult(evaluated_on="validation" if folds else "training", validated_by=how,
                         bf16=config.precision == "bf16")
    run = _JointTraining(model, images, labels, config, device, shared, on_epoch, slices=slices)
    truth, logits = run.cross_validated(folds) if folds else run.on_every_frame()
    temperatures = run.temperatures or [1.0] * len(slices)
    return [_track_result(shared, truth[:, track], logits[:, part], model.config.classes[part], temperatures[track])
            for track, part in enumerate(slices)]


def _track_result(shared: TrainResult, truth: np.ndarray, logits: torch.Tensor, classes: tuple,
                  temperature: float) -> TrainResult:
    labelled = truth >= 0
    truth, predicted = truth[labelled], logits[torch.from_numpy(labelled)].argmax(1).numpy()
    result = replace(shared, temperature=temperature)
    result.accuracy = float((truth == predicted).mean()) if len(truth) else 0.0
    result.confusion = confusion_matrix(truth, predicted, len(classes))
    result.f1 = f1_scores(result.confusion)
    result.problems = problems_of(result.accuracy, predicted, classes)
    return result


def split_heads(model: FrameClassifier, sizes: list[int]) -> list[FrameClassifier]:
    """A network per track: the shared backbone (copied) with that track's head."""
    networks = []
    for part in head_slices(sizes):
        network = copy.deepcopy(model)
        network.config = ModelConfig(model.config.backbone, model.config.classes[part], model.config.image_size)
        network.head = nn.Linear(model.head.in_features, part.stop - part.start)
        with torch.no_grad():
            network.head.weight.copy_(model.head.weight[part])
            network.head.bias.copy_(model.head.bias[part])
        networks.append(network.eval())
    return networks
