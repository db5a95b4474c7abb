"""Django glue around prediction.ml: runs one prediction job. Imported only by actors and commands."""

import io
from contextlib import ExitStack

import numpy as np
from django.conf import settings

from aigva.errors import UserFacingError
from labelling.models import LabelSet
from labelling.services import create_label_set
from prediction import embeddings, registry
from prediction.ml import device as devices
from prediction.ml.backbones import WeightsUnavailable
from prediction.ml.checkpoint import CheckpointError, load_checkpoint
from prediction.ml.custom import CustomClassifier, CustomModelError
from prediction.ml.gating import GateConfig
from prediction.ml.model import FrameClassifier
from prediction.ml.pipeline import (
    DecodeFailed,
    PipelineConfig,
    Prediction,
    TorchClassifier,
    predict_from_features,
    predict_video,
)
from prediction.models import Model
from projects.jobs import JobReporter
from projects.models import Job
from videos.frames import read_frames
from videos.models import Video, VideoStatus
from videos.storage import local_copy

SHOT_SECONDS = 10  # before any video is reviewed: labels change about this often
# The share of a frame's probability that its current model label keeps when a model labels it again: a retrain
# changes what a person saw and let be only where it is clearly surer (about 25 points, for two classes).
HOLD_PREVIOUS = 0.2


def build_classifier(model: Model):
    """The batch classifier for a stored model: its checkpoint on the chosen device, or custom code."""
    if model.kind == Model.Kind.CUSTOM:
        return CustomClassifier(registry.load_custom_model(model.custom_name), list(model.classes))
    with model.file.open("rb") as handle:
        try:
            classifier = load_checkpoint(io.BytesIO(handle.read()), allow_random=settings.AIGVA_ALLOW_RANDOM_INIT)
        except (CheckpointError, WeightsUnavailable) as exc:
            raise UserFacingError(str(exc)) from exc
    return torch_classifier(classifier, model.backbone_digest)


# Whether bfloat16 kept the labels, per (backbone weights digest, device type), as this worker process's first
# job on them found. Later jobs use the answer instead of classifying their first frames twice again: a
# retrain's update classifies only a few hundred frames, so checking would double its model time.
_PROVEN_BF16: dict[tuple[str, str], bool] = {}


def torch_classifier(classifier: FrameClassifier, digest: str) -> TorchClassifier:
    """The network on the configured device, at the precision the settings choose for it (or proved)."""
    device = devices.pick_device(settings.AIGVA_DEVICE)
    devices.use_all_cores()
    precision = devices.precision_for(device, settings.AIGVA_BF16)
    proven = _PROVEN_BF16.get((digest, device.type)) if digest else None
    if precision == "verify" and proven is not None:
        precision = "bf16" if proven else "fp32"
    return TorchClassifier(classifier, device, precision=precision)


def _remember_precision(classifier, digest: str) -> None:
    if isinstance(classifier, TorchClassifier) and classifier.agreement is not None and digest:
        _PROVEN_BF16[(digest, classifier.device.type)] = classifier.bf16


def run_prediction(job: Job, reporter: JobReporter) -> dict:
    """Predict every frame of the job's video on its model's track, then on the tracks of its more_models: the
    first decodes the video and runs the backbone, the others (heads on the same backbone) read what it kept in
    the embeddings cache. Each track's new label set becomes current as it is done."""
    video = Video.objects.select_related("project").get(pk=job.video_id)
    models = [Model.objects.select_related("track").get(pk=pk)
              for pk in [job.model_id, *job.options.get("more_models", [])]]
    if not job.options.get("overwrite_people"):  # a track a person reviewed on this video is left alone
        reviewed = set(LabelSet.objects.filter(video=video, is_current=True, reviewed=True)
                       .values_list("track_id", flat=True))
        models = models[:1] + [model for model in models[1:] if model.track_id not in reviewed]
    results = {}
    for position, model in enumerate(models):
        part = _Scaled(reporter, position / len(models), 1 / len(models))
        results[model.track.name] = predict_labels(video, model, build_classifier(model), job.options, part,
                                                   created_by=job.created_by)
    first = next(iter(results.values()))
    return first if len(results) == 1 else {**first, "tracks": results}


