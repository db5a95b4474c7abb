"""Django glue around prediction.ml: runs one prediction job. Imported only by actors and commands."""

import io

import numpy as np
from django.conf import settings

from aigva.errors import UserFacingError
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
from videos.models import Video
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
    classifier = build_classifier(model)
    batch_size = video.project.prediction_batch_size or settings.AIGVA_PREDICT_BATCH
    config = PipelineConfig(batch_size=batch_size, frame_skip=job.options.get("frame_skip", 1),
                            smooth=job.options.get("smooth", 1))
    cached = embeddings.load(video, model.embeddings_key, config.frame_skip) if model.embeddings_key else None
    if cached is not None:  # only the head differs from an earlier prediction: no frame is decoded
        prediction = predict_from_features(cached.frames, cached.embeddings, classifier, config, video.frame_count)
    else:
        prediction = _decode_and_predict(video, classifier, config, reporter)
    pk_of = dict(video.project.classes.values_list("name", "pk"))
    missing = sorted(set(model.classes) - set(pk_of))
    if missing:
        raise UserFacingError(f"The project lost the model's classes {', '.join(missing)}; the labels were kept.")
    class_pks = np.asarray([pk_of[name] for name in model.classes], dtype=np.int64)[prediction.classes]
    create_label_set(video=video, class_ids=class_pks, confidences=prediction.confidences, author=-model.pk,
                     created_by=job.created_by, source_model=model,
                     keep_people=not job.options.get("overwrite_people", False))
    if cached is None and model.embeddings_key and len(prediction.embeddings):
        embeddings.store(video, model.embeddings_key, config.frame_skip,
                         embeddings.CachedEmbeddings(prediction.predicted_frames, prediction.embeddings))
    return {"frames": video.frame_count, "predicted_frames": len(prediction.predicted_frames),
            "from_cache": cached is not None}


def _decode_and_predict(video: Video, classifier, config: PipelineConfig, reporter: JobReporter) -> Prediction:
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
