from django.conf import settings
from django.db import models

from labelling.frames import FrameLabels


class LabelSet(models.Model):
    """One video's per-frame labels; a video has one current set, older ones stay retrievable."""

    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="label_sets")
    is_current = models.BooleanField(default=True)
    frame_count = models.PositiveIntegerField()
    data = models.BinaryField()
    reviewed = models.BooleanField(default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["video"], condition=models.Q(is_current=True), name="one_current_label_set_per_video"
            )
        ]

    def __str__(self) -> str:
        return f"Labels of {self.video} ({'current' if self.is_current else 'previous'})"

    @property
    def labels(self) -> FrameLabels:
        return FrameLabels.from_bytes(bytes(self.data))
