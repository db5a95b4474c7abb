import uuid
import zlib
from fractions import Fraction
from functools import cached_property

import numpy as np
from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile

from videos.frames import Picture


class VideoStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


def original_path(video: "Video", filename: str) -> str:
    # Storage names are ours, never the uploader's: the display name is kept in Video.name.
    return f"videos/{video.project_id}/{uuid.uuid4().hex}/original"


def playback_path(video: "Video", filename: str) -> str:
    return f"videos/{video.project_id}/{uuid.uuid4().hex}/playback.mp4"


class Video(models.Model):
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="videos")
    name = models.CharField(max_length=200)
    file = models.FileField(upload_to=original_path, max_length=200)
    playback = models.FileField(upload_to=playback_path, max_length=200, blank=True)
    size = models.BigIntegerField(default=0)
    status = models.CharField(max_length=12, choices=VideoStatus.choices, default=VideoStatus.PROCESSING)
    error = models.TextField(blank=True)
    mime_type = models.CharField(max_length=40, blank=True)
    codec = models.CharField(max_length=40, blank=True)
    frame_count = models.PositiveIntegerField(null=True, blank=True)
    fps_num = models.PositiveIntegerField(null=True, blank=True)
    fps_den = models.PositiveIntegerField(null=True, blank=True)
    duration = models.FloatField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)  # as coded
    height = models.PositiveIntegerField(null=True, blank=True)
    # As players show it: turned upright (quarter turns counterclockwise) with square pixels.
    quarter_turns = models.PositiveSmallIntegerField(default=0)
    display_width = models.PositiveIntegerField(null=True, blank=True)
    display_height = models.PositiveIntegerField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)  # something the user should know about a ready video
    time_base_num = models.PositiveIntegerField(null=True, blank=True)
    time_base_den = models.PositiveIntegerField(null=True, blank=True)
    # Presentation time of every frame in time-base units: zlib-compressed int64 array.
    frame_pts = models.BinaryField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    content_hash = models.CharField(max_length=64, blank=True, db_index=True)  # sha256 of the file, from the probe
    duplicate_kept = models.BooleanField(default=False)  # someone chose to keep it beside a video of the same bytes

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def fps(self) -> Fraction | None:
        return Fraction(self.fps_num, self.fps_den) if self.fps_num and self.fps_den else None

    @property
    def fps_display(self) -> str:
        """Frames per second for people: 25, 29.97, 23.976 (the exact fraction is in its title)."""
        return f"{float(self.fps):.3f}".rstrip("0").rstrip(".") if self.fps else ""

    @cached_property
    def duplicate_of(self) -> "Video | None":
        """The project's earlier video of the very same bytes, unless someone chose to keep this one too."""
        if not self.content_hash or self.duplicate_kept:
            return None
        return (Video.objects.filter(project_id=self.project_id, content_hash=self.content_hash, pk__lt=self.pk)
                .only("pk", "name").order_by("pk").first())

    @property
    def is_ready(self) -> bool:
        return self.status == VideoStatus.READY

    @property
    def picture(self) -> Picture:
        """How every frame is shown, exported and fed to a model (probed before this was stored: as coded)."""
        return Picture(self.display_width or self.width or 0, self.display_height or self.height or 0,
                       self.quarter_turns)

    @property
    def playback_file(self) -> FieldFile:
        """What the browser plays: the rendition when there is one, else the original."""
        return self.playback if self.playback else self.file

    @property
    def playback_mime(self) -> str:
        return "video/mp4" if self.playback else self.mime_type

    def set_frame_pts(self, pts: np.ndarray) -> None:
        self.frame_pts = zlib.compress(pts.astype("<i8").tobytes())

    def frame_pts_array(self) -> np.ndarray:
        """(N,) int64 presentation time of each frame in time-base units."""
        return np.frombuffer(zlib.decompress(bytes(self.frame_pts)), dtype="<i8")
