"""Test helpers of this app: makers of rows and files, and shared fixtures."""

from django.core.files import File
from django.urls import reverse

from projects.jobs import run_job
from videos import services
from videos.models import Video


def ingest(project, path, name=None) -> Video:
    """Store and probe a file in this process, as `import_videos` does."""
    with open(path, "rb") as handle:
        video = services.create_video(project=project, upload=File(handle, name=path.name),
                                      name=name or path.name, created_by=None, enqueue=False)
    run_job(video.probe_job.pk, services.probe_video)
    return Video.objects.get(pk=video.pk)


def upload(client, project, path, name=None):
    """Upload a file through the videos page, as its upload script does."""
    with open(path, "rb") as handle:
        return client.post(reverse("videos:video-upload", args=[project.pk]),
                           {"file": File(handle, name=name or path.name)}, HTTP_HX_REQUEST="true")
