"""Training (C-3, B-2): a fast head on frozen backbone features, or the whole network fine-tuned.

Both take images already resized to the model's square input, (N, S, S, 3) uint8 RGB (or the head
their features), validate after every epoch, stop early when the validation loss stops improving and
keep the best epoch; then learn from every frame (a network for that many epochs, a head to its optimum).
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import torch
from scipy import optimize
from torch.nn import functional

from prediction.ml.device import batch_size_for
from prediction.ml.model import FrameClassifier
from prediction.ml.validation import confusion_matrix, f1_scores, problems_of, validation_folds

MAX_TEMPERATURE = 10.0
BF16_ACCURACY_SLACK = 0.005  # validation accuracy bfloat16 fine-tuning may lose and still be used


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 10
    batch_size: int = 16
    patience: int = 3  # epochs without a better validation loss before stopping
    head_only: bool = False
    learning_rate: float = 3e-4  # of the backbone when fine-tuning; its head learns 10x faster
    head_steps_per_epoch: int = 20  # L-BFGS iterations over every feature: a head alone is cheap
    seed: int = 0
    precision: str = "fp32"  # of fine-tuning: "bf16" autocast, or "verify": the first validation fold trains both
    # ways and bfloat16 goes on only if it kept the validation accuracy (a head always trains in float32)


@dataclass(frozen=True)
class EpochStats:
    epoch: int
    train_loss: float
    train_accuracy: float
    val_loss: float | None
    val_accuracy: float | None
    fold: int = 0  # 0: charted (the first or only validation fold, or training without one); 1..k-1: other
    # folds; -1: the final training on every frame; CHECKING_BF16: the first fold again, in bfloat16


CHECKING_BF16 = -2


@dataclass
class TrainResult:
    history: list[EpochStats] = field(default_factory=list)
    best_epoch: int = 0
    accuracy: float = 0.0  # on the validation set, or the training set when there is none
    f1: list[float] = field(default_factory=list)  # per class, in the model's class order
    confusion: list[list[int]] = field(default_factory=list)  # [true][predicted]
    evaluated_on: str = "validation"
    validated_by: str = "held-out videos"  # or "3-fold over videos", "2-fold over frames", "none"
    temperature: float = 1.0  # the head's logits were divided by this, fitted on held-out frames
    problems: list[str] = field(default_factory=list)  # reasons not to trust the model
    bf16: bool = False  # the network was fine-tuned under bfloat16 autocast
    bf16_check: tuple[float, float] | None = None  # (float32, bfloat16) validation accuracy of the first fold


def augment(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Camera-like changes of a (B, H, W, 3) uint8 batch: a random crop of 85-100 % resized back,
    brightness and contrast within 20 %. No flips: left and right can matter (a turn, a side)."""
    batch, height, width, _ = images.shape
    x = images.permute(0, 3, 1, 2).float()  # (B, 3, H, W)
    out = torch.empty_like(x)
    for i in range(batch):
        scale = 0.85 + 0.15 * torch.rand(1, generator=generator).item()
        h, w = round(height * scale), round(width * scale)
        top = int(torch.randint(0, height - h + 1, (1,), generator=generator))
        left = int(torch.randint(0, width - w + 1, (1,), generator=generator))
        crop = x[i : i + 1, :, top : top + h, left : left + w]
        out[i] = functional.interpolate(crop, size=(height, width), mode="bilinear", align_corners=False)[0]
    gains = 0.8 + 0.4 * torch.rand(batch, 2, generator=generator)  # (B, [brightness, contrast])
    mean = out.mean(dim=(1, 2, 3), keepdim=True)
    out = (out - mean) * gains[:, 1].view(-1, 1, 1, 1) + mean * gains[:, 0].view(-1, 1, 1, 1)
    return out.clamp(0, 255).round().to(torch.uint8).permute(0, 2, 3, 1)


@torch.inference_mode()
def extract_features(model: FrameClassifier, images: np.ndarray, device: torch.device, batch_size: int | None = None):
    """(N, S, S, 3) uint8 -> (N, D) float32 pooled backbone features, on the CPU."""
    model.eval().to(device)
    batch_size = batch_size or batch_size_for(device, model.config.backbone)
    chunks = [model.features(torch.from_numpy(images[start : start + batch_size]).to(device)).float().cpu()
              for start in range(0, len(images), batch_size)]
    return torch.cat(chunks) if chunks else torch.zeros((0, model.head.in_features))


