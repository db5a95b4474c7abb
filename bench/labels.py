"""Label storage at scale (issues 3, 33): server time for a 1.08 M-frame video labelled on 4 tracks, as ratios to
a trivial view, and the timeline's redraw with the 4 rows stacked.

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

from django.test import Client  # noqa: E402

from bench.database import throwaway_database  # noqa: E402

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


def range_editor(client, label_set, frames: int, class_pks):
    """A request that gives a random stretch (1-999 frames) of the label set a random class of `class_pks`."""
    rng = np.random.default_rng(1)

    def edit():
        start = int(rng.integers(0, frames - 1000))
        data = {"start": start, "end": start + int(rng.integers(1, 1000)), "class_id": int(rng.choice(class_pks))}
        return client.post(f"/label-sets/{label_set.pk}/range/", data)

    return edit


TRACKS = [("road", ["road", "junction", "parking", "tunnel"]), ("weather", ["sunny", "rain", "snow"]),
          ("light", ["day", "dusk", "night"]), ("event", ["none", "overtake", "stop"])]


def predicted(video, class_pks, rng):
    """A predicted label set whose class changes every 50-500 frames, with per-frame confidences."""
    from labelling.services import create_label_set

    lengths = rng.integers(50, 500, FRAMES // 50)
    starts = np.concatenate([[0], np.cumsum(lengths)])
    starts = starts[starts < FRAMES]
    per_run = class_pks[rng.integers(0, len(class_pks), len(starts))]
    classes = np.repeat(per_run, np.diff(np.append(starts, FRAMES)))
    confidences = rng.uniform(0.3, 1.0, FRAMES).astype(np.float16)
    return create_label_set(video=video, class_ids=classes, confidences=confidences, author=-1), len(starts)


def build():
    """A 10-hour video predicted on 4 tracks."""
    from django.contrib.auth import get_user_model

    from projects.services import TrackSpec, create_project
    from videos.models import Video, VideoStatus

    user = get_user_model().objects.create_superuser("bench", "", "bench-password-123")
    project = create_project(name="Bench", tracks=[TrackSpec(*track) for track in TRACKS], created_by=user)
    video = Video.objects.create(project=project, name="ten-hours.mp4", frame_count=FRAMES, status=VideoStatus.READY,
                                 fps_num=30, fps_den=1, time_base_num=1, time_base_den=30, width=1280, height=720)
    video.set_frame_pts(np.arange(FRAMES, dtype=np.int64))
    video.save()
    rng = np.random.default_rng(0)
    sets, runs = [], 0
    for track in project.tracks.all():
        label_set, track_runs = predicted(video, np.array(list(track.classes.values_list("pk", flat=True))), rng)
        sets.append(label_set)
        runs += track_runs
    return user, video, sets, np.array(list(project.first_track.classes.values_list("pk", flat=True))), runs


REDRAW_PAGE = """<!doctype html><html><body style="margin:0;width:1200px">
<canvas class="timeline-overview" style="display:block;width:1200px;height:10px"></canvas>
<canvas class="timeline" style="display:block;width:1200px;height:148px"></canvas>
<script type="module">
import { LabelTrack } from "/static/js/label-track.js";
import { Timeline } from "/static/js/timeline.js";
window.bench = (bodies, confidences) => {
  const rows = bodies.map((body, i) => ({ track: new LabelTrack(body), confidences: new Uint8Array(confidences[i]) }));
  const colours = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [i, `hsl(${i * 37}, 60%, 55%)`]));
  const timeline = new Timeline(document.querySelector(".timeline"), document.querySelector(".timeline-overview"),
    colours);
  timeline.draw({ rows, active: 1, frame: 0 });
  const track = rows[0].track;
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


def redraw_times(timeline_bodies: list[bytes], confidences: list[bytes]) -> dict:
    """The player's timeline code in Debian Chromium on the 1.08 M-frame sets, a row each: ms per redraw."""
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
        result = page.evaluate("([bodies, bytes]) => window.bench(bodies.map((b) => JSON.parse(b)), bytes)",
                               [[body.decode() for body in timeline_bodies], [list(c) for c in confidences]])
        browser.close()
    return result


def main() -> None:
    with throwaway_database():
        user, video, sets, class_pks, runs = build()
        label_set = sets[0]
        client = Client()
        client.force_login(user)
        trivial = median_ms(lambda: client.get("/healthz"))
        page = median_ms(lambda: client.get(f"/videos/{video.pk}/"))
        timeline = median_ms(lambda: client.get(f"/label-sets/{label_set.pk}/timeline/"))
        range_edit = median_ms(range_editor(client, label_set, FRAMES, class_pks))
        payload = client.get(f"/label-sets/{label_set.pk}/timeline/").content
        frame_times_ms = median_ms(lambda: client.get(f"/videos/{video.pk}/frame-times/"))
        frame_times = client.get(f"/videos/{video.pk}/frame-times/").content
        print(f"1.08 M-frame video on {len(sets)} tracks: {runs} runs before the edits, median of {REPEATS} "
              "requests each (timeline JSON and edits: one track's)")
        print(f"  trivial view            {trivial:7.1f} ms")
        print(f"  analysis page           {page:7.1f} ms  ratio {page / trivial:6.1f}  (target < 300 ms)")
        print(f"  timeline JSON           {timeline:7.1f} ms  ratio {timeline / trivial:6.1f}  "
              f"payload {len(payload) / 1e3:.0f} kB ({len(gzip.compress(payload)) / 1e3:.0f} kB gzipped)")
        print(f"  frame times             {frame_times_ms:7.1f} ms  ratio {frame_times_ms / trivial:6.1f}  "
              f"payload {len(frame_times) / 1e3:.0f} kB gzip-encoded (8640 kB raw)")
        print(f"  range edit              {range_edit:7.1f} ms  ratio {range_edit / trivial:6.1f}  (target < 50 ms)")
        confidences = [client.get(f"/label-sets/{s.pk}/confidences/").content for s in sets]
        redraw = redraw_times([client.get(f"/label-sets/{s.pk}/timeline/").content for s in sets], confidences)
        print(f"  timeline redraw in Chromium, {len(sets)} rows, median ms (a frame at 60 Hz is 16.7 ms):")
        for name, what in [("playing", "playhead moves, view kept"), ("whole", "whole video"),
                           ("zooming", "zoom in and out x2"), ("panned_hour", "panned, one hour shown"),
                           ("panned_frames", "panned, 30 frames shown")]:
            print(f"    {what:28s} {redraw[name]:6.2f} ms  ratio to a 60 Hz frame {redraw[name] / 16.7:5.2f}")


if __name__ == "__main__":
    main()
