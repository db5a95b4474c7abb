import uuid

from django.db import models


def dataset_path(export: "Export", filename: str) -> str:
    # Storage names are ours; the download is named after the project when it is served.
    return f"exports/{export.job.project_id}/{uuid.uuid4().hex}.zip"


class Export(models.Model):
    """A dataset ZIP written by an export job (E-2), kept in storage until deleted."""

    job = models.OneToOneField("projects.Job", on_delete=models.CASCADE, related_name="export")
    file = models.FileField(upload_to=dataset_path, max_length=200)
    size = models.BigIntegerField(default=0)
    images = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Dataset export #{self.pk} of {self.job.project}"