def train(
    model: FrameClassifier, inputs: np.ndarray, labels: np.ndarray, groups: np.ndarray, val_fraction: float,
    config: TrainConfig, device: torch.device, on_epoch: Callable[[EpochStats, float], None] | None = None,
) -> TrainResult:
    """Train in place on (N, S, S, 3) uint8 images, or (N, D) float32 features for a head alone; classes
    are weighted by their rarity. on_epoch(stats, fraction done) may raise to cancel."""
    torch.manual_seed(config.seed)
    if config.head_only and inputs.ndim == 4:
        inputs = extract_features(model, inputs, device).numpy()
    folds, how = validation_folds(groups, labels, val_fraction, config.seed)
    result = TrainResult(evaluated_on="validation" if folds else "training", validated_by=how)
    result.bf16 = inputs.ndim == 4 and config.precision == "bf16"
    run = _Training(model, inputs, labels, config, device, result, on_epoch)
    truth, logits = run.cross_validated(folds) if folds else run.on_every_frame()
    predicted = logits.argmax(1).numpy()
    result.accuracy = float((truth == predicted).mean()) if len(truth) else 0.0
    result.confusion = confusion_matrix(truth, predicted, len(model.config.classes))
    result.f1 = f1_scores(result.confusion)
    result.problems = problems_of(result.accuracy, predicted, model.config.classes)
    return result


@dataclass
class _Training:
    """One call of train(): the data, the settings and the result it fills in."""

    model: FrameClassifier
    inputs: np.ndarray
    labels: np.ndarray
    config: TrainConfig
    device: torch.device
    result: TrainResult
    on_epoch: Callable[[EpochStats, float], None] | None

    def steps(self):
        """Steps in the precision decided so far (the check may switch fine-tuning to bfloat16)."""
        targets = torch.from_numpy(self.labels.astype(np.int64))
        if self.inputs.ndim == 2:
            return _HeadSteps(self.model, torch.from_numpy(self.inputs), targets, self.config, self.device)
        return self.fine_tune(targets)

    def fine_tune(self, targets: torch.Tensor) -> "_FineTuneSteps":
        """The steps of a fine-tune (a subclass learns several heads)."""
        return _FineTuneSteps(self.model, self.inputs, targets, self.config, self.device, self.result.bf16)

    def calibrate(self, logits: torch.Tensor, truth: np.ndarray) -> None:
        self.result.temperature = calibrate(self.model, logits, truth)

    def cross_validated(self, folds: list) -> tuple[np.ndarray, torch.Tensor]:
        """Validate for the figures (the first fold is charted), then learn from every frame."""
        model, config, result, on_epoch = self.model, self.config, self.result, self.on_epoch
        checking = self.inputs.ndim == 4 and config.precision == "verify"
        initial = copy.deepcopy(model.state_dict())
        logits, truth, best, parts = [], [], [], len(folds) + 1 + checking
        for fold, (train_idx, val_idx) in enumerate(folds):
            model.load_state_dict(initial)
            step = self.steps()
            history = result.history if fold == 0 else []
            part = fold + (checking and fold > 0)  # the check runs second
            best.append(_fit(step, train_idx, val_idx, config, _part(on_epoch, part, parts), history, fold)[0])
            logits.append(step.evaluate(val_idx)[2])
            truth.append(self.labels[val_idx])
            if fold == 0 and checking:
                _check_bf16(model, initial, result, step, (train_idx, val_idx), config, _part(on_epoch, 1, parts))
        model.load_state_dict(initial)
        result.best_epoch = max(1, int(np.median(best)))
        # A network stops at the epoch validation found best. A head's loss is convex: fitted to its optimum,
        # it moves only as far as new labels move it, so frames nobody touched keep their labels from one
        # retraining to the next (stopped after a validated number of epochs, they flipped).
        final = config if self.inputs.ndim == 2 else replace(config, epochs=result.best_epoch)
        everything = np.arange(len(self.labels))
        _fit(self.steps(), everything, np.arange(0), final, _part(on_epoch, parts - 1, parts), [], fold=-1)
        truth, logits = np.concatenate(truth), torch.cat(logits)
        self.calibrate(logits, truth)
        return truth, logits

    def on_every_frame(self) -> tuple[np.ndarray, torch.Tensor]:
        """Too few frames to hold any out: train on all, figures on the training frames."""
        step, everything = self.steps(), np.arange(len(self.labels))
        self.result.best_epoch, _ = _fit(step, everything, np.arange(0), self.config, self.on_epoch,
                                         self.result.history)
        return self.labels, step.evaluate(everything)[2]


