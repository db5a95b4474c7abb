"""How prediction answers what other apps announce: a deleted video's embeddings cache goes with it."""

from django.db import transaction
from django.db.models.signals import post_delete

from prediction import embeddings
from videos.models import Video


def connect() -> None:
    post_delete.connect(forget_embeddings, sender=Video, dispatch_uid="prediction.forget_embeddings")


def forget_embeddings(*, instance: Video, **_) -> None:
    # Named now (the deleted instance loses its pk), deleted after the commit: a rolled-back delete keeps them.
    storage, names = instance.file.storage, embeddings.cache_files(instance)
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
