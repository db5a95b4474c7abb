import numpy as np
from django.conf import settings
from django.db import models
from django.db.models import OuterRef
from django.utils import timezone

from labelling.runs import LabelRuns, floats_from_bytes
from projects.models import first_track_pk


class LabelSetQuerySet(models.QuerySet):
    def current(self, track=None):
        """The current sets on `track`; without one, on the first track of each set's project (what callers
        naming no track mean: one-track scripts, the API's and commands' default)."""
        if track is not None:
            return self.filter(track=track, is_current=True)
        return self.filter(is_current=True, track=first_track_pk(OuterRef("video__project")))


class LabelSet(models.Model):
    """One video's per-frame labels on one track; a video has one current set per track, older ones stay
    retrievable."""

    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="label_sets")
    # The question these labels answer (P-4): a video has one current set per track.
    track = models.ForeignKey("projects.Track", on_delete=models.CASCADE, related_name="label_sets")
    is_current = models.BooleanField(default=True)
    frame_count = models.PositiveIntegerField()
    # LabelRuns.to_bytes(): run-length (class, author) segments.
    runs = models.BinaryField()
    # Model confidence per frame (float16, compressed); empty when no model made the set.
    confidences = models.BinaryField(null=True, blank=True)
    # Per frame (float16, compressed), the model's probability of the label minus that of the likeliest other
    # class: negative where decoding shots overrode the frame's own best class. Ranks uncertain frames (Y-2).
    margins = models.BinaryField(null=True, blank=True)
    # The lowest model confidence in each of ~1000 equal stretches, kept for the heat-map (L-3).
    confidence_bins = models.JSONField(default=list, blank=True)
    # The model that predicted this set; empty for the default set and imported labels.
    source_model = models.ForeignKey(
        "prediction.Model", null=True, blank=True, on_delete=models.SET_NULL, related_name="label_sets"
    )
    # The set that took over as current (a new prediction); an edit sent to this one goes there instead.
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced"
    )
    reviewed = models.BooleanField(default=False)
    # The accuracy estimate (learning.accuracy.Estimate.as_dict()) when last worked out for these labels
    # (issue 31); "by_estimate": true once a person marked them reviewed on its strength.
    accuracy = models.JSONField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LabelSetQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["video", "track"], condition=models.Q(is_current=True),
                                    name="one_current_label_set_per_video_and_track")
        ]

    def __str__(self) -> str:
        return f"Labels of {self.video} ({'current' if self.is_current else 'previous'})"

    @property
    def label_runs(self) -> LabelRuns:
        return LabelRuns.from_bytes(bytes(self.runs))

    def model_confidences(self) -> np.ndarray | None:
        """(N,) float16, or None when every label came from people or the default."""
        return floats_from_bytes(bytes(self.confidences)) if self.confidences else None

    def model_margins(self) -> np.ndarray | None:
        """(N,) float16, or None where the model gave none (sets made before margins were kept)."""
        return floats_from_bytes(bytes(self.margins)) if self.margins else None


class LabelEdit(models.Model):
    """One range edit (Y-1): who set frames start..end to which class, when; enough to undo it."""

    label_set = models.ForeignKey(LabelSet, on_delete=models.CASCADE, related_name="edits")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    label_class = models.ForeignKey("projects.LabelClass", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # LabelRuns of start..end before the edit, restored by undo.
    previous = models.BinaryField()
    undone = models.BooleanField(default=False)
    # Not auto_now_add: the copy carried to a new label set keeps when the person made the change.
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["label_set", "start", "end"])]

    def __str__(self) -> str:
        return f"{self.start}-{self.end} → {self.label_class} by {self.author}"
