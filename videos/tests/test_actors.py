import pytest
from django.core.files import File

from projects.models import JobStatus
from projects.tests.factories import make_project
from videos import services
from videos.models import Video, VideoStatus


@pytest.mark.django_db(transaction=True)
def test_probe_actor_ingests_uploads_end_to_end(broker, worker, video_files):
    project = make_project()
    with video_files["old.mpg"].open("rb") as handle:
        video = services.create_video(project=project, upload=File(handle, name="old.mpg"), name="old.mpg",
                                      created_by=None)
    broker.join("default")
    worker.join()
    video = Video.objects.get(pk=video.pk)
    assert video.status == VideoStatus.READY
    assert video.frame_count == 50 and video.fps == 25
    assert video.playback.name.endswith("playback.mp4")
    assert video.jobs.get().status == JobStatus.SUCCEEDED
    runs = video.label_sets.get(is_current=True).label_runs
    assert runs.frame_count == 50 and runs.class_ids.tolist() == [project.first_track.default_class_id]
