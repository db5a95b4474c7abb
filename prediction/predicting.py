"""Django glue around prediction.ml: runs one prediction job. Imported only by actors and commands."""

import io

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
from videos.models import Video, VideoStatus
from videos.services import local_copy


def build_classifier(model: Model):
    """The batch classifier for a stored model: its checkpoint on the chosen device, or custom code."""
    if model.kind == Model.Kind.CUSTOM:
        return CustomClassifier(registry.load_custom_model(model.custom_name), list(model.classes))
    with model.file.open("rb") as handle:
        try:
            classifier = load_checkpoint(io.BytesIO(handle.read()), allow_random=settings.AIGVA_ALLOW_RANDOM_INIT)
        except (CheckpointError, WeightsUnavailable) as exc:
            raise UserFacingError(str(exc)) from exc
    device = devices.pick_device(settings.AIGVA_DEVICE)
    devices.use_all_cores()
    bf16 = settings.AIGVA_BF16 == "on" or (settings.AIGVA_BF16 == "auto" and (
        device.type == "cuda" or devices.cpu_supports_bf16()))
    return TorchClassifier(classifier, device, bf16=bf16)


def run_prediction(job: Job, reporter: JobReporter) -> dict:
    """Predict every frame of the job's video; the new label set becomes current only at the end."""
    video = Video.objects.select_related("project").get(pk=job.video_id)
    model = Model.objects.get(pk=job.model_id)
    return predict_labels(video, model, build_classifier(model), job.options, reporter, created_by=job.created_by)


def update_predictions(model: Model, reporter: JobReporter, *, created_by, start: float = 0.0) -> int:
    """Re-label every ready, unreviewed video of the model's project, keeping people's labels (from the
    embeddings cache where it has the video, so in seconds); returns how many videos."""
    reviewed = LabelSet.objects.filter(is_current=True, reviewed=True).values("video_id")
    videos = list(Video.objects.filter(project_id=model.project_id, status=VideoStatus.READY)
                  .exclude(pk__in=reviewed).select_related("project").order_by("pk"))
    classifier = build_classifier(model)
    for position, video in enumerate(videos):
        share = (1 - start) / len(videos)
        options = {"frame_skip": video.project.default_frame_skip, "smooth": video.project.default_smoothing}
        predict_labels(video, model, classifier, options, _Scaled(reporter, start + position * share, share),
                       created_by=created_by)
    return len(videos)


class _Scaled:
    """A reporter for one part of a job: its progress 0-1 fills `share` of the job's from `start`."""

    def __init__(self, reporter: JobReporter, start: float, share: float) -> None:
        self.reporter, self.start, self.share = reporter, start, share

    def progress(self, fraction: float, message: str = "") -> None:
        self.reporter.progress(self.start + self.share * fraction, message)


def predict_labels(video: Video, model: Model, classifier, options: dict, reporter, *, created_by) -> dict:
    """One video's new current labels from the model; people's frames stay unless options say overwrite."""
    batch_size = video.project.prediction_batch_size or settings.AIGVA_PREDICT_BATCH
    config = PipelineConfig(batch_size=batch_size, frame_skip=options.get("frame_skip", 1),
                            smooth=options.get("smooth", 1))
    cached = embeddings.load(video, model.embeddings_key, config.frame_skip) if model.embeddings_key else None
    if cached is not None:  # only the head differs from an earlier prediction: no frame is decoded
        prediction = predict_from_features(cached.frames, cached.embeddings, cached.hashes, classifier, config,
                                           video.frame_count)
    else:
        prediction = _decode_and_predict(video, classifier, config, reporter)
    pk_of = dict(video.project.classes.values_list("name", "pk"))
    missing = sorted(set(model.classes) - set(pk_of))
    if missing:
        raise UserFacingError(f"The project lost the model's classes {', '.join(missing)}; the labels were kept.")
    class_pks = np.asarray([pk_of[name] for name in model.classes], dtype=np.int64)[prediction.classes]
    create_label_set(video=video, class_ids=class_pks, confidences=prediction.confidences, author=-model.pk,
                     created_by=created_by, source_model=model, keep_people=not options.get("overwrite_people", False))
    if cached is None and model.embeddings_key and len(prediction.embeddings):
        cache = embeddings.CachedEmbeddings(prediction.predicted_frames, prediction.embeddings, prediction.hashes)
        embeddings.store(video, model.embeddings_key, config.frame_skip, cache)
    return {"frames": video.frame_count, "predicted_frames": len(prediction.predicted_frames),
            "from_cache": cached is not None}


def _decode_and_predict(video: Video, classifier, config: PipelineConfig, reporter) -> Prediction:
    def progress(frames: int) -> None:
        reporter.progress(frames / video.frame_count, f"Frame {frames} of {video.frame_count}")

    if not video.file.storage.exists(video.file.name):
        raise UserFacingError("The video's file is missing from storage, so it cannot be decoded; upload it again.")
    with local_copy(video.file) as path:
        try:
            prediction = predict_video(path, classifier, config, on_batch=progress)
        except DecodeFailed as exc:
            raise UserFacingError(f"The video stopped decoding at frame {exc.frame}; the labels were kept.") from exc
        except CustomModelError as exc:
            raise UserFacingError(str(exc)) from exc
    if len(prediction.classes) != video.frame_count:
        raise UserFacingError(f"Decoded {len(prediction.classes)} frames, but the video has {video.frame_count}.")
    return prediction
