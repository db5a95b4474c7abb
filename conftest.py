"""Shared fixtures: real Redis broker and worker, headless Debian Chromium, users and media."""

import os
import sys
import threading
from pathlib import Path

import dramatiq
import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls in tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required",
]


def pytest_configure(config):
    from django.conf import settings

    # The suite makes hundreds of users, each hashed at 0.2 s with PBKDF2: Django's advice for test suites is a
    # fast hasher. Production keeps PBKDF2, so a user who logs in to a gunicorn of a test is given a PBKDF2 hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture
def s3_endpoint():
    """moto's S3 server on a free port, for boto3 and django-storages as a real endpoint. Its buckets live in
    this process, from one test to the next: name them for the test."""
    from moto.server import ThreadedMotoServer

    from aigva.launcher import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint) -> tuple[str, str]:
    """(endpoint, a new bucket of this test's own)."""
    import uuid

    import boto3

    name = f"aigva-test-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="testing",
                 aws_secret_access_key="testing").create_bucket(Bucket=name)
    return s3_endpoint, name


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _drop_realtime_scheduling() -> None:
    """Back to ordinary scheduling, for this process's threads and every descendant's. Once, the test process's
    main thread ran as SCHED_FIFO 99 (set from outside it), so the workers and Chromium renderers it started did
    too, and two busy renderers starved every other process for 20 minutes, timers and pytest-timeout included."""
    parent_of = {}
    for entry in os.listdir("/proc"):
        try:
            parent_of[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (ValueError, OSError, IndexError):
            continue
    family, added = {os.getpid()}, True
    while added:
        more = {pid for pid, parent in parent_of.items() if parent in family} - family
        family, added = family | more, bool(more)
    for pid in family:
        try:
            threads = [int(tid) for tid in os.listdir(f"/proc/{pid}/task")]
        except OSError:
            continue
        for tid in threads:
            try:
                if os.sched_getscheduler(tid) in (os.SCHED_FIFO, os.SCHED_RR):
                    os.sched_setscheduler(tid, os.SCHED_OTHER, os.sched_param(0))
            except OSError:
                continue


@pytest.fixture(scope="session", autouse=True)
def ordinary_scheduling():
    """Checks every 2 s in a thread of its own, so a starved test still gets its CPU back."""
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(2):
            _drop_realtime_scheduling()

    watcher = threading.Thread(target=watch, name="ordinary-scheduling", daemon=True)
    watcher.start()
    yield
    stop.set()


@pytest.fixture(autouse=True)
def fresh_worker_state():
    """Each test starts as a fresh worker: no precision proved for any backbone's weights by an earlier test."""
    predicting = sys.modules.get("prediction.predicting")
    if predicting is not None:
        predicting._PROVEN_BF16.clear()


@pytest.fixture
def broker():
    """The real Redis broker on the tests' own database, emptied: queues, and the unacked
    messages and heartbeats that killed workers leave behind."""
    broker = dramatiq.get_broker()
    broker.client.flushdb()
    return broker


@pytest.fixture
def worker(broker):
    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=100)
    worker.start()
    yield worker
    worker.stop()
    # A stopped worker's middleware stays on the broker and starts consumers for every queue declared later
    # (the first import of an actors module): they would take messages meant for a later test's worker process.
    broker.middleware[:] = [m for m in broker.middleware if getattr(m, "worker", None) is not worker]


@pytest.fixture(scope="session")
def video_files(tmp_path_factory) -> dict:
    """Numbered test videos (frame i shows i), one per case the ingest must get exactly right."""
    from videos.tests.numbered_video import write_numbered_video

    folder = tmp_path_factory.mktemp("videos")
    vfr_ms = [sum((33, 50)[k % 2] for k in range(i)) for i in range(40)]
    cases = {
        "cfr.mp4": dict(codec="libx264", count=48),
        "vp9.webm": dict(codec="libvpx-vp9", count=48),
        "vfr.mkv": dict(codec="libx264", count=40, pts_ms=vfr_ms),
        "late-start.webm": dict(codec="libvpx-vp9", count=30, pts_ms=[2000 + round(i * 1000 / 24) for i in range(30)]),
        "old.avi": dict(codec="mpeg4", count=48, audio=True),
        "old.mpg": dict(codec="mpeg2video", count=50, fps=25, container_format="mpeg"),
        "fast.mp4": dict(codec="libx264", count=120, fps=60),
    }
    return {name: write_numbered_video(folder / name, **kwargs) for name, kwargs in cases.items()}


def _zero_frames(mp4: bytes) -> bytes:
    start, index = mp4.index(b"mdat") + 4, mp4.index(b"moov") - 4
    return mp4[:start] + bytes(index - start) + mp4[index:]


@pytest.fixture(scope="session")
def bad_files(tmp_path_factory, video_files) -> dict:
    """Files that must be refused with a clear message."""
    folder = tmp_path_factory.mktemp("bad")
    whole = video_files["cfr.mp4"].read_bytes()
    files = {
        "empty.mp4": b"",
        "notes.mp4": b"just some text, not a video\n" * 20,
        "page.mp4": b"<!doctype html><html><script>alert(1)</script></html>",
        # The moov atom follows mdat in a plain mp4: cutting the end loses it.
        "truncated.mp4": whole[: len(whole) // 2],
        # Header and index intact, every frame's data zeroed: opens, then nothing decodes.
        "zeroed.mp4": _zero_frames(whole),
    }
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return {name: folder / name for name in files}
