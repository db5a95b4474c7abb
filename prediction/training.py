"""Django glue around prediction.ml.training: gathers labelled frames, trains, stores the Model (C-3, B-2).

Imported only by actors and commands, so torch stays out of web processes.
"""

import io
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.files import File
from django.utils import timezone
from PIL import Image

from aigva.errors import UserFacingError
from labelling.models import TrainingSample
from labelling.sampling import phash_of
from prediction.ml import device as devices
from prediction.ml.backbones import WeightsUnavailable
from prediction.ml.checkpoint import save_checkpoint
from prediction.ml.model import FrameClassifier, ModelConfig, backbone_digest
from prediction.ml.training import EpochStats, TrainConfig, train
from prediction.models import Model
from prediction.services import sources_for, training_classes
from projects.jobs import JobReporter
from projects.models import Job
from videos.frames import read_frames
from videos.services import local_copy

IMAGE_SIZE = 224
PROPAGATION_THRESHOLD = 8  # pHash bits: a neighbour this far from the labelled frame is another shot
PROPAGATION_STEPS = 4  # neighbours per second on each side, up to one second away


@dataclass
class TrainingSet:
    images: np.ndarray  # (N, S, S, 3) uint8
    labels: np.ndarray  # (N,) index into classes
    groups: np.ndarray  # (N,) video id, for the validation split
    human_labelled: int  # frames a person labelled; the rest came from propagation


def run_training(job: Job, reporter: JobReporter) -> dict:
    """Train on the project's labelled frames and store the result as a new Model."""
    options = job.options
    classes, left_out = training_classes(job.project, options["kind"])
    reporter.progress(0.0, "Reading labelled frames")
    data = gather_training_set(job.project, options["kind"], classes, options.get("propagate", False))
    device = devices.pick_device(settings.AIGVA_DEVICE)
    devices.use_all_cores()
    config = ModelConfig(options.get("backbone") or settings.AIGVA_BACKBONE, tuple(c.name for c in classes),
                         IMAGE_SIZE)
    try:
        model = FrameClassifier(config, pretrained=True, allow_random=settings.AIGVA_ALLOW_RANDOM_INIT)
    except WeightsUnavailable as exc:
        raise UserFacingError(str(exc)) from exc
    history: list[dict] = []

    def on_epoch(stats: EpochStats, done: float) -> None:
        history.append(asdict(stats))
        reporter.record({"history": history})
        reporter.progress(done, f"Epoch {stats.epoch}: train loss {stats.train_loss:.3f}"
                          + (f", validation loss {stats.val_loss:.3f}" if stats.val_loss is not None else ""))

    train_config = TrainConfig(epochs=options["epochs"], patience=options["patience"],
                               head_only=options["head_only"], seed=options.get("seed", 0))
    result = train(model, data.images, data.labels, data.groups, options["val_split"], train_config, device, on_epoch)
    metrics = {"accuracy": round(result.accuracy, 4), "evaluated_on": result.evaluated_on,
               "f1": dict(zip(config.classes, result.f1, strict=True)), "confusion": result.confusion,
               "best_epoch": result.best_epoch, "history": history, "left_out": [c.name for c in left_out],
               "human_labelled": data.human_labelled, "propagated": len(data.labels) - data.human_labelled}
    stored = _store_model(job, model.cpu(), metrics, len(data.labels))
    return {**metrics, "model": stored.pk}


def gather_training_set(project, kind: str, classes: list, propagate: bool) -> TrainingSet:
    """Every labelled sample of the kind's sources, resized; with neighbours of the same shot when propagating."""
    index_of = {label_class.pk: i for i, label_class in enumerate(classes)}
    samples = list(TrainingSample.objects.filter(
        project=project, source__in=sources_for(kind), label__in=classes).select_related("video").order_by("pk"))
    images, labels, groups = [], [], []
    for sample in samples:
        with sample.image.open("rb") as handle:
            images.append(_square(Image.open(io.BytesIO(handle.read()))))
        labels.append(index_of[sample.label_id])
        groups.append(sample.video_id)
    human = len(images)
    if propagate:
        for image, label, group in _propagated(samples, index_of):
            images.append(image)
            labels.append(label)
            groups.append(group)
    return TrainingSet(np.stack(images), np.asarray(labels), np.asarray(groups), human)


def _square(image: Image.Image) -> np.ndarray:
    """The whole frame squeezed to the model's square input, as prediction sees frames."""
    return np.asarray(image.convert("RGB").resize((IMAGE_SIZE, IMAGE_SIZE), Image.BILINEAR))


def _propagated(samples: list[TrainingSample], index_of: dict[int, int]):
    """(image, label, video) for frames next to a person's label, until the picture changes (another shot)."""
    by_video: dict[int, list[TrainingSample]] = {}
    for sample in samples:
        if sample.source != TrainingSample.Source.REVIEWED:  # reviewed videos give every frame already
            by_video.setdefault(sample.video_id, []).append(sample)
    for video_samples in by_video.values():
        video = video_samples[0].video
        step = max(1, round(float(video.fps or 1) / PROPAGATION_STEPS))
        offsets = range(step, step * PROPAGATION_STEPS + 1, step)
        wanted = {s.frame + sign * d for s in video_samples for sign in (-1, 1) for d in offsets}
        wanted = {f for f in wanted | {s.frame for s in video_samples} if 0 <= f < video.frame_count}
        with local_copy(video.file) as path:
            decoded = dict(read_frames(path, video.frame_pts_array(), wanted, _hash_and_square))
        for sample in video_samples:
            reference = decoded[sample.frame][0]
            for sign in (-1, 1):
                for offset in offsets:
                    neighbour = decoded.get(sample.frame + sign * offset)
                    if neighbour is None or neighbour[0] - reference >= PROPAGATION_THRESHOLD:
                        break
                    yield neighbour[1], index_of[sample.label_id], video.pk


def _hash_and_square(frame):
    return phash_of(frame), frame.to_ndarray(format="rgb24", width=IMAGE_SIZE, height=IMAGE_SIZE)


def _store_model(job: Job, model: FrameClassifier, metrics: dict, images: int) -> Model:
    options = job.options
    head_only = options["head_only"]
    kind = Model.Kind(options["kind"])
    name = f"{kind.label} {timezone.localtime():%Y-%m-%d %H:%M}" + (" (head)" if head_only else "")
    stored = Model(project=job.project, name=name, kind=kind, backbone=model.config.backbone,
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