def calibrate(model: FrameClassifier, held_out_logits: torch.Tensor, truth: np.ndarray,
              rows: slice = slice(None)) -> float:
    """Temperature scaling (Guo et al., 2017): a head trained on few, alike frames is surer than it is right,
    and decoding shots weighs its probabilities against people's fixed frames. The temperature that best
    predicts held-out frames is folded into the head (W/T, b/T), so nothing else changes. `rows`: the head's
    outputs of one track, where one network has a head per track (truth -1: a frame not labelled there)."""
    labelled = truth >= 0
    if not labelled.any():
        return 1.0
    targets = torch.from_numpy(truth[labelled].astype(np.int64))
    logits = held_out_logits[torch.from_numpy(labelled)][:, rows].double()

    def held_out_loss(log_temperature: float) -> float:
        return float(functional.cross_entropy(logits / np.exp(log_temperature), targets))

    found = optimize.minimize_scalar(held_out_loss, bounds=(0.0, np.log(MAX_TEMPERATURE)), method="bounded")
    temperature = float(np.exp(found.x))
    with torch.no_grad():
        model.head.weight[rows] /= temperature
        model.head.bias[rows] /= temperature
    return temperature


def _check_bf16(model: FrameClassifier, initial: dict, result: TrainResult, reference: "_FineTuneSteps",
                fold: tuple[np.ndarray, np.ndarray], config: TrainConfig, on_epoch) -> None:
    """Fine-tune the first fold (train, validation indices) again under bfloat16 autocast from the weights `initial`
    (reported as fold CHECKING_BF16); bfloat16 goes on if its validation accuracy is within BF16_ACCURACY_SLACK of
    what float32 fine-tuning (`reference`, that fold's steps) reached."""
    train_idx, val_idx = fold
    float32_accuracy = reference.evaluate(val_idx)[1]
    model.load_state_dict(initial)
    fast = reference.again(bf16=True)
    _fit(fast, train_idx, val_idx, config, on_epoch, [], CHECKING_BF16)
    result.bf16_check = (float32_accuracy, fast.evaluate(val_idx)[1])
    result.bf16 = bf16_keeps_accuracy(*result.bf16_check)


def bf16_keeps_accuracy(float32_accuracy: float, bfloat16_accuracy: float) -> bool:
    """The rule for fine-tuning in bfloat16: its validation accuracy within BF16_ACCURACY_SLACK of float32's."""
    return bfloat16_accuracy >= float32_accuracy - BF16_ACCURACY_SLACK - 1e-9  # 0.745 is within half a point


def _part(on_epoch, index: int, parts: int):
    """on_epoch for the index-th of `parts` equal trainings: their fraction done becomes the whole's."""
    return on_epoch and (lambda stats, done: on_epoch(stats, (index + done) / parts))


def _fit(step, train_idx: np.ndarray, val_idx: np.ndarray, config: TrainConfig, on_epoch, history: list,
         fold: int = 0):
    """Epochs with early stopping on the validation loss (the training loss without one); keeps the best.
    Returns (best epoch, best loss)."""
    best_loss, best_state, best_epoch, stale = float("inf"), None, 0, 0
    for epoch in range(1, config.epochs + 1):
        train_loss, train_accuracy = step.train_epoch(train_idx)
        val_loss, val_accuracy, _ = step.evaluate(val_idx) if len(val_idx) else (None, None, None)
        stats = EpochStats(epoch, train_loss, train_accuracy, val_loss, val_accuracy, fold)
        history.append(stats)
        watched = val_loss if val_loss is not None else train_loss
        if watched < best_loss - 1e-4:
            best_loss, best_state, stale, best_epoch = watched, copy.deepcopy(step.model.state_dict()), 0, epoch
        else:
            stale += 1
        if on_epoch:
            on_epoch(stats, epoch / config.epochs)
        if stale >= config.patience:
            break
    if best_state is not None:
        step.model.load_state_dict(best_state)
    return best_epoch, best_loss


def class_weights(targets: torch.Tensor, classes: int) -> torch.Tensor:
    """(K,) weights that make each class present count as much as any other in the loss."""
    counts = torch.bincount(targets, minlength=classes).float()
    return torch.where(counts > 0, counts.sum() / (counts * (counts > 0).sum()).clamp(min=1), 0.0)


