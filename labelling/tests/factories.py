"""Test helpers of this app: makers of rows and files, and shared fixtures."""

import numpy as np
from django.urls import reverse
from playwright.sync_api import Page

from labelling import services
from labelling.selectors import get_current_label_set
from projects.tests.factories import make_project
from videos.models import Video, VideoStatus
from videos.tests.browser import expect_on_screen


def make_labelled_video(frames: int = 100, project=None):
    project = project or make_project()
    video = Video.objects.create(project=project, name="clip.mp4", frame_count=frames, status=VideoStatus.READY)
    return video, services.create_initial_label_sets(video=video)[0]


def label_as(user, video, class_name: str, start: int, end: int):
    """Frames start..end labelled as a person does, on the class's track."""
    label_class = video.project.classes.select_related("track").get(name=class_name)
    return services.label_range(label_set=get_current_label_set(video, label_class.track), start=start, end=end,
                                label_class=label_class, user=user)


def frames_of(label_set) -> np.ndarray:
    label_set.refresh_from_db()
    return label_set.label_runs.to_frames()[0]


def url(name: str, label_set) -> str:
    return reverse(f"labelling:{name}", args=[label_set.pk])


def seek(page: Page, frame: int) -> None:
    page.evaluate("(frame) => window.aigvaPlayer.seekToFrame(frame)", frame)
    expect_on_screen(page, frame)


def stored_classes(label_set) -> list[int]:
    label_set.refresh_from_db()
    return label_set.label_runs.to_frames()[0].tolist()
