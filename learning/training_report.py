"""What a training job reports and keeps (C-3): the live epochs and time left, the figures of the result, and
the stored Model. Shared by a track's training and the joint fine-tune of every track.

Imported only by actors and commands, so torch stays out of web processes.
"""

import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from django.core.files import File

from learning.selectors import human_frame_counts
from prediction.ml.checkpoint import save_checkpoint
from prediction.ml.model import FrameClassifier, backbone_digest
from prediction.ml.training import CHECKING_BF16, EpochStats, TrainResult
from prediction.models import Model
from prediction.services import trained_model_name
from projects.jobs import JobReporter
from projects.models import Job

IMAGE_SIZE = 224  # the square input models are trained and predict at


class EpochPace:
    """Time left from the epochs measured so far, not from the job's start: reading frames (or a head's features)
    before the first epoch takes no part, nor does early stopping's end, which comes sooner if at all."""

    def __init__(self) -> None:
        self.first: tuple[float, float] | None = None  # (time, share done) when the first epoch ended

    def seconds_left(self, done: float, now: float) -> float | None:
        if self.first is None:
            self.first = (now, done)
            return None
        then, done_then = self.first
        return (1 - done) * (now - then) / (done - done_then) if done > done_then else None


def result_metrics(result: TrainResult, classes: tuple[str, ...]) -> dict:
    """What a model keeps of its training: its figures on the validation (or training) frames."""
    metrics = {"accuracy": round(result.accuracy, 4), "evaluated_on": result.evaluated_on,
               "validated_by": result.validated_by, "problems": result.problems,
               "f1": dict(zip(classes, result.f1, strict=True)), "confusion": result.confusion,
               "best_epoch": result.best_epoch, "temperature": round(result.temperature, 3), "bf16": result.bf16}
    if result.bf16_check:
        metrics["bf16_check"] = [round(accuracy, 4) for accuracy in result.bf16_check]  # float32, bfloat16
    return metrics


def epoch_reporter(reporter: JobReporter, history: list, where: str, share: float):
    """on_epoch for train(): the first fold's epochs go to the live chart, every epoch to the progress line
    (training is `share` of the job, the rest updating predictions)."""
    pace = EpochPace()

    def on_epoch(stats: EpochStats, done: float) -> None:
        if stats.fold == 0:  # the chart shows the first validation fold; the rest only report progress
            history.append(asdict(stats))
            reporter.record({"history": history, "device": where})
        reporter.progress(share * done,
                          {0: "Epoch", -1: "Learning from every frame, epoch",
                           CHECKING_BF16: "Checking bfloat16 on the first fold, epoch"}.get(
                              stats.fold, f"Cross-validation fold {stats.fold + 1}, epoch")
                          + f" {stats.epoch}: train loss {stats.train_loss:.3f}"
                          + (f", validation loss {stats.val_loss:.3f}" if stats.val_loss is not None else ""),
                          pace.seconds_left(done, time.monotonic()))

    return on_epoch


def thin_class_warnings(project, kind: str, track) -> list[str]:
    """Classes of the track with fewer than 3 labelled frames: too few to learn or check well."""
    counts = human_frame_counts(project, kind, track)
    return [f"“{c.name}” has only {counts[c.pk]} labelled frame{'s' if counts[c.pk] != 1 else ''}"
            for c in track.classes.all() if 0 < counts.get(c.pk, 0) < 3]


def store_model(job: Job, track, model: FrameClassifier, metrics: dict, images: int) -> Model:
    options = job.options
    head_only = options["head_only"]
    kind = Model.Kind(options["kind"])
    name = trained_model_name(job.project, kind, metrics["accuracy"], head_only, track)
    stored = Model(project=job.project, track=track, name=name, kind=kind, backbone=model.config.backbone,
                   backbone_digest=backbone_digest(model), classes=list(model.config.classes), metrics=metrics,
                   training_images=images, created_by=job.created_by)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.pt"
        save_checkpoint(path, model, head_only=head_only)
        stored.size = path.stat().st_size
        with path.open("rb") as handle:
            stored.file.save(f"{job.project_id}-{kind.value}-job{job.pk}.pt", File(handle), save=False)
    stored.save()
    return stored