def update_predictions(model: Model, reporter: JobReporter, *, created_by, start: float = 0.0,
                       classifier: TorchClassifier | None = None) -> int:
    """Re-label the model's track of every ready video not reviewed there, keeping people's labels (from the
    embeddings cache where it has the video, so in seconds); returns how many videos. `classifier`: the
    stored model already in memory (training just made it), instead of loading its file again."""
    reviewed = LabelSet.objects.current(model.track_id).filter(reviewed=True).values("video_id")
    videos = list(Video.objects.filter(project_id=model.project_id, status=VideoStatus.READY)
                  .exclude(pk__in=reviewed).select_related("project").order_by("pk"))
    classifier = classifier or build_classifier(model)
    for position, video in enumerate(videos):
        share = (1 - start) / len(videos)
        options = {"frame_skip": video.project.default_frame_skip, "smooth": video.project.default_smoothing,
                   "shots": video.project.decode_shots, "every_frame": False}
        predict_labels(video, model, classifier, options, _Scaled(reporter, start + position * share, share),
                       created_by=created_by)
    return len(videos)


class _Scaled:
    """A reporter for one part of a job: its progress 0-1 fills `share` of the job's from `start`."""

    def __init__(self, reporter: JobReporter, start: float, share: float) -> None:
        self.reporter, self.start, self.share = reporter, start, share

    def progress(self, fraction: float, message: str = "", seconds_left: float | None = None) -> None:
        self.reporter.progress(self.start + self.share * fraction, message)  # a part's time left is not the job's


def predict_labels(video: Video, model: Model, classifier, options: dict, reporter, *, created_by) -> dict:
    """One video's new current labels on the model's track; people's frames stay unless options say overwrite."""
    pk_of = dict(model.track.classes.values_list("name", "pk"))
    missing = sorted(set(model.classes) - set(pk_of))
    if missing:
        raise UserFacingError(f"The project lost the model's classes {', '.join(missing)}; the labels were kept.")
    model_pks = np.asarray([pk_of[name] for name in model.classes], dtype=np.int64)
    keep_people = not options.get("overwrite_people", False)
    config = _pipeline_config(video, model, classifier, options)
    frame_skip, gated = config.frame_skip, config.gate is not None
    people, previous = current_classes(video, model_pks, model.track_id)
    fixed = people if keep_people else None
    key = model.embeddings_key
    cached = embeddings.load(video, key, frame_skip, gated) if key else None
    if cached is not None:  # only the head differs from an earlier prediction: frames are decoded only where
        with ExitStack() as stack:  # its labels change between two cached frames
            prediction = predict_from_features(cached.frames, cached.embeddings, cached.hashes, classifier, config,
                                               video.frame_count, fixed, read=_reader(video, classifier, stack),
                                               previous=previous)
    else:
        prediction = _decode_and_predict(video, classifier, config, reporter, fixed, previous)
    create_label_set(video=video, class_ids=model_pks[prediction.classes], confidences=prediction.confidences,
                     margins=prediction.margins, author=-model.pk, created_by=created_by, source_model=model,
                     keep_people=keep_people)
    if key and len(prediction.embeddings) and (cached is None or prediction.model_frames):
        cache = embeddings.CachedEmbeddings(prediction.predicted_frames, prediction.embeddings, prediction.hashes)
        embeddings.store(video, key, embeddings.mode_of(frame_skip, gated), cache)
    _remember_precision(classifier, model.backbone_digest)
    return {"frames": video.frame_count, "predicted_frames": len(prediction.predicted_frames),
            "model_frames": prediction.model_frames, "mode": "gated" if gated else "every frame" if frame_skip == 1
            else f"1 in {frame_skip} frames", "from_cache": cached is not None, **precision_metrics(classifier)}