class _HeadSteps:
    """Only the linear head learns, on features computed once: L2-regularised logistic regression, solved by
    L-BFGS. The problem is convex, so the head it converges to does not depend on where it started."""

    def __init__(self, model: FrameClassifier, features: torch.Tensor, targets: torch.Tensor, config, device):
        self.model, self.features, self.targets, self.config = model, features.to(device), targets.to(device), config
        model.to(device)
        self.optimizer = torch.optim.LBFGS(model.head.parameters(), lr=1, max_iter=config.head_steps_per_epoch,
                                           history_size=20, line_search_fn="strong_wolfe")

    def train_epoch(self, indices: np.ndarray) -> tuple[float, float]:
        self.model.head.train()
        index = torch.from_numpy(indices).to(self.features.device)
        weights = class_weights(self.targets[index], self.model.head.out_features)
        features, targets = self.features[index], self.targets[index]

        def loss_of_head() -> torch.Tensor:
            self.optimizer.zero_grad()
            # The prior on the weights weakens as frames accumulate (C = 1 in scikit-learn's terms).
            loss = functional.cross_entropy(self.model.head(features), targets, weight=weights) \
                + 0.5 * self.model.head.weight.square().sum() / len(index)
            loss.backward()
            return loss

        self.optimizer.step(loss_of_head)
        with torch.no_grad():
            logits = self.model.head(features)
            loss = functional.cross_entropy(logits, targets, weight=weights)
        return loss.item(), float((logits.argmax(1) == targets).float().mean())

    @torch.no_grad()
    def evaluate(self, indices: np.ndarray) -> tuple[float, float, np.ndarray]:
        index = torch.from_numpy(indices).to(self.features.device)
        logits = self.model.head(self.features[index])
        accuracy = float((logits.argmax(1) == self.targets[index]).float().mean())
        return float(functional.cross_entropy(logits, self.targets[index])), accuracy, logits.cpu()


class _FineTuneSteps:
    """The whole network learns from augmented images; the backbone at a tenth of the head's rate."""

    def __init__(self, model: FrameClassifier, images: np.ndarray, targets: torch.Tensor, config, device,
                 bf16: bool = False):
        self.model, self.images, self.targets, self.config, self.device = model, images, targets, config, device
        self.bf16 = bf16  # forward passes under bfloat16 autocast; the weights and optimizer stay float32
        model.to(device)
        self.optimizer = torch.optim.AdamW([
            {"params": model.backbone.parameters(), "lr": config.learning_rate},
            {"params": model.head.parameters(), "lr": config.learning_rate * 10},
        ], weight_decay=1e-4)
        self.generator = torch.Generator().manual_seed(config.seed)

    def again(self, bf16: bool) -> "_FineTuneSteps":
        """Fresh steps on the same data (the model as it is now), in the given precision."""
        return _FineTuneSteps(self.model, self.images, self.targets, self.config, self.device, bf16)

    def weights(self, indices: np.ndarray) -> torch.Tensor:
        return class_weights(self.targets[indices], self.model.head.out_features).to(self.device)

    def loss(self, logits: torch.Tensor, targets: torch.Tensor, weights: torch.Tensor | None = None) -> torch.Tensor:
        return functional.cross_entropy(logits, targets, weight=weights)

    def hits(self, logits: torch.Tensor, targets: torch.Tensor) -> float:
        """Right answers in the batch (a share of one per frame)."""
        return float((logits.argmax(1) == targets).sum())

    def train_epoch(self, indices: np.ndarray) -> tuple[float, float]:
        self.model.train()
        weights = self.weights(indices)
        order = indices[torch.randperm(len(indices), generator=self.generator).numpy()]
        losses, hits = [], 0
        for start in range(0, len(order), self.config.batch_size):
            batch = order[start : start + self.config.batch_size]
            if len(batch) < 2 and len(order) > 1:
                continue  # batch norm needs two images
            images = augment(torch.from_numpy(self.images[batch]), self.generator).to(self.device)
            target = self.targets[batch].to(self.device)
            with self._autocast():
                logits = self.model(images).float()
            loss = self.loss(logits, target, weights)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            losses.append(loss.item() * len(batch))
            hits += self.hits(logits, target)
        return sum(losses) / max(len(order), 1), hits / max(len(order), 1)

    @torch.inference_mode()
    def evaluate(self, indices: np.ndarray) -> tuple[float, float, np.ndarray]:
        self.model.eval()
        with self._autocast():
            logits = torch.cat([self.model(torch.from_numpy(self.images[indices[s : s + 32]]).to(self.device)).float()
                                for s in range(0, len(indices), 32)])
        target = self.targets[indices].to(logits.device)
        return float(self.loss(logits, target)), self.hits(logits, target) / max(len(indices), 1), logits.cpu()

    def _autocast(self):
        return torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.bf16)
