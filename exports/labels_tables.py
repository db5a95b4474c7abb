"""Labels in other tools' forms (E-3), every track of the chosen videos in each: a CSV with a row per frame
and a class, confidence and author column per track (pandas, spreadsheets), and temporal segments in the
ActivityNet JSON layout (action-detection tools), with frame numbers beside the seconds.

Streamed a chunk of frames at a time, as the JSON export is."""

import csv
import io
import json
from collections.abc import Iterator

import numpy as np

from exports.dataset import safe_cell
from exports.labels_json import CHUNK_FRAMES, confidence_texts, frame_confidences
from exports.selectors import sets_per_track
from labelling.models import LabelSet
from labelling.selectors import author_names
from projects.models import Project, Track
from videos.models import Video


def frame_seconds(video: Video, frame_count: int) -> np.ndarray:
    """(N,) each frame's presentation time in seconds after the first frame's, from the probe's timestamps."""
    probed = Video.objects.only("frame_pts", "time_base_num", "time_base_den", "fps_num", "fps_den").get(pk=video.pk)
    if probed.frame_pts and probed.time_base_den:
        pts = probed.frame_pts_array()[:frame_count]
        return (pts - pts[0]) * probed.time_base_num / probed.time_base_den
    return np.arange(frame_count) / float(probed.fps or 25)


class _TrackFrames:
    """One video's labels on one track, turned into CSV cells a chunk at a time."""

    def __init__(self, label_set: LabelSet | None, names: dict[int, str]):
        self.names, self.present = names, label_set is not None
        if self.present:
            runs = label_set.label_runs
            self.class_ids, self.authors = runs.to_frames()
            self.confidences = frame_confidences(label_set, self.authors)
            self.who = author_names(runs.authors)

    def cells(self, first: int, last: int) -> list[list[str]]:
        """[class, confidence, author] columns of frames first..last-1; empty without labels on the track."""
        if not self.present:
            return [[""] * (last - first)] * 3
        return [[safe_cell(self.names.get(c, "")) for c in self.class_ids[first:last].tolist()],
                confidence_texts(self.confidences[first:last], missing=""),
                [safe_cell(self.who[a]) for a in self.authors[first:last].tolist()]]


def stream_labels_csv(project: Project, label_sets: list[LabelSet]) -> Iterator[str]:
    """video,frame,time, then <track>,<track>_confidence,<track>_author for each track."""
    tracks = sets_per_track(project, label_sets)
    names = dict(project.classes.values_list("pk", "name"))
    buffer = io.StringIO()
    table = csv.writer(buffer, lineterminator="\n")
    table.writerow(["video", "frame", "time"] + [safe_cell(f"{track.name}{suffix}") for track, _ in tracks
                                                 for suffix in ("", "_confidence", "_author")])
    for label_set in label_sets:
        count, video = label_set.frame_count, safe_cell(label_set.video.name)
        seconds = frame_seconds(label_set.video, count)
        per_track = [_TrackFrames(sets.get(label_set.video_id), names) for _, sets in tracks]
        for first in range(0, count, CHUNK_FRAMES):
            last = min(first + CHUNK_FRAMES, count)
            columns = [column for frames in per_track for column in frames.cells(first, last)]
            table.writerows([video, frame, f"{seconds[frame]:.6f}", *(column[frame - first] for column in columns)]
                            for frame in range(first, last))
            yield _drained(buffer)
    yield _drained(buffer)


def _drained(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def stream_labels_activitynet(project: Project, label_sets: list[LabelSet]) -> Iterator[str]:
    """{"version", "taxonomy", "database": {video: {"duration", "fps", "frame_count", "annotations":
    [{"segment": [t0, t1], "frames": [first, last], "label", "track"}]}}}: a segment ends where its last
    frame's display ends; frames are inclusive."""
    tracks = sets_per_track(project, label_sets)
    names = dict(project.classes.values_list("pk", "name"))
    taxonomy = [{"track": track.name, "classes": list(track.classes.values_list("name", flat=True))}
                for track, _ in tracks]
    yield f'{{"version":"AIGVA labels","taxonomy":{json.dumps(taxonomy)},"database":{{'
    keys: set[str] = set()
    for position, label_set in enumerate(label_sets):
        video = label_set.video
        key = video.name if video.name not in keys else f"{video.name}#{video.pk}"
        keys.add(key)
        seconds = frame_seconds(video, label_set.frame_count)
        duration = float(video.duration) if video.duration else float(seconds[-1]) if len(seconds) else 0.0
        annotations = [annotation for track, sets in tracks if label_set.video_id in sets
                       for annotation in _segments(sets[label_set.video_id], track, names, seconds, duration)]
        entry = {"duration": round(duration, 6), "fps": round(float(video.fps), 6) if video.fps else None,
                 "frame_count": label_set.frame_count, "annotations": annotations}
        yield f'{"," if position else ""}{json.dumps(key)}:{json.dumps(entry)}'
    yield "}}\n"


def _segments(label_set: LabelSet, track: Track, names: dict[int, str], seconds: np.ndarray,
              duration: float) -> Iterator[dict]:
    runs = label_set.label_runs
    changes = np.flatnonzero(np.diff(runs.class_ids, prepend=-1) != 0)  # runs differing only in author join
    firsts = runs.starts[changes]
    lasts = np.append(firsts[1:] - 1, runs.frame_count - 1)
    for first, last, class_id in zip(firsts.tolist(), lasts.tolist(), runs.class_ids[changes].tolist(),
                                     strict=True):
        end = float(seconds[last + 1]) if last + 1 < len(seconds) else max(duration, float(seconds[last]))
        yield {"segment": [round(float(seconds[first]), 6), round(end, 6)], "frames": [first, last],
               "label": names.get(class_id), "track": track.name}
