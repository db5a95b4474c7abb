from django.conf import settings
from django.db import models


class Model(models.Model):
    """A classifier that can label a project's videos: trained in the app, registered, or custom code."""

    class Kind(models.TextChoices):
        HUMAN = "human", "Every human label"
        COLD = "cold", "Cold Label"
        BLITZ = "blitz", "Blitz Label"
        CHECKPOINT = "checkpoint", "Registered checkpoint"
        CUSTOM = "custom", "Custom code"

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="models")
    # The question it answers (P-4): its classes are that track's, and its predictions label that track.
    track = models.ForeignKey("projects.Track", on_delete=models.CASCADE, related_name="models")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    backbone = models.CharField(max_length=40, blank=True)
    backbone_digest = models.CharField(max_length=16, blank=True)  # its weights; equal digests share embeddings
    classes = models.JSONField(default=list)  # class names, in the model's output order
    file = models.FileField(upload_to="models/", max_length=200, blank=True)
    custom_name = models.CharField(max_length=120, blank=True)  # key in the custom-model registry
    size = models.BigIntegerField(default=0)
    metrics = models.JSONField(default=dict, blank=True)
    training_images = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        kind = self.get_kind_display()
        return self.name if kind in self.name else f"{self.name} ({kind})"

    def save(self, *args, **kwargs):
        if self.track_id is None and self.project_id is not None:
            self.track_id = self.project.first_track.pk  # made naming no track: the first, as one-track code means
        super().save(*args, **kwargs)

    @property
    def problems(self) -> list[str]:
        """Why its training figures say not to trust it (below chance, one class for everything)."""
        return list(self.metrics.get("problems", [])) if isinstance(self.metrics, dict) else []

    @property
    def embeddings_key(self) -> str:
        """Names this model's embeddings in the cache; empty when it has none (custom code)."""
        return f"{self.backbone}-{self.backbone_digest}" if self.backbone_digest else ""


class VideoFeatures(models.Model):
    """A backbone's features of a video's gated frames are in the embeddings cache (V-5): kept by the upload's one
    decode, or filled in later for a backbone chosen later. Sampling, head-only training and a head's first
    prediction read them instead of decoding the video."""

    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="kept_features")
    backbone = models.CharField(max_length=40)
    key = models.CharField(max_length=60)  # the cache's key: backbone and weights digest
    frames = models.PositiveIntegerField()  # gated frames kept
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["video", "backbone"], name="video_features_once")]

    def __str__(self) -> str:
        return f"{self.backbone} features of video {self.video_id}"
