"""A missing media bucket (issue 32): every manage.py command stops at start with the reason, and an upload
the web server takes all the same is a clear 400 that keeps nothing, not a 500. Against moto's S3 server."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from projects.models import Role
from projects.tests.factories import add_member, make_project
from videos.models import Video
from videos.tests.factories import upload

ROOT = Path(__file__).resolve().parents[2]
MISSING = "aigva-missing-bucket"  # moto keeps buckets in the process: no other test makes this one
KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_S3_REGION_NAME": "us-east-1"}


def test_a_command_stops_at_start_naming_the_missing_bucket(s3_endpoint, tmp_path):
    env = {**os.environ, **KEYS, "AWS_STORAGE_BUCKET_NAME": MISSING, "AWS_S3_ENDPOINT_URL": s3_endpoint,
           "AIGVA_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode != 0
    assert f"The media bucket “{MISSING}”" in done.stderr and "does not exist" in done.stderr


@pytest.mark.django_db
def test_an_upload_to_a_missing_bucket_is_a_clear_refusal_that_keeps_nothing(s3_endpoint, client, settings,
                                                                             monkeypatch, video_files):
    for key, value in KEYS.items():
        monkeypatch.setenv(key, value)
    settings.AWS_STORAGE_BUCKET_NAME, settings.AWS_S3_ENDPOINT_URL = MISSING, s3_endpoint
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}
    project = make_project()
    client.force_login(add_member(project, Role.LABELLER))
    response = upload(client, project, video_files["cfr.mp4"])
    assert response.status_code == 400
    assert "could not be stored (the storage answered NoSuchBucket)" in response.content.decode()
    assert not Video.objects.exists()
