"""Label storage at scale (issue 3): server time for a 1.08 M-frame label set, as ratios to a trivial view.

Run: make bench (or scripts/test-services.sh .venv/bin/python bench/labels.py). Uses a throwaway
test database on the configured PostgreSQL.
"""

import gzip
import os
import statistics
import sys
import time
from pathlib import Path

import django
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aigva.settings_dev")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

FRAMES = 1_080_000  # 10 hours at 30 fps
REPEATS = 15


def median_ms(request) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = request()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:200]
    return statistics.median(times)


def build():
    """A 10-hour video whose predicted labels change every 50-500 frames, with per-frame confidences."""
    from django.contrib.auth import get_user_model

    from labelling.services import create_label_set
    from projects.services import create_project
    from videos.models import Video, VideoStatus

    user = get_user_model().objects.create_superuser("bench", "", "bench-password-123")
    project = create_project(name="Bench", class_names=["road", "junction", "parking", "tunnel"], created_by=user)
    video = Video.objects.create(project=project, name="ten-hours.mp4", frame_count=FRAMES, status=VideoStatus.READY,
                                 fps_num=30, fps_den=1, time_base_num=1, time_base_den=30, width=1280, height=720)
    video.set_frame_pts(np.arange(FRAMES, dtype=np.int64))
    video.save()
    rng = np.random.default_rng(0)
    lengths = rng.integers(50, 500, FRAMES // 50)
    starts = np.concatenate([[0], np.cumsum(lengths)])
    starts = starts[starts < FRAMES]
    class_pks = np.array(list(project.classes.values_list("pk", flat=True)))
    per_run = class_pks[rng.integers(0, len(class_pks), len(starts))]
    classes = np.repeat(per_run, np.diff(np.append(starts, FRAMES)))
    confidences = rng.uniform(0.3, 1.0, FRAMES).astype(np.float16)
    label_set = create_label_set(video=video, class_ids=classes, confidences=confidences, author=-1)
    return user, video, label_set, class_pks, len(starts)


REDRAW_PAGE = """<!doctype html><html><body style="margin:0;width:1200px">
<canvas class="timeline-overview" style="display:block;width:1200px;height:10px"></canvas>
<canvas class="timeline" style="display:block;width:1200px;height:52px"></canvas>
<script type="module">
import { LabelTrack } from "/static/js/label-track.js";
import { Timeline } from "/static/js/timeline.js";
window.bench = (body, confidences) => {
  const track = new LabelTrack(body);
  const sure = new Uint8Array(confidences);
  const timeline = new Timeline(document.querySelector(".timeline"), document.querySelector(".timeline-overview"),
    { 1: "#4e79a7", 2: "#f28e2b", 3: "#e15759", 4: "#76b7b2" });
  timeline.draw({ track, frame: 0, confidences: sure });
  const time = (change) => {  // median ms of 30 changes of view, each drawn at once (setView draws)
    const times = [];
    for (let i = 0; i < 30; i++) {
      const started = performance.now();
      change(i);
      times.push(performance.now() - started);
    }
    return times.sort((a, b) => a - b)[15];
  };
  const frames = track.frameCount;
  timeline.setView(frames / 3, frames / 100);
  return {
    playing: time((i) => timeline.draw({ frame: Math.floor(timeline.start + i) })), // the playhead moves
    whole: time((i) => timeline.setView(0, frames - (i % 2))), // alternating, so each is drawn anew
    zooming: time((i) => timeline.zoomAround(frames / 2, i % 2 ? 0.5 : 2)),
    panned_hour: time((i) => timeline.setView((i * 7919 * 113) % (frames - 108000), 108000)),
    panned_frames: time((i) => timeline.setView((i * 7919 * 113) % (frames - 30), 30)),
  };
};
</script></body></html>"""


def redraw_times(timeline_body: bytes, confidences: bytes) -> dict:
    """The player's timeline code in Debian Chromium on the 1.08 M-frame set: ms per redraw."""
    from playwright.sync_api import sync_playwright

    static = Path(__file__).resolve().parent.parent / "static"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        page.route("http://bench.local/**", lambda route: route.fulfill(
            body=REDRAW_PAGE if route.request.url.endswith("/") else (static / route.request.url.split("/static/")[1])
            .read_bytes(), content_type="text/html" if route.request.url.endswith("/") else "text/javascript"))
        page.goto("http://bench.local/")
        page.wait_for_function("() => window.bench")
        result = page.evaluate("([body, bytes]) => window.bench(JSON.parse(body), bytes)",
                               [timeline_body.decode(), list(confidences)])
        browser.close()
    return result


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        user, video, label_set, class_pks, runs = build()
        client = Client()
        client.force_login(user)
        trivial = median_ms(lambda: client.get("/healthz"))
        page = median_ms(lambda: client.get(f"/videos/{video.pk}/"))
        timeline = median_ms(lambda: client.get(f"/label-sets/{label_set.pk}/timeline/"))
        rng = np.random.default_rng(1)

        def edit():
            start = int(rng.integers(0, FRAMES - 1000))
            data = {"start": start, "end": start + int(rng.integers(1, 1000)), "class_id": int(rng.choice(class_pks))}
            return client.post(f"/label-sets/{label_set.pk}/range/", data)

        range_edit = median_ms(edit)
        payload = client.get(f"/label-sets/{label_set.pk}/timeline/").content
        frame_times_ms = median_ms(lambda: client.get(f"/videos/{video.pk}/frame-times/"))
        frame_times = client.get(f"/videos/{video.pk}/frame-times/").content
        print(f"1.08 M-frame label set: {runs} runs before the edits, median of {REPEATS} requests each")
        print(f"  trivial view            {trivial:7.1f} ms")
        print(f"  analysis page           {page:7.1f} ms  ratio {page / trivial:6.1f}  (target < 300 ms)")
        print(f"  timeline JSON           {timeline:7.1f} ms  ratio {timeline / trivial:6.1f}  "
              f"payload {len(payload) / 1e3:.0f} kB ({len(gzip.compress(payload)) / 1e3:.0f} kB gzipped)")
        print(f"  frame times             {frame_times_ms:7.1f} ms  ratio {frame_times_ms / trivial:6.1f}  "
              f"payload {len(frame_times) / 1e3:.0f} kB gzip-encoded (8640 kB raw)")
        print(f"  range edit              {range_edit:7.1f} ms  ratio {range_edit / trivial:6.1f}  (target < 50 ms)")
        confidences = client.get(f"/label-sets/{label_set.pk}/confidences/").content
        redraw = redraw_times(client.get(f"/label-sets/{label_set.pk}/timeline/").content, confidences)
        print("  timeline redraw in Chromium, median ms (a frame at 60 Hz is 16.7 ms):")
        for name, what in [("playing", "playhead moves, view kept"), ("whole", "whole video"),
                           ("zooming", "zoom in and out x2"), ("panned_hour", "panned, one hour shown"),
                           ("panned_frames", "panned, 30 frames shown")]:
            print(f"    {what:28s} {redraw[name]:6.2f} ms  ratio to a 60 Hz frame {redraw[name] / 16.7:5.2f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
