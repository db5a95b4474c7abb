"""`make run` as a supervisor (issue 12), with real processes: a killed worker comes back and the web
stays up, a killed launcher leaves no process behind, a taken port is a clear error, a job queued
while AIGVA was down runs at the next start, and nobody is shown a debug page."""

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from aigva.launcher import free_port
from aigva.tests.launching import alive, descendants, dramatiq_masters, launcher_env, start, status, worker_processes
from projects.tests.workers import wait_for

ROOT = Path(__file__).resolve().parents[2]


def manage(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout


def test_the_launcher_supervises_and_takes_everything_down_with_it(tmp_path, video_files):
    port = free_port()
    env, log, url = launcher_env(tmp_path / "data", port), tmp_path / "launcher.log", f"http://127.0.0.1:{port}"
    launcher = start(env, log)
    try:
        code, page = status(f"{url}/no-such-page/?frame=%C2%B2")
        assert code == 404 and "Not found" in page and "Traceback" not in page and "urlpatterns" not in page
        # Taken port: a clear error and a non-zero exit, not "AIGVA is running".
        second = subprocess.run([sys.executable, "-m", "aigva.launcher"], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=60)
        assert second.returncode != 0 and f"port {port} is already in use" in second.stderr
        # A worker killed mid-flight is restarted within seconds; the web never goes down.
        [worker] = worker_processes(launcher.pid)
        os.kill(worker, signal.SIGKILL)
        wait_for(lambda: [p for p in worker_processes(launcher.pid) if p != worker and alive(p)], 60)
        assert status(f"{url}/healthz")[0] == 200
        assert "the worker stopped" in log.read_text() and "restarting it" in log.read_text()
        # Its master killed, the worker processes go with it (no orphans beside the restarted one).
        wait_for(lambda: len(worker_processes(launcher.pid)) == 1, 60)
        [master] = dramatiq_masters(launcher.pid)
        orphans = worker_processes(launcher.pid)
        os.kill(master, signal.SIGKILL)
        wait_for(lambda: not any(alive(p) for p in orphans), 30)
        wait_for(lambda: [p for p in worker_processes(launcher.pid) if p not in orphans and alive(p)], 60)
        # SIGKILL the launcher: nothing of ours is left running.
        ours = descendants(launcher.pid)
        assert len(ours) >= 5  # Redis keeper, valkey, gunicorn master and worker, dramatiq master and worker
        launcher.kill()
        launcher.wait(timeout=10)
        wait_for(lambda: not any(alive(p) for p in ours), 30)
    finally:
        for pid in descendants(launcher.pid) | {launcher.pid}:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_job_queued_while_aigva_was_down_runs_at_the_next_start_and_stale_uploads_go(tmp_path, video_files):
    port = free_port()
    env, log = launcher_env(tmp_path / "data", port), tmp_path / "launcher.log"
    launcher = start(env, log)  # a first run makes the data dir, then stops
    launcher.send_signal(signal.SIGTERM)
    launcher.wait(timeout=60)
    stopped = [line for line in log.read_text().splitlines() if line.endswith(" stopped.")]
    assert stopped[-1] == "AIGVA: the bundled Redis stopped." and len(stopped) == 3  # Redis after the others
    data = tmp_path / "data"
    assert data.stat().st_mode & 0o777 == 0o700
    for private in (data / "db.sqlite3", data / "secret_key"):
        assert private.stat().st_mode & 0o077 == 0, private  # the owner's alone
    # While AIGVA is down (no Redis at all), a probe is queued.
    offline = {**env, "REDIS_URL": "redis://127.0.0.1:9/0"}
    manage(offline, "create_project", "Offline", "--classes", "a,b")
    manage(offline, "import_videos", "Offline", str(video_files["cfr.mp4"]))
    script = ("from projects.models import Job; from videos.models import Video; v = Video.objects.get(); "
              "print(Job.objects.create(project=v.project, video=v, kind='probe').pk)")
    job_id = int(manage(offline, "shell", "--no-imports", "-c", script).strip())
    left_over = tmp_path / "data" / "uploads" / "tmpupload.upload.mp4"  # an upload cut off by a crash
    left_over.write_bytes(b"\0" * 1000)
    launcher = start(env, log)
    assert not left_over.exists()
    try:
        check = f"from projects.models import Job; print(Job.objects.get(pk={job_id}).status)"
        wait_for(lambda: manage(offline, "shell", "--no-imports", "-c", check).strip() == "succeeded", 90)
    finally:
        launcher.send_signal(signal.SIGTERM)
        launcher.wait(timeout=60)


def test_a_worker_killed_mid_prediction_is_replaced_and_the_job_runs_again_with_labels_intact(tmp_path):
    from videos.tests.numbered_video import write_numbered_video

    clip = write_numbered_video(tmp_path / "long.avi", codec="mpeg4", count=3000, size=(640, 480), fps=25)
    port = free_port()
    env = {**launcher_env(tmp_path / "data", port), "AIGVA_JOB_STALE_SECONDS": "4",
           "AIGVA_JOB_HEARTBEAT_SECONDS": "0.5",
           "AIGVA_CUSTOM_MODELS": '{"brightness": "prediction.examples.brightness:predict"}'}
    log = tmp_path / "launcher.log"
    launcher = start(env, log)
    try:
        shell = env  # nothing set: the command finds the data dir's key and the bundled Redis itself
        manage(shell, "create_project", "Night", "--classes", "dark,bright")
        manage(shell, "import_videos", "Night", str(clip))
        script = ("from prediction import services; from projects.models import Project; p = Project.objects.get(); "
                  "m = services.register_custom(project=p, custom_name='brightness', created_by=None); "
                  "[job] = services.start_predictions(model=m, videos=list(p.videos.all()), started_by=None); "
                  "print(job.pk)")
        job_id = int(manage(shell, "shell", "--no-imports", "-c", script).strip().splitlines()[-1])
        database = sqlite3.connect(tmp_path / "data" / "db.sqlite3", timeout=30)

        def job_state() -> tuple[str, float]:
            return database.execute("SELECT status, progress FROM projects_job WHERE id = ?", (job_id,)).fetchone()

        wait_for(lambda: job_state()[0] == "running" and job_state()[1] > 0, 60)
        [worker] = worker_processes(launcher.pid)
        os.kill(worker, signal.SIGKILL)  # mid-prediction
        wait_for(lambda: [p for p in worker_processes(launcher.pid) if p != worker and alive(p)], 60)
        assert status(f"http://127.0.0.1:{port}/healthz")[0] == 200
        wait_for(lambda: job_state()[0] == "succeeded", 180)  # retaken by the new worker and run again
        attempts = database.execute("SELECT attempts FROM projects_job WHERE id = ?", (job_id,)).fetchone()[0]
        label_sets = database.execute("SELECT is_current, source_model_id IS NOT NULL FROM labelling_labelset "
                                      "ORDER BY id").fetchall()
        assert attempts == 2 and label_sets == [(0, 0), (1, 1)]  # the first run left nothing half-written
    finally:
        launcher.send_signal(signal.SIGTERM)
        launcher.wait(timeout=60)
