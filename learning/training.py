"""Django glue around prediction.ml.training: gathers labelled frames, trains, stores the Model (C-3, B-2); a
job of several tracks goes to learning.joint_training.

Imported only by actors and commands, so torch stays out of web processes.
"""

from dataclasses import dataclass

import numpy as np
from django.conf import settings

from learning.audits import refresh_accuracy
from learning.joint_training import run_joint_training
from learning.models import TrainingSample
from learning.selectors import sources_for, training_classes
from learning.training_data import build_training_set
from learning.training_report import IMAGE_SIZE, epoch_reporter, result_metrics, store_model, thin_class_warnings
from prediction.features import pretrained_model
from prediction.ml import device as devices
from prediction.ml.frame_hash import grey_phash, hash_distance
from prediction.ml.model import FrameClassifier, ModelConfig, backbone_digest
from prediction.ml.training import TrainConfig, extract_features, train
from prediction.predicting import torch_classifier, update_predictions
from prediction.selectors import list_reviewed_video_names
from projects.jobs import JobReporter
from projects.models import Job
from videos.frames import read_frames
from videos.models import VideoStatus
from videos.storage import local_copy

PROPAGATION_THRESHOLD = 8  # pHash bits: a neighbour this far from the labelled frame is another shot
PROPAGATION_STEPS = 4  # neighbours per second on each side, up to one second away


def run_training(job: Job, reporter: JobReporter) -> dict:
    """Train on every frame people labelled (or the kind's samples) and store the result as a new Model;
    with the predict option, then update every unreviewed video's labels with it."""
    if job.options.get("tracks"):
        return run_joint_training(job, reporter)
    options = job.options
    track = _track_of(job)
    classes, left_out = training_classes(job.project, options["kind"], track)
    reporter.progress(0.0, "Reading labelled frames")
    device = devices.pick_device(settings.AIGVA_DEVICE)
    where = devices.describe(device, devices.use_all_cores())
    config = ModelConfig(options.get("backbone") or settings.AIGVA_BACKBONE, tuple(c.name for c in classes),
                         IMAGE_SIZE)
    model = pretrained_model(config)
    data = _gather(job, model, classes, device)
    history: list[dict] = []
    train_config = TrainConfig(epochs=options["epochs"], patience=options["patience"],
                               head_only=options["head_only"], seed=options.get("seed", 0),
                               precision=devices.precision_for(device, settings.AIGVA_BF16))
    result = train(model, data.inputs, data.labels, data.groups, options["val_split"], train_config, device,
                   epoch_reporter(reporter, history, where, share=0.9 if options.get("predict") else 1.0))
    metrics = result_metrics(result, config.classes) | {
        "history": history, "left_out": [c.name for c in left_out], "device": where,
        "warnings": thin_class_warnings(job.project, options["kind"], track), "track": track.name,
        "human_labelled": data.human_labelled, "training_images": len(data.labels), "propagated": data.propagated}
    stored = store_model(job, track, model.cpu(), metrics, len(data.labels))
    if options.get("predict"):
        metrics["updated_videos"] = update_predictions(stored, reporter, created_by=job.created_by, start=0.9,
                                                       classifier=torch_classifier(model, stored.backbone_digest))
        metrics["reviewed_left_alone"] = list_reviewed_video_names(job.project_id, track)
        metrics["labels_right"] = refresh_accuracy(job.project, track)[0].as_dict()  # what Review shows next
    return {**metrics, "model": stored.pk}


@dataclass
class _Gathered:
    inputs: np.ndarray
    labels: np.ndarray
    groups: np.ndarray
    human_labelled: int
    propagated: int


def _gather(job: Job, model: FrameClassifier, classes: list, device) -> _Gathered:
    """The distinct labelled frames (features from the embeddings cache for a head), plus propagated ones."""
    options = job.options
    head_only = options["head_only"]
    key = f"{model.config.backbone}-{backbone_digest(model)}" if head_only else ""

    def featurize(images: np.ndarray) -> np.ndarray:
        return extract_features(model, images, device).numpy()

    data = build_training_set(job.project, options["kind"], classes, IMAGE_SIZE, key, featurize if head_only else None)
    inputs, labels, groups, propagated = [data.inputs], [data.labels], [data.groups], 0
    if options.get("propagate"):
        extra = list(_propagated(job.project, options["kind"], classes))
        if extra:
            images = np.stack([image for image, _, _ in extra])
            inputs.append(featurize(images) if head_only else images)
            labels.append(np.asarray([label for _, label, _ in extra]))
            groups.append(np.asarray([group for _, _, group in extra]))
            propagated = len(extra)
    return _Gathered(np.concatenate(inputs), np.concatenate(labels), np.concatenate(groups), data.human_labelled,
                     propagated)


def _propagated(project, kind: str, classes: list):
    """(image, label, video) for frames next to an answered sample, until the picture changes (another shot)."""
    index_of = {label_class.pk: i for i, label_class in enumerate(classes)}
    samples = TrainingSample.objects.filter(project=project, source__in=sources_for(kind), label__in=classes,
                                            video__status=VideoStatus.READY)
    by_video: dict[int, list[TrainingSample]] = {}
    for sample in samples.select_related("video").order_by("pk"):
        if sample.source != TrainingSample.Source.REVIEWED:  # reviewed videos give every frame already
            by_video.setdefault(sample.video_id, []).append(sample)
    for video_samples in by_video.values():
        video = video_samples[0].video
        step = max(1, round(float(video.fps or 1) / PROPAGATION_STEPS))
        offsets = range(step, step * PROPAGATION_STEPS + 1, step)
        wanted = {s.frame + sign * d for s in video_samples for sign in (-1, 1) for d in offsets}
        wanted = {f for f in wanted | {s.frame for s in video_samples} if 0 <= f < video.frame_count}
        with local_copy(video.file) as path:
            decoded = dict(read_frames(path, video.frame_pts_array(), wanted,
                                       lambda f, picture=video.picture: (grey_phash(f), picture.square(f, IMAGE_SIZE))))
        for sample in video_samples:
            reference = decoded[sample.frame][0]
            for sign in (-1, 1):
                for offset in offsets:
                    neighbour = decoded.get(sample.frame + sign * offset)
                    if neighbour is None or hash_distance(neighbour[0], reference) >= PROPAGATION_THRESHOLD:
                        break
                    yield neighbour[1], index_of[sample.label_id], video.pk


def _track_of(job: Job):
    """The track the job trains a model for: the one its options name, or the project's first."""
    track_id = job.options.get("track")
    return job.project.tracks.get(pk=track_id) if track_id else job.project.first_track
