from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from projects import job_kinds


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    LABELLER = "labeller", "Labeller"
    MANAGER = "manager", "Manager"


# Higher rank = more rights; a manager may do all a labeller may, and so on.
ROLE_RANK = {Role.VIEWER: 0, Role.LABELLER: 1, Role.MANAGER: 2}


class Project(models.Model):
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    # Defaults the predict and export forms start from (P-3).
    default_frame_skip = models.PositiveIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(10_000)],
        help_text="Predict (and export) every k-th frame.")
    default_smoothing = models.PositiveIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(10_000)],
        help_text="A predicted label change must last this many frames.")
    decode_shots = models.BooleanField(
        default=True, help_text="Predictions change label only where the picture makes a change likelier than a "
                                "few doubtful frames (Viterbi); off: each frame takes its own most probable class.")
    prediction_batch_size = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(512)],
        help_text="Frames per forward pass; empty: the server's AIGVA_PREDICT_BATCH.")
    target_accuracy = models.FloatField(
        default=0.99, validators=[MinValueValidator(0.5), MaxValueValidator(0.9999)],
        help_text="Review is done when at least this share of frames is right with 95 % confidence.")
    # The backbone whose features each upload's one decode keeps (V-5); empty: the server's AIGVA_BACKBONE.
    backbone = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="project_name_unique_ci")]

    def __str__(self) -> str:
        return self.name

    @property
    def first_track(self) -> "Track":
        """The track that callers naming none mean (one-track scripts, the API's and commands' default)."""
        return next(iter(self.tracks.all()), None)  # all(): a prefetch serves it


class Track(models.Model):
    """One question every frame answers (P-4), with its own ordered classes and default class."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(max_length=60)
    order = models.PositiveIntegerField(default=0)
    default_class = models.ForeignKey(
        "LabelClass", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # How right the track's labels are over the project when last worked out (issue 31), as each label set
    # keeps its own video's.
    accuracy = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint("project", Lower("name"), name="track_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


def first_track_pk(project) -> models.Subquery:
    """The pk of a project's first track, as a subquery (`project` may be an OuterRef)."""
    return models.Subquery(Track.objects.filter(project=project).order_by("order", "pk").values("pk")[:1])


class LabelClass(models.Model):
    # The project is the track's, kept here too: keys are unique in it and most reads ask by project.
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="classes")
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="classes")
    name = models.CharField(max_length=60)
    colour = models.CharField(max_length=7, default="#4e79a7")
    shortcut = models.CharField(max_length=1, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name_plural = "label classes"
        constraints = [
            models.UniqueConstraint("project", Lower("name"), name="class_name_unique_ci"),
            models.UniqueConstraint(
                fields=["project", "shortcut"], condition=~models.Q(shortcut=""), name="class_shortcut_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.LABELLER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.project} ({self.role})"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_JOB_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class Job(models.Model):
    """Any background work (J-1): one row, updated by the actor that runs it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="jobs")
    video = models.ForeignKey("videos.Video", null=True, blank=True, on_delete=models.CASCADE, related_name="jobs")
    model = models.ForeignKey("prediction.Model", null=True, blank=True, on_delete=models.CASCADE, related_name="jobs")
    # What the job was asked to do (e.g. frame skip and smoothing of a prediction).
    options = models.JSONField(default=dict, blank=True)
    kind = models.CharField(max_length=20)  # registered by the app that runs it (projects.job_kinds)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.FloatField(default=0.0)
    eta_seconds = models.FloatField(null=True, blank=True)
    message = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    cancel_requested = models.BooleanField(default=False)
    attempts = models.PositiveIntegerField(default=0)  # runs started: a job whose worker died is run again
    message_id = models.CharField(max_length=64, blank=True)  # its latest message in the broker
    worker = models.CharField(max_length=100, blank=True)  # "host pid N" of the process that claimed it last
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"{self.kind_label} #{self.pk} ({self.status})"

    @property
    def kind_label(self) -> str:
        return job_kinds.label_of(self.kind)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_JOB_STATUSES

    @property
    def summary(self) -> str:
        """What a finished job made, in a few words for its row (its app says how)."""
        if self.status != JobStatus.SUCCEEDED or not isinstance(self.metrics, dict):
            return ""
        return job_kinds.summarize(self.kind, self.metrics)

    @property
    def percent(self) -> int:
        return round(self.progress * 100)


class Preference(models.Model):
    """One person's own settings (P-3)."""

    class Theme(models.TextChoices):
        LIGHT = "light", "Light"
        DARK = "dark", "Dark"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    theme = models.CharField(max_length=10, choices=Theme.choices, default=Theme.LIGHT)

    def __str__(self) -> str:
        return f"Preferences of {self.user}"
