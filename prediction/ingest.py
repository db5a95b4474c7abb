"""Prediction's share of the one decode a new video gets (V-5): while the probe decodes it, the project's
backbone runs on the frames change-gated prediction would classify, and their features go to the embeddings
cache ("gated"), with grey pHashes for unique sampling. Sampling, head-only training and a head's first
prediction then read those instead of decoding the video again.

Imported only where a probe runs (the worker, commands), so torch stays out of web processes.
"""

from django.conf import settings

from aigva.errors import UserFacingError
from prediction import embeddings
from prediction.features import pretrained
from prediction.ml import device as devices
from prediction.ml.gating import GateConfig
from prediction.ml.ingest import GateWatcher, Kept
from prediction.ml.pipeline import TorchClassifier
from prediction.models import VideoFeatures
from projects.jobs import JobReporter
from projects.models import Job
from videos.decoding import DecodeError, decode_all
from videos.media import Header
from videos.models import Video
from videos.storage import local_copy


def gate_watcher(video: Video, header: Header, backbone: str) -> GateWatcher:
    """What watches the probe's decode of the video and keeps `backbone`'s features of its gated frames."""
    classifier, batch_size, key = ingest_classifier(backbone, video.project.prediction_batch_size)

    def store(kept: Kept) -> None:
        embeddings.store(video, key, embeddings.GATED,
                         embeddings.CachedEmbeddings(kept.frames, kept.features, kept.hashes))
        embeddings.store_grey_hashes(video, kept.hashed_frames, kept.grey_hashes)
        VideoFeatures.objects.update_or_create(video=video, backbone=backbone,
                                               defaults={"key": key, "frames": len(kept.frames)})

    return GateWatcher(lambda images: classifier.embed(images).cpu().numpy(),
                       lambda frame: header.picture.square(frame, classifier.image_size),
                       GateConfig.for_frame_rate(float(header.fps)), batch_size, store)


def ingest_classifier(backbone: str, project_batch: int | None) -> tuple[TorchClassifier, int, str]:
    """(the pretrained backbone on the configured device, frames per forward pass, its embeddings key). There is
    no head to check bfloat16 against here: where the device computes it natively it is used (as prediction does
    once verified), unless AIGVA_BF16=off."""
    network, key = pretrained(backbone)
    device = devices.pick_device(settings.AIGVA_DEVICE)
    devices.use_all_cores()
    precision = "fp32" if devices.precision_for(device, settings.AIGVA_BF16) == "fp32" else "bf16"
    batch_size = project_batch or settings.AIGVA_PREDICT_BATCH or devices.batch_size_for(device, backbone)
    return TorchClassifier(network, device, precision=precision), batch_size, key


def keep_features(job: Job, reporter: JobReporter) -> dict:
    """A features job: the video's one decode for a backbone chosen after its upload, keeping what the probe's
    pass would have (V-5)."""
    video = Video.objects.select_related("project").get(pk=job.video_id)
    backbone, count = job.options["backbone"], video.frame_count
    watcher = gate_watcher(video, Header(video.fps, video.picture), backbone)
    try:
        with local_copy(video.file) as path:
            decoded = decode_all(path, lambda n: reporter.progress(n / count, f"Frame {n:,} of {count:,}"), [watcher])
        if len(decoded) != count:
            raise UserFacingError(f"The video decoded to {len(decoded)} frames instead of {count}; probe it again.")
        watcher.finish(count)
    except DecodeError as exc:
        raise UserFacingError(f"The video is damaged: {exc}.") from exc
    finally:
        watcher.close()
    return {"backbone": backbone, "frames": count, "gated_frames": len(watcher.kept.frames)}
