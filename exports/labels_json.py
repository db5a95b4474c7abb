"""Label exports as JSON (E-1): every frame with class, confidence and author, or compact segments.

Streamed a chunk of frames at a time, so a million-frame project never becomes one string.
"""

import json
from collections.abc import Iterator

import numpy as np

from exports.selectors import sets_per_track
from labelling.models import LabelSet
from labelling.runs import LabelRuns
from labelling.selectors import author_names
from projects.models import Project

CHUNK_FRAMES = 20_000


def stream_labels_json(project: Project, label_sets: list[LabelSet], *, segments: bool = False) -> Iterator[str]:
    """One JSON document: {"project", "classes", "tracks", "form", "accuracy", "videos": [{..., "frames" or
    "segments"}]}; "accuracy" is the estimate of how right the first track's labels are, when last worked
    out (issue 31). The first track's labels sit on each frame (or in "segments"); every track's, the first
    included, in each frame's "tracks" (or the video's, of segments) by track name (issue 33)."""
    classes = dict(project.classes.values_list("pk", "name"))
    tracks, accuracy = sets_per_track(project, label_sets), project.first_track.accuracy
    yield (f'{{"project":{json.dumps(project.name)},"classes":{json.dumps(list(classes.values()))},'
           f'"tracks":{json.dumps([track.name for track, _ in tracks])},'
           f'"form":"{"segments" if segments else "frames"}","accuracy":{json.dumps(accuracy)},"videos":[')
    class_json = {pk: json.dumps(name) for pk, name in classes.items()}
    for position, label_set in enumerate(label_sets):
        header = json.dumps(video_header(label_set))[:-1]  # left open for the rows
        on_tracks = [(json.dumps(track.name), label_set if track.pk == label_set.track_id else sets[label_set.video_id])
                     for track, sets in tracks if track.pk == label_set.track_id or label_set.video_id in sets]
        yield f'{"," if position else ""}{header},"{"segments" if segments else "frames"}":['
        if segments:
            yield from _segment_rows(label_set.label_runs, class_json)
            yield '],"tracks":{' + ",".join(f"{name}:[{''.join(_segment_rows(on.label_runs, class_json))}]"
                                            for name, on in on_tracks)
            yield "}}"
        else:
            yield from _frame_rows(label_set, on_tracks, class_json)
            yield "]}"
    yield "]}\n"


def video_header(label_set: LabelSet) -> dict:
    video = label_set.video
    return {
        "id": video.pk, "name": video.name, "frame_count": label_set.frame_count,
        "fps": round(float(video.fps), 6) if video.fps else None,
        "fps_rational": f"{video.fps_num}/{video.fps_den}" if video.fps else None,
        "reviewed": label_set.reviewed,
        "reviewed_by": label_set.reviewed_by.username if label_set.reviewed_by else None,
        "model": label_set.source_model.name if label_set.source_model else None,
        "accuracy": label_set.accuracy,  # {"estimate", "low", "high", "frames", "audited", "wrong_frames"} or null
    }


def _segment_rows(runs: LabelRuns, class_json: dict[int, str]) -> Iterator[str]:
    """{start, end, class} with end inclusive; runs that differ only in author are joined."""
    starts = np.flatnonzero(np.diff(runs.class_ids, prepend=-1) != 0)
    ends = np.append(runs.starts[starts[1:]] - 1, runs.frame_count - 1)
    rows = (f'{{"start":{runs.starts[s]},"end":{e},"class":{class_json.get(runs.class_ids[s], "null")}}}'
            for s, e in zip(starts.tolist(), ends.tolist(), strict=True))
    yield ",".join(rows)


def _frame_rows(label_set: LabelSet, on_tracks: list[tuple[str, LabelSet]], class_json: dict[int, str]
                ) -> Iterator[str]:
    """{frame, class, confidence, author, tracks: {name: {class, confidence, author}}}: the first track's
    labels, then every track's."""
    per_track = [_TrackJson(on, class_json) for _, on in on_tracks]
    own = next(position for position, (_, on) in enumerate(on_tracks) if on is label_set)
    for first in range(0, label_set.frame_count, CHUNK_FRAMES):
        last = min(first + CHUNK_FRAMES, label_set.frame_count)
        texts = [labels_of.objects(first, last) for labels_of in per_track]
        labels = texts[own]  # the first track's, made once for both places
        tracks = [[f"{name}:{text}" for text in objects] for (name, _), objects in zip(on_tracks, texts, strict=True)]
        rows = (f'{{"frame":{frame},{text[1:-1]},"tracks":{{{",".join(on_track)}}}}}'
                for frame, text, *on_track in zip(range(first, last), labels, *tracks, strict=True))
        yield ("," if first else "") + ",".join(rows)


class _TrackJson:
    """One video's labels on one track, as {class, confidence, author} objects a chunk at a time. A model's
    label carries the model's confidence, a person's 1.0, the untouched default null."""

    def __init__(self, label_set: LabelSet, class_json: dict[int, str]):
        runs = label_set.label_runs
        self.class_ids, self.authors = runs.to_frames()
        self.confidences = frame_confidences(label_set, self.authors)
        self.class_json = class_json
        self.author_json = {code: json.dumps(name) for code, name in author_names(runs.authors).items()}

    def objects(self, first: int, last: int) -> list[str]:
        return [f'{{"class":{self.class_json.get(c, "null")},"confidence":{t},"author":{self.author_json[a]}}}'
                for c, t, a in zip(self.class_ids[first:last].tolist(), confidence_texts(self.confidences[first:last]),
                                   self.authors[first:last].tolist(), strict=True)]


def frame_confidences(label_set: LabelSet, authors: np.ndarray) -> np.ndarray:
    """(N,) a model's confidence where a model labelled the frame, 1.0 where a person did, NaN where no one
    chose (the default)."""
    confidence = np.where(authors > 0, 1.0, np.nan)
    model_confidences = _model_confidences(label_set)
    if model_confidences is not None:
        confidence = np.where(authors < 0, model_confidences.astype(np.float64), confidence)
    return confidence


def confidence_texts(confidences: np.ndarray, missing: str = "null") -> list[str]:
    return [missing if c != c else f"{c:.4g}" for c in confidences.tolist()]  # NaN: no one chose


def _model_confidences(label_set: LabelSet) -> np.ndarray | None:
    """(N,) float16 read here, one set at a time, rather than for every set up front."""
    blob = LabelSet.objects.filter(pk=label_set.pk).values_list("confidences", flat=True).first()
    if not blob:
        return None
    label_set.confidences = blob
    return label_set.model_confidences()
