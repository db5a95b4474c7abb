"""The production topology on one machine (issue 12): gunicorn with DEBUG off, two Dramatiq worker
processes with their own temporary folders, real PostgreSQL and Redis, and media on S3 (moto's
server as the endpoint). A video uploaded through the web is probed, predicted and exported by the
workers, and its media is served with Range from S3 through a presigned redirect."""

import os
import re
import subprocess
import sys
import time
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import make_password

from aigva.launcher import free_port
from exports.jobs import EXPORT
from labelling.models import LabelSet
from prediction.jobs import PREDICT
from projects.models import Job, JobStatus, Role
from projects.tests.factories import PASSWORD, add_member, make_project
from projects.tests.workers import wait_for, worker_process
from videos.models import Video, VideoStatus

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def production_env(tmp_path: Path, s3_bucket: tuple[str, str], database_url: str) -> dict:
    unset = ("DJANGO_SETTINGS_MODULE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "AIGVA_MEDIA_ROOT")
    return {**{k: v for k, v in os.environ.items() if k not in unset},
            "DEBUG": "false", "SECRET_KEY": "scale-out-test-secret-key-" + "x" * 40, "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false", "DATABASE_URL": database_url, "AIGVA_DATA_DIR": str(tmp_path / "web"),
            "AWS_S3_ENDPOINT_URL": s3_bucket[0], "AWS_STORAGE_BUCKET_NAME": s3_bucket[1],
            "AWS_S3_REGION_NAME": "us-east-1", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AIGVA_CUSTOM_MODELS": '{"brightness": "prediction.examples.brightness:predict"}'}


def log_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/accounts/login/")
    session.post(f"{base}/accounts/login/", data={"username": username, "password": PASSWORD,
                                                   "csrfmiddlewaretoken": session.cookies["csrftoken"]})
    session.headers.update({"X-CSRFToken": session.cookies["csrftoken"], "Referer": f"{base}/"})
    return session


def finished(kind: str, count: int = 1):
    jobs = Job.objects.filter(kind=kind)
    return lambda: jobs.count() >= count and not jobs.exclude(status=JobStatus.SUCCEEDED).exists()


def test_web_and_two_workers_on_postgres_redis_and_s3(tmp_path, s3_bucket, broker, video_files):
    from django.db import connection

    db = connection.settings_dict
    s3 = s3_bucket[0]
    env = production_env(tmp_path, s3_bucket, f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/"
                                       f"{db['NAME']}")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"], cwd=ROOT,
                   env=env, check=True, timeout=120)
    project = make_project(classes=("dark", "bright"))
    user = add_member(project, Role.MANAGER)
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")  # what gunicorn's production settings know
    user.save(update_fields=["password"])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "aigva.wsgi", "--bind", f"127.0.0.1:{port}",
                            "--threads", "4"], cwd=ROOT, env=env, start_new_session=True)
    workers = [worker_process(tmp_path, **{k: env[k] for k in env if k.startswith(("AWS_", "AIGVA_C", "DEBUG",
                                                                                  "SECRET", "ALLOWED"))},
                              TMPDIR=str(tmp_path / f"worker{n}")) for n in (1, 2)]
    for n in (1, 2):
        (tmp_path / f"worker{n}").mkdir()
    try:
        for worker in workers:
            worker.__enter__()
        wait_for(lambda: _answers(f"{base}/healthz"), 60)
        session = log_in(base, user.username)
        with video_files["old.avi"].open("rb") as handle:  # AVI: the workers make a playback copy too
            response = session.post(f"{base}/projects/{project.pk}/videos/upload/", files={"file": handle},
                                    headers={"HX-Request": "true"})
        assert response.status_code == 201, response.text[:500]
        video = wait_for(lambda: Video.objects.filter(project=project, status=VideoStatus.READY).first(), 120)
        assert video.file.name.startswith(f"videos/{project.pk}/") and video.playback  # both on S3

        assert session.post(f"{base}/projects/{project.pk}/models/custom/",
                            data={"custom_name": "brightness"}).status_code < 400
        model = project.models.get()
        assert session.post(f"{base}/projects/{project.pk}/models/predict/",
                            data={"model": model.pk, "frame_skip": 1, "smooth": 1, "shots": "on"}).status_code < 400
        wait_for(finished(PREDICT), 120)
        assert LabelSet.objects.get(video=video, is_current=True).source_model_id == model.pk

        assert session.post(f"{base}/projects/{project.pk}/export/dataset/",
                            data={"frame_skip": 12, "quality": 80}).status_code < 400
        wait_for(finished(EXPORT), 120)
        export = Job.objects.get(kind=EXPORT).export
        download = session.get(f"{base}/exports/{export.pk}/download/", allow_redirects=False)
        assert download.status_code == 302 and download.headers["Location"].startswith(s3)
        archive = zipfile.ZipFile(BytesIO(requests.get(download.headers["Location"], timeout=30).content))
        assert len([n for n in archive.namelist() if n.endswith(".jpg")]) == 4  # 48 frames, every 12th

        media = session.get(f"{base}/videos/{video.pk}/media/", allow_redirects=False)
        assert media.status_code == 302 and media.headers["Location"].startswith(s3)
        part = requests.get(media.headers["Location"], headers={"Range": "bytes=0-99"}, timeout=30)
        assert part.status_code == 206 and len(part.content) == 100
        assert re.match(r"bytes 0-99/\d+", part.headers["Content-Range"])
    finally:
        for worker in workers:
            worker.__exit__(None, None, None)
        os.killpg(web.pid, 9)
        web.wait()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        time.sleep(0.2)
        return False
