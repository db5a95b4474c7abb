"""Uploads over real sockets on a small data disk (issue 32): one refused from its Content-Length before its
body is read, one that would leave less than the reserve free, and one stopped when the disk fills up
while it streams, its partial file deleted at once."""

import http.client
import shutil
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from api.services import create_token
from projects.models import Role
from projects.tests.factories import add_member, make_project
from videos.models import Video

MIB = 1024**2
DISK = 64 * MIB
RESERVE = 16 * MIB
BOUNDARY = "aigva-test-boundary"


@pytest.fixture
def small_disk(settings, tmp_path):
    """A 64 MiB tmpfs as the data disk (uploads' temporary files and media), where this host allows mounts;
    else the same room carved out of the real disk by the reserve."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK}", "tmpfs", str(disk)],
                             capture_output=True).returncode == 0
    settings.FILE_UPLOAD_TEMP_DIR = str(disk / "uploads")
    settings.MEDIA_ROOT = disk / "media"
    settings.AIGVA_MIN_FREE_BYTES = RESERVE if mounted else shutil.disk_usage(disk).free - DISK + RESERVE
    yield disk
    if mounted:
        subprocess.run(["umount", "-l", str(disk)], check=True)


@pytest.fixture
def api(live_server, small_disk):
    project = make_project()
    token = create_token(user=add_member(project, Role.LABELLER), name="uploads")[1]
    return urlsplit(live_server.url), f"/api/v1/projects/{project.pk}/videos", token


def _multipart() -> tuple[bytes, bytes]:
    head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.mp4\"\r\n"
            "Content-Type: video/mp4\r\n\r\n").encode()
    return head, f"\r\n--{BOUNDARY}--\r\n".encode()


def _start(api, length: int) -> http.client.HTTPConnection:
    (address, path, token) = api
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.putrequest("POST", path)
    for name, value in (("Authorization", f"Bearer {token}"), ("Content-Length", str(length)),
                        ("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")):
        connection.putheader(name, value)
    connection.endheaders()
    return connection


def _answer(connection: http.client.HTTPConnection) -> tuple[int, str]:
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, body


def _left_in_uploads(disk: Path) -> list[Path]:
    return [path for path in (disk / "uploads").rglob("*") if path.is_file()]


@pytest.mark.django_db(transaction=True)
def test_a_declared_length_over_the_limit_is_refused_before_a_byte_of_the_body_is_read(api, small_disk):
    connection = _start(api, 10**14)  # the headers alone: nobody could send this body
    started = time.monotonic()
    status, body = _answer(connection)
    assert status == 413 and "over the upload limit" in body and body.startswith("{")
    assert time.monotonic() - started < 5
    assert not _left_in_uploads(small_disk) and not Video.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_upload_that_would_leave_less_than_the_reserve_is_refused_before_its_body_is_read(api, small_disk):
    head, tail = _multipart()
    connection = _start(api, len(head) + 56 * MIB + len(tail))  # fits the disk, not the disk and the reserve
    status, body = _answer(connection)
    assert status == 507 and "Not enough disk space" in body and "must stay free" in body
    assert not _left_in_uploads(small_disk) and not Video.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_upload_stops_and_its_partial_file_goes_once_the_disk_fills_up_while_it_streams(api, small_disk, settings):
    size = 30 * MIB
    head, tail = _multipart()
    connection = _start(api, len(head) + size + len(tail))
    connection.send(head)
    chunk = b"\0" * MIB
    for _ in range(8):
        connection.send(chunk)
    deadline = time.monotonic() + 10
    while not _left_in_uploads(small_disk) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _left_in_uploads(small_disk), "the upload should be streaming to a temporary file"
    # Another writer (a second upload, the database) takes most of the room left meanwhile.
    (small_disk / "other-writer").write_bytes(b"\0" * (30 * MIB))
    lowest = [shutil.disk_usage(small_disk).free]
    watching = threading.Event()

    def watch() -> None:
        while not watching.wait(0.01):
            lowest[0] = min(lowest[0], shutil.disk_usage(small_disk).free)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for _ in range(size // MIB - 8):
            connection.send(chunk)
        connection.send(tail)
        status, body = _answer(connection)
    finally:
        watching.set()
        watcher.join()
    assert status == 507 and "Not enough disk space" in body
    assert not _left_in_uploads(small_disk), "the partial file is deleted when the upload stops"
    assert not Video.objects.exists()
    # It stopped within one free-space check of the reserve; the database still had its room.
    assert lowest[0] >= settings.AIGVA_MIN_FREE_BYTES - 5 * MIB
