"""Label exports as JSON (E-1): every frame with class, confidence and author, or compact segments.

Streamed a chunk of frames at a time, so a million-frame project never becomes one string.
"""

import json
from collections.abc import Iterator

import numpy as np

from labelling.models import LabelSet
from labelling.runs import LabelRuns
from labelling.selectors import author_names
from projects.models import Project

CHUNK_FRAMES = 20_000


def stream_labels_json(project: Project, label_sets: list[LabelSet], *, segments: bool = False) -> Iterator[str]:
    """One JSON document: {"project", "classes", "form", "accuracy", "videos": [{..., "frames" or "segments"}]};
    "accuracy" is the project's estimate of how right its labels are when last worked out (issue 31)."""
    classes = dict(project.classes.values_list("pk", "name"))
    yield (f'{{"project":{json.dumps(project.name)},"classes":{json.dumps(list(classes.values()))},'
           f'"form":"{"segments" if segments else "frames"}","accuracy":{json.dumps(project.accuracy)},"videos":[')
    class_json = {pk: json.dumps(name) for pk, name in classes.items()}
    for position, label_set in enumerate(label_sets):
        header = json.dumps(video_header(label_set))[:-1]  # left open for the rows
        yield f'{"," if position else ""}{header},"{"segments" if segments else "frames"}":['
        runs = label_set.label_runs
        yield from (_segment_rows(runs, class_json) if segments else _frame_rows(label_set, runs, class_json))
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


def _frame_rows(label_set: LabelSet, runs: LabelRuns, class_json: dict[int, str]) -> Iterator[str]:
    class_ids, authors = runs.to_frames()
    author_json = {code: json.dumps(name) for code, name in author_names(runs.authors).items()}
    confidences = frame_confidences(label_set, authors)
    for first in range(0, runs.frame_count, CHUNK_FRAMES):
        last = min(first + CHUNK_FRAMES, runs.frame_count)
        texts = confidence_texts(confidences[first:last])
        rows = (f'{{"frame":{frame},"class":{class_json.get(c, "null")},"confidence":{t},"author":{author_json[a]}}}'
                for frame, c, t, a in zip(range(first, last), class_ids[first:last].tolist(), texts,
                                          authors[first:last].tolist(), strict=True))
        yield ("," if first else "") + ",".join(rows)


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
