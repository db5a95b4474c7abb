from django.conf import settings
from django.db import models


class Audit(models.Model):
    """Frames drawn at random from those nobody labelled, answered blind, to estimate how right the rest are
    (issue 31). Each draw's chance is kept on its sample, so the estimate stays unbiased."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="audits")
    track = models.ForeignKey("projects.Track", on_delete=models.CASCADE, related_name="audits")  # what it tests
    population = models.PositiveIntegerField()  # frames nobody had labelled when the audit was drawn
    draws = models.PositiveIntegerField()
    video_chances = models.JSONField(default=dict)  # video id -> the chance one draw fell in that video
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Audit of {self.draws} draws on “{self.track}” in {self.project}"


def sample_image_path(sample: "TrainingSample", filename: str) -> str:
    return f"samples/{sample.project_id}/{sample.video_id}/{sample.frame}-{sample.source}.jpg"


class TrainingSample(models.Model):
    """A frame a person labels for training: sampled (C-1), proposed as uncertain (Y-2), or from a reviewed
    video; or an audit frame, answered blind and held out from training (issue 31)."""

    class Source(models.TextChoices):
        SAMPLED = "sampled", "Sampled frame"
        UNCERTAIN = "uncertain", "Uncertain frame"
        REVIEWED = "reviewed", "Reviewed video"
        AUDIT = "audit", "Audit frame"

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="samples")
    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="samples")
    frame = models.PositiveIntegerField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SAMPLED)
    image = models.FileField(upload_to=sample_image_path, max_length=200)  # JPEG, at most 640 px wide
    label = models.ForeignKey(
        "projects.LabelClass", null=True, blank=True, on_delete=models.SET_NULL, related_name="samples"
    )
    skipped = models.BooleanField(default=False)
    labelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    labelled_at = models.DateTimeField(null=True, blank=True)
    # The model's guess for an uncertain frame, and the confidence that put it in the queue; for an audit
    # frame, the current model's label and confidence there, renewed by every prediction.
    guess = models.ForeignKey(
        "projects.LabelClass", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confidence = models.FloatField(null=True, blank=True)
    audit = models.ForeignKey(Audit, null=True, blank=True, on_delete=models.CASCADE, related_name="samples")
    chance = models.FloatField(null=True, blank=True)  # of an audit frame: one draw's chance of picking it
    draws = models.PositiveSmallIntegerField(default=1)  # of an audit frame: how many draws picked it
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [  # an audit frame is one audit's: each track's audit may draw the frame
            models.UniqueConstraint(fields=["video", "frame", "source"], condition=~models.Q(source="audit"),
                                    name="one_sample_per_frame_and_source"),
            models.UniqueConstraint(fields=["audit", "video", "frame"], condition=models.Q(source="audit"),
                                    name="one_draw_per_frame_and_audit"),
        ]
        indexes = [models.Index(fields=["project", "source", "label"], name="labelling_t_project_67a66c_idx")]
        db_table = "labelling_trainingsample"  # made by labelling before learning owned it

    def __str__(self) -> str:
        return f"{self.video} frame {self.frame} ({self.get_source_display()})"
