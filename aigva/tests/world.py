"""One project with a row of every kind a URL can name, for the security sweep."""

import io

from django.core.files.base import ContentFile
from PIL import Image

from api.services import create_token
from exports.jobs import EXPORT
from exports.models import Export
from learning.models import TrainingSample
from prediction.models import Model
from projects.models import Job, Role
from projects.tests.factories import add_member, add_track, make_project
from reviews.services import create_share_link
from videos.tests.factories import ingest

HOSTILE = "<img src=x onerror=alert(document.domain)>"


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="JPEG")
    return buffer.getvalue()


def build_world(video_path, name: str) -> dict:
    """URL keyword -> the id of that kind of row in a new project; 'token' is a review link's."""
    project = make_project(name=f"{name} {HOSTILE}", classes=[f"{HOSTILE}a", "b\"'><svg onload=alert(1)>", "c"])
    add_track(project, f"{HOSTILE} track", [f"{HOSTILE}d", "e"])  # its name shows in the player's rows and stats
    manager = add_member(project, Role.MANAGER)
    video = ingest(project, video_path, name=f"{HOSTILE}.mp4")
    label_set = video.label_sets.get(is_current=True, track=project.first_track)
    sample = TrainingSample(project=project, video=video, frame=0)
    sample.image.save("s.jpg", ContentFile(jpeg()), save=True)
    export_job = Job.objects.create(project=project, kind=EXPORT, status="succeeded")
    export = Export(job=export_job, size=3)
    export.file.save("d.zip", ContentFile(b"zip"), save=True)
    model = Model.objects.create(project=project, name=HOSTILE, kind=Model.Kind.CUSTOM, classes=[])
    link, token = create_share_link(label_set=label_set, permission="review", created_by=manager)
    api_token, _ = create_token(user=manager, name=HOSTILE)
    return {
        "project": project, "manager": manager, "token": token,
        "ids": {"project_id": project.pk, "video_id": video.pk, "label_set_id": label_set.pk,
                "job_id": video.jobs.first().pk, "sample_id": sample.pk, "export_id": export.pk, "link_id": link.pk,
                "class_id": project.classes.first().pk, "membership_id": project.memberships.first().pk, "frame": 0,
                "model_id": model.pk, "token_id": api_token.pk, "track_id": project.first_track.pk},
    }