def _pipeline_config(video: Video, model: Model, classifier, options: dict) -> PipelineConfig:
    """How the prediction runs: batch size, every k-th frame or gated (where a label may change), shots decoded
    or not."""
    device = getattr(classifier, "device", None)
    backbone = classifier.model.config.backbone if isinstance(classifier, TorchClassifier) else None
    batch_size = (video.project.prediction_batch_size or settings.AIGVA_PREDICT_BATCH
                  or devices.batch_size_for(device, backbone))
    frame_skip = options.get("frame_skip", 1)
    gated = not options.get("every_frame", False) and frame_skip == 1
    return PipelineConfig(batch_size=batch_size, frame_skip=frame_skip, smooth=options.get("smooth", 1),
                          switch_probability=switch_probability(video, model.track_id) if options.get("shots", True)
                          else None, gate=GateConfig.for_frame_rate(float(video.fps or 25)) if gated else None,
                          hold_previous=HOLD_PREVIOUS)


def precision_metrics(classifier) -> dict:
    """How the model ran: bfloat16 or float32, and the agreement that decided it where it was verified."""
    if not isinstance(classifier, TorchClassifier):
        return {}
    return {"bf16": classifier.bf16, **({} if classifier.agreement is None else
                                        {"bf16_agreement": round(classifier.agreement, 4)})}


def _reader(video: Video, classifier: TorchClassifier, stack: ExitStack):
    """Reads model inputs of given frames, seeking to the keyframe before each stretch; the file is fetched
    from storage only on the first read."""
    opened: list = []  # (local path, frame pts) once the first read needs them

    def convert(frame) -> np.ndarray:
        return video.picture.square(frame, classifier.image_size)

    def read(frames: list[int]) -> np.ndarray:
        if not opened:
            _require_file(video)
            opened.append((stack.enter_context(local_copy(video.file)), video.frame_pts_array()))
        path, frame_pts = opened[0]
        images = [image for _, image in read_frames(path, frame_pts, frames, convert)]
        if len(images) != len(frames):
            raise UserFacingError("The video stopped decoding while its labels were updated; the labels were kept.")
        return np.stack(images)

    return read


def switch_probability(video: Video, track_id: int) -> float:
    """The chance that the track's label changes from one frame to the next, for decoding shots: a change per
    SHOT_SECONDS of video to begin with, moving to the rate in the project's videos reviewed on that track
    (whole videos a person labelled, so their changes are not a chosen few)."""
    changes, frames = 0, 0
    for label_set in LabelSet.objects.current(track_id).filter(video__project_id=video.project_id,
                                                       reviewed=True).only("runs", "frame_count"):
        class_ids = label_set.label_runs.class_ids
        changes += int((class_ids[1:] != class_ids[:-1]).sum())
        frames += label_set.frame_count
    return (changes + 1) / (frames + SHOT_SECONDS * float(video.fps or 25))


def current_classes(video: Video, model_pks: np.ndarray, track_id: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(people, previous): (N,) for each frame of the track's current labels, the model's index of its class where
    a person labelled it (people) or a model did (previous); -1 elsewhere. (None, None) without current labels."""
    current = LabelSet.objects.current(track_id).filter(video=video).only("runs").first()
    if current is None:
        return None, None
    class_ids, authors = current.label_runs.to_frames()
    index_of = np.full(int(max(class_ids.max(), model_pks.max())) + 1, -1, dtype=np.int64)
    index_of[model_pks] = np.arange(len(model_pks))
    classes = index_of[class_ids]
    return np.where(authors > 0, classes, -1), np.where(authors < 0, classes, -1)


def _require_file(video: Video) -> None:
    if not video.file.storage.exists(video.file.name):
        raise UserFacingError("The video's file is missing from storage, so it cannot be decoded; upload it again.")


def _decode_and_predict(video: Video, classifier, config: PipelineConfig, reporter, fixed, previous) -> Prediction:
    def progress(frames: int) -> None:
        reporter.progress(frames / video.frame_count, f"Frame {frames} of {video.frame_count}")

    _require_file(video)
    with local_copy(video.file) as path:
        try:
            prediction = predict_video(path, classifier, config, on_batch=progress, fixed=fixed,
                                       picture=video.picture, previous=previous)
        except DecodeFailed as exc:
            raise UserFacingError(f"The video stopped decoding at frame {exc.frame}; the labels were kept.") from exc
        except CustomModelError as exc:
            raise UserFacingError(str(exc)) from exc
    if len(prediction.classes) != video.frame_count:
        raise UserFacingError(f"Decoded {len(prediction.classes)} frames, but the video has {video.frame_count}.")
    return prediction
