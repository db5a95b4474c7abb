"""A frame's thumbnail from S3 reads only the bytes that frame needs (issue 32), not the whole video: the
container's index and the frame's GOP, by ranged GETs against moto's S3 server."""

import pytest
from django.urls import reverse

from projects.models import Role
from projects.tests.factories import add_member, make_project
from videos.frames import read_frames
from videos.storage import RangedReader, ranged_source
from videos.tests.factories import ingest
from videos.tests.numbered_video import read_frame_number, write_numbered_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3_media(settings, monkeypatch, s3_bucket):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    settings.AWS_S3_ENDPOINT_URL, settings.AWS_STORAGE_BUCKET_NAME = s3_bucket
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}


@pytest.fixture
def long_video(s3_media, tmp_path):
    return ingest(make_project(), write_numbered_video(tmp_path / "long.mp4", count=1500, size=(320, 240), gop=50))


def test_a_frame_from_s3_costs_its_gop_not_the_video(long_video, monkeypatch):
    monkeypatch.setattr(RangedReader, "BLOCK", 16 * 1024)  # blocks to the scale of this small test video
    wanted = [1499, 740]
    with ranged_source(long_video.file) as source:
        assert isinstance(source, RangedReader)
        got = list(read_frames(source, long_video.frame_pts_array(), wanted,
                               lambda frame: read_frame_number(frame.to_ndarray(format="rgb24"))))
    assert got == [(740, 740), (1499, 1499)]
    assert source.fetched < source.size / 4, f"{source.fetched} of {source.size} bytes read"


def test_the_thumbnail_page_of_a_video_on_s3_answers_without_downloading_it(long_video, client):
    client.force_login(add_member(long_video.project, Role.VIEWER))
    response = client.get(reverse("videos:video-frame-image", args=[long_video.pk, 1499]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response.content.startswith(b"\xff\xd8")
