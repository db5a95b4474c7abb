"""Test helpers of this app: makers of rows and files, and shared fixtures."""

import io

import numpy as np
from PIL import Image

from labelling.services import create_label_set
from labelling.tests.factories import make_labelled_video
from learning import actors, services
from learning.models import TrainingSample
from prediction.models import Model
from projects.models import Role
from projects.tests.factories import UserFactory, add_member, make_project
from videos.tests.factories import ingest
from videos.tests.numbered_video import read_frame_number

SHOTS = [25, 15, 30, 20]  # 10 frames/s; shots 0 and 2 are "a", shots 1 and 3 are "b"
SHOT_OF = np.repeat(np.arange(4), SHOTS)


def sample_uniformly(project, videos: list, per_video: int) -> None:
    """Sample frames evenly spread over the videos, as the Cold Label page does, in this process."""
    actors.sample_frames(services.start_sampling(project=project, videos=videos, per_video=per_video,
                                                 method="uniform", started_by=None, enqueue=False).pk)


def labelled_project(shots_video, per_video=10, label=True):
    project = make_project(name="Shots", classes=["a", "b", "c"])
    video = ingest(project, shots_video)
    sample_uniformly(project, [video], per_video)
    a, b, _ = project.classes.all()
    if label:
        user = UserFactory()
        for sample in video.samples.all():
            services.label_sample(sample=sample, label_class=(a, b)[SHOT_OF[sample.frame] % 2], user=user)
    return project, video


def shown_frame(sample_row: TrainingSample) -> int:
    with sample_row.image.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read())).convert("RGB")
    full_size = (sample_row.video.width, sample_row.video.height)  # the bit strip is laid out at full size
    return read_frame_number(np.asarray(image.resize(full_size, Image.NEAREST)))


def predicted_project():
    """“Dashcam” (road, junction) with its manager and a predicted_video."""
    project = make_project(name="Dashcam", classes=["road", "junction"])
    project.manager = add_member(project, Role.MANAGER)
    project.video = predicted_video(project)
    return project


def predicted_video(project):
    """A 100-frame video a model labelled road, junction, road; unsure of the junction."""
    road, junction = project.classes.all()[:2]
    video, _ = make_labelled_video(frames=100, project=project)
    model = Model.objects.create(project=project, name="m", kind=Model.Kind.CUSTOM)
    classes = np.repeat([road.pk, junction.pk, road.pk], [40, 20, 40])
    confidences = np.where(classes == junction.pk, 0.6, 0.99)
    create_label_set(video=video, class_ids=classes, confidences=confidences, author=-model.pk, source_model=model)
    return video
