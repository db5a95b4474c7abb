"""A pipeline's whole flow over real HTTP (requests) against a live server and a real worker process: upload a
generated video, import labels, train, predict, fetch the labels, and check they are the export's."""

import io
import time
import zipfile

import numpy as np
import pytest
import requests

from api.services import create_token
from labelling.tests.shots import write_shots_video
from projects.tests.factories import UserFactory
from projects.tests.workers import worker_process

SHOTS = [25, 15, 30, 20]  # 10 frames/s; shots 0 and 2 are "a", shots 1 and 3 are "b"
SHOT_OF = np.repeat(np.arange(4), SHOTS)


def wait_until(fetch, done, seconds: float = 240):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done(value := fetch()):
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out; last answer: {value}")


@pytest.mark.django_db(transaction=True)
def test_upload_import_train_predict_and_fetch_labels_over_http(live_server, broker, media_root, settings, tmp_path):
    settings.AIGVA_ALLOW_RANDOM_INIT = True
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {create_token(user=UserFactory(), name='rig')[1]}"
    url = f"{live_server.url}/api/v1"

    def job(job_id: int) -> dict:
        return wait_until(lambda: session.get(f"{url}/jobs/{job_id}").json(),
                          lambda answer: answer["status"] not in ("queued", "running"))

    project = session.post(f"{url}/projects", json={"name": "Rig", "classes": ["a", "b"]}).json()
    clip = write_shots_video(tmp_path / "shots.mp4", SHOTS)
    with worker_process(media_root, AIGVA_ALLOW_RANDOM_INIT="true"):
        with clip.open("rb") as handle:
            video = session.post(f"{url}/projects/{project['id']}/videos", files={"file": handle}).json()
        video = wait_until(lambda: session.get(f"{url}/videos/{video['id']}").json(),
                           lambda answer: answer["status"] != "processing")
        assert video["status"] == "ready" and video["frame_count"] == sum(SHOTS)
        rows = [{"video": "shots.mp4", "frame": frame, "class": "ab"[SHOT_OF[frame] % 2]} for frame in range(2, 90, 8)]
        imported = session.post(f"{url}/projects/{project['id']}/labels/import", json={"rows": rows}).json()
        assert imported["edits"] >= 1 and imported["rows"] == len(rows)
        training = session.post(f"{url}/projects/{project['id']}/training",
                                json={"head_only": True, "epochs": 3, "val_split": 0})
        assert training.status_code == 202, training.text
        trained = job(training.json()["id"])
        assert trained["status"] == "succeeded", trained
        [predicting] = session.post(f"{url}/projects/{project['id']}/predictions",
                                    json={"model_id": trained["metrics"]["model"]}).json()
        assert job(predicting["id"])["status"] == "succeeded"
        started = session.post(f"{url}/projects/{project['id']}/exports", json={"frame_skip": 10}).json()
        assert job(started["job"]["id"])["status"] == "succeeded"
        export_job = session.get(f"{url}/exports/{started['job']['id']}").json()
    archive = session.get(f"{live_server.url}{export_job['download_url']}")
    assert archive.headers["Content-Type"] == "application/zip" and archive.content[:2] == b"PK"
    images = [name for name in zipfile.ZipFile(io.BytesIO(archive.content)).namelist() if name.endswith(".jpg")]
    assert len(images) == export_job["images"] == 9 and all(name.split("/")[0] in ("a", "b") for name in images)
    labels = session.get(f"{url}/videos/{video['id']}/labels").json()
    frames = labels["videos"][0]["frames"]
    assert [f["frame"] for f in frames] == list(range(sum(SHOTS)))
    assert labels["videos"][0]["model"] and all(frames[row["frame"]]["class"] == row["class"] for row in rows)
    assert all(frames[row["frame"]]["confidence"] == 1 for row in rows)  # people's labels stayed theirs
    export = session.get(f"{url}/projects/{project['id']}/labels", params={"video": video["id"]}).json()
    assert export == labels
    segments = session.get(f"{url}/videos/{video['id']}/labels", params={"form": "segments"}).json()
    painted = [s["class"] for s in segments["videos"][0]["segments"] for _ in range(s["start"], s["end"] + 1)]
    assert painted == [f["class"] for f in frames]
