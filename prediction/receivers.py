"""How prediction answers what other apps announce: a probe's decode keeps the backbone's features, and a
deleted video's embeddings cache goes with it."""

from django.db import transaction
from django.db.models.signals import post_delete

from prediction import embeddings
from prediction.backbone_choices import ingest_backbone
from videos.media import Header
from videos.models import Video
from videos.signals import video_decoding


def connect() -> None:
    post_delete.connect(forget_embeddings, sender=Video, dispatch_uid="prediction.forget_embeddings")
    video_decoding.connect(watch_decoding, sender=Video, dispatch_uid="prediction.watch_decoding")


def watch_decoding(*, video: Video, header: Header, **_):
    """The watcher that keeps the project's backbone's features at ingest; none where that is off, or where no
    backbone can run here."""
    backbone = ingest_backbone(video.project)
    if backbone is None:
        return None
    from prediction import ingest  # torch loads only where a probe runs

    return ingest.gate_watcher(video, header, backbone)


def forget_embeddings(*, instance: Video, **_) -> None:
    # Named now (the deleted instance loses its pk), deleted after the commit: a rolled-back delete keeps them.
    storage, names = instance.file.storage, embeddings.cache_files(instance)
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
