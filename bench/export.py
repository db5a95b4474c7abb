"""Export speed and memory (issue 6, SPEC Q-4), as ratios measured in one run.

- ZIP export frames/s of a 720p H.264 clip (every frame), as a ratio to decode-only plus
  JPEG-encode-only of the same frames (target >= 0.8);
- peak Python memory while streaming the JSON export of a 100k-frame label set, and its size.

Run: make bench (or scripts/test-services.sh .venv/bin/python bench/export.py [--seconds 10]).
Uses a throwaway test database on the configured PostgreSQL. The last line is key=value pairs.
"""

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

import av
import cv2
import django
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aigva.settings_dev")
django.setup()

from django.core.files import File  # noqa: E402

from bench.clips import dashcam_clip  # noqa: E402
from bench.database import throwaway_database  # noqa: E402

QUALITY = 90
JSON_FRAMES = 100_000


def decode_only(path: Path) -> tuple[float, list[np.ndarray]]:
    """Seconds to decode every frame to pixels, and the pixels (for the encode-only run)."""
    frames, started = [], time.perf_counter()
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        frames = [frame.to_ndarray(format="bgr24") for frame in container.decode(stream)]
    return time.perf_counter() - started, frames


def encode_only(frames: list[np.ndarray]) -> float:
    started = time.perf_counter()
    for pixels in frames:
        cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, QUALITY])
    return time.perf_counter() - started


def zip_export(project) -> tuple[float, dict]:
    from exports import services
    from exports.selectors import ExportOptions
    from projects.jobs import run_job

    started = time.perf_counter()
    job = services.start_dataset_export(project=project, options=ExportOptions(quality=QUALITY), started_by=None,
                                        enqueue=False)
    run_job(job.pk, services.run_dataset_export)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    return time.perf_counter() - started, job.metrics


def json_export(project) -> tuple[float, int, float]:
    """(seconds, bytes, peak MiB) streaming the JSON of a 100k-frame model-labelled set."""
    from exports.labels_json import stream_labels_json
    from exports.selectors import list_export_label_sets
    from labelling.services import create_label_set
    from videos.models import Video, VideoStatus

    video = Video.objects.create(project=project, name="long.mp4", frame_count=JSON_FRAMES, fps_num=30, fps_den=1,
                                 status=VideoStatus.READY)
    rng = np.random.default_rng(0)
    classes = np.array(list(project.classes.values_list("pk", flat=True)))[rng.integers(0, 3, JSON_FRAMES // 100)]
    create_label_set(video=video, class_ids=np.repeat(classes, 100),
                     confidences=rng.uniform(0.3, 1, JSON_FRAMES).astype(np.float16), author=-1)
    label_sets = list_export_label_sets(project, video_ids=[video.pk])
    tracemalloc.start()
    started, size = time.perf_counter(), 0
    for chunk in stream_labels_json(project, label_sets):
        size += len(chunk)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, size, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    from projects.services import create_project
    from videos import services

    clip = dashcam_clip(args.seconds)
    with throwaway_database():
        project = create_project(name="Export bench", class_names=["road", "junction", "parking"], created_by=None)
        with clip.open("rb") as handle:
            video = services.create_video(project=project, upload=File(handle, name=clip.name), name=clip.name,
                                          created_by=None, enqueue=False)
        from projects.jobs import run_job

        run_job(video.probe_job.pk, services.probe_video)
        decode_s, frames = decode_only(clip)
        encode_s = encode_only(frames)
        count = len(frames)
        del frames
        export_s, metrics = zip_export(project)
        assert metrics["images"] == count
        json_s, json_bytes, peak_mib = json_export(project)
    serial = count / (decode_s + encode_s)
    print(f"{count} frames of 1280x720 H.264, JPEG quality {QUALITY}, {os.cpu_count()} cores")
    print(f"decode only {count / decode_s:.1f} frames/s, JPEG encode only {count / encode_s:.1f} frames/s "
          f"(one thread), both in turn {serial:.1f} frames/s")
    print(f"ZIP export (job: decode once in order, {os.cpu_count()} encoder threads, streamed ZIP) "
          f"{count / export_s:.1f} frames/s = {count / export_s / serial:.2f} x decode + encode (target >= 0.8); "
          f"{metrics['bytes'] / 2**20:.1f} MiB")
    print(f"JSON export of {JSON_FRAMES} frames: {json_bytes / 2**20:.1f} MiB streamed in {json_s:.2f} s, "
          f"peak Python memory {peak_mib:.1f} MiB")
    print(f"zip_over_decode_encode={count / export_s / serial:.3f} zip_fps={count / export_s:.1f} "
          f"decode_fps={count / decode_s:.1f} encode_fps={count / encode_s:.1f} json_peak_mib={peak_mib:.1f} "
          f"json_mib={json_bytes / 2**20:.1f}")


if __name__ == "__main__":
    main()
