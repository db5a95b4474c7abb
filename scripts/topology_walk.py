"""The walk scripts/topology-test.sh drives through the API of a running topology (issue 32): upload, label,
train, predict (killing the worker that runs the prediction, so the other one must finish it), export (with
Redis restarted empty while the export is queued, so a worker must send it again) and download the ZIP from
S3. Exits non-zero, saying what failed.

Usage: topology_walk.py BASE_URL TOKEN WORK_DIR WORKER_PGID [WORKER_PGID ...]
"""

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import psycopg
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from labelling.tests.shots import write_shots_video  # noqa: E402

SHOTS = [500, 300, 600, 400]  # 10 frames/s: shots 0 and 2 are "a", 1 and 3 "b"; long enough to kill a run mid-way
SHOT_OF = np.repeat(np.arange(len(SHOTS)), SHOTS)


def step(message: str) -> None:
    print(f"topology: {message}", flush=True)


def wait_until(fetch, done, seconds: float = 600):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done(value := fetch()):
            return value
        time.sleep(0.5)
    sys.exit(f"topology: timed out; last answer: {value}")


def check(condition: bool, what: str) -> None:
    if not condition:
        sys.exit(f"topology: FAILED: {what}")


def restart_redis_empty(work: Path) -> None:
    """Kill the topology's Redis and start an empty one on its port (no append-only file: a lost disk)."""
    os.killpg(int(os.environ["TOPOLOGY_REDIS_GROUP"]), signal.SIGKILL)
    port, empty = os.environ["TOPOLOGY_REDIS_PORT"], work / "redis-empty"
    empty.mkdir()
    time.sleep(0.5)
    redis = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", port, "--dir", str(empty),
                              "--save", ""], stdout=subprocess.DEVNULL, start_new_session=True)
    (work / "more-groups").write_text(str(redis.pid))  # the script stops it with the rest


class Walk:
    """One pass through the API of the running topology."""

    def __init__(self, base: str, token: str, work: Path, groups: list[int]) -> None:
        self.base, self.api, self.work, self.groups = base, f"{base}/api/v1", work, groups
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str) -> dict:
        return self.session.get(f"{self.api}{path}").json()

    def post(self, path: str, **body):
        return self.session.post(f"{self.api}{path}", **body).json()

    def job(self, job_id: int) -> dict:
        return wait_until(lambda: self.get(f"/jobs/{job_id}"), lambda answer: answer["status"] not in ("queued",
                                                                                                      "running"))

    def upload_and_label(self) -> tuple[dict, dict, list[dict]]:
        project = self.post("/projects", json={"name": "Topology", "classes": ["a", "b"]})
        with write_shots_video(self.work / "shots.mp4", SHOTS).open("rb") as handle:
            video = self.post(f"/projects/{project['id']}/videos", files={"file": handle})
        video = wait_until(lambda: self.get(f"/videos/{video['id']}"), lambda answer: answer["status"] != "processing")
        check(video["status"] == "ready" and video["frame_count"] == sum(SHOTS), f"the upload was probed: {video}")
        step(f"uploaded to S3 and probed by a worker: {video['frame_count']} frames")
        rows = [{"video": "shots.mp4", "frame": frame, "class": "ab"[SHOT_OF[frame] % 2]}
                for frame in range(5, sum(SHOTS), 60)]
        imported = self.post(f"/projects/{project['id']}/labels/import", json={"rows": rows})
        check(imported.get("rows") == len(rows), f"labels imported: {imported}")
        return project, video, rows

    def train(self, project: dict) -> int:
        training = self.post(f"/projects/{project['id']}/training",
                             json={"head_only": True, "epochs": 3, "val_split": 0})
        trained = self.job(training["id"])
        check(trained["status"] == "succeeded", f"training: {trained}")
        step("a model trained")
        return trained["metrics"]["model"]

    def predict_killing_its_worker(self, project: dict, model: int) -> int:
        """Returns the process group of the worker left."""
        # Every frame: the upload kept the gated frames' features, so a gated prediction would be done in a second,
        # before it could be killed; classifying every frame decodes the video and runs the backbone throughout.
        [predicting] = self.post(f"/projects/{project['id']}/predictions", json={"model_id": model,
                                                                                "every_frame": True})
        query = "SELECT status, progress, worker, attempts FROM projects_job WHERE id = %s"
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as database:
            def row() -> tuple:
                return database.execute(query, (predicting["id"],)).fetchone()

            _, _, worker, _ = wait_until(row, lambda found: found[0] == "running" and found[1] > 0, 300)
            killed = os.getpgid(int(worker.rsplit(" ", 1)[1]))
            check(killed in self.groups, f"the prediction runs on one of the two workers ({worker})")
            os.killpg(killed, signal.SIGKILL)
            step(f"killed the worker running the prediction ({worker}), mid-run")
            predicted = self.job(predicting["id"])
            _, _, worker_after, attempts = row()
        check(predicted["status"] == "succeeded", f"the other worker finished the prediction: {predicted}")
        check(attempts == 2 and worker_after != worker, f"run again once, elsewhere: {attempts}, {worker_after}")
        step(f"the other worker ({worker_after}) finished it: run {attempts}")
        return next(group for group in self.groups if group != killed)

    def export_through_an_empty_redis(self, project: dict, survivor: int) -> None:
        os.killpg(survivor, signal.SIGSTOP)  # so that the export's message is still queued when Redis goes
        started = self.post(f"/projects/{project['id']}/exports", json={"frame_skip": 100})
        restart_redis_empty(self.work)
        os.killpg(survivor, signal.SIGCONT)
        step("Redis restarted empty with an export queued: the job row says queued, its message is gone")
        check(self.job(started["job"]["id"])["status"] == "succeeded", "the export ran, sent again by a worker")
        export = self.get(f"/exports/{started['job']['id']}")
        archive = self.session.get(f"{self.base}{export['download_url']}")  # a presigned redirect to S3
        check(archive.status_code == 200 and archive.content[:2] == b"PK", f"the ZIP from S3: {archive.status_code}")
        images = [name for name in zipfile.ZipFile(io.BytesIO(archive.content)).namelist() if name.endswith(".jpg")]
        check(len(images) == export["images"] == sum(SHOTS) // 100, f"the ZIP holds {len(images)} images")
        step(f"exported {len(images)} images; the ZIP downloaded from S3")


def main() -> None:
    walk = Walk(sys.argv[1], sys.argv[2], Path(sys.argv[3]), [int(group) for group in sys.argv[4:]])
    project, video, rows = walk.upload_and_label()
    survivor = walk.predict_killing_its_worker(project, walk.train(project))
    labels = walk.get(f"/videos/{video['id']}/labels")["videos"][0]
    check(len(labels["frames"]) == sum(SHOTS) and labels["model"], "every frame has a model's label")
    check(all(labels["frames"][row["frame"]]["class"] == row["class"] for row in rows), "people's labels stayed")
    walk.export_through_an_empty_redis(project, survivor)


if __name__ == "__main__":
    main()
