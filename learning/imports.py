"""import_labels (X-2): labels from a CSV or JSON file, checked whole before anything is written."""

import csv
import io
import json
from dataclasses import dataclass
from itertools import groupby

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from aigva.errors import UserFacingError
from aigva.params import parse_int
from labelling.selectors import get_current_label_set
from labelling.services import label_range, set_reviewed
from learning.models import TrainingSample
from learning.selectors import QUEUE_SOURCES
from learning.services import label_sample
from projects.models import Project

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_FRAME = 2**31 - 1
MAX_ERRORS_SHOWN = 10


@dataclass(frozen=True)
class LabelRow:
    line: int  # 1-based, for messages
    video: object  # videos.models.Video
    start: int
    end: int  # inclusive; equal to start for a single frame
    label_class: object  # projects.models.LabelClass
    single: bool  # a `video,frame,class` row: labels a sample there, else that frame


def read_rows(text: str, name: str) -> list[dict]:
    """Rows of a JSON list of objects, or of a CSV with a header (video,frame,class or video,start,end,class)."""
    if name.lower().endswith(".json") or text.lstrip().startswith("["):
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UserFacingError(f"The JSON file cannot be read: {exc}.") from exc
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise UserFacingError("The JSON file must be a list of objects such as {\"video\", \"frame\", \"class\"}.")
        return [{str(k): "" if v is None else str(v) for k, v in row.items()} for row in rows]
    return list(csv.DictReader(io.StringIO(text)))


def check_rows(project: Project, rows: list[dict]) -> list[LabelRow]:
    """Every row resolved against the project, or one error naming each bad row (the first few)."""
    videos = _ready_videos(project)
    classes = {label_class.name.lower(): label_class for label_class in project.classes.select_related("track")}
    checked, errors = [], []
    for line, row in enumerate(rows, start=2):
        try:
            checked.append(_check_row(line, row, videos, classes))
        except UserFacingError as exc:
            errors.append(f"row {line}: {exc}")
    if not rows:
        errors.append("the file has no rows")
    if errors:
        more = f" (and {len(errors) - MAX_ERRORS_SHOWN} more)" if len(errors) > MAX_ERRORS_SHOWN else ""
        raise UserFacingError("Nothing was imported: " + "; ".join(errors[:MAX_ERRORS_SHOWN]) + more + ".")
    return checked


def _ready_videos(project: Project) -> dict:
    """The project's ready videos by file name and by id, as rows name them."""
    videos = {video.name: video for video in project.videos.filter(status="ready")}
    return videos | {str(video.pk): video for video in videos.values()}


def accept_runs(*, project: Project, rows: list[LabelRow], user: AbstractBaseUser) -> dict:
    """Checked runs (`check_rows(project, accepted_rows(...))`) become that person's labels (issue 31)."""
    result = import_labels(project=project, rows=rows, user=user)
    return {"runs": result["rows"], "videos": result["videos"]}


def accepted_rows(project: Project, rows: list[dict], track=None) -> list[dict]:
    """Runs a person checked as right (video,start,end) on a track (the first unless named) as import rows
    labelling them with the class they carry now, so they become that person's labels; one error naming each
    range that is not one class."""
    videos = _ready_videos(project)
    names, accepted, errors = dict(project.classes.values_list("pk", "name")), [], []
    for line, row in enumerate(rows, start=2):
        cells = {key.strip().lower(): (value or "").strip() for key, value in row.items() if key}
        try:
            video = videos.get(cells.get("video", ""))
            if video is None or not {"start", "end"} <= set(cells):
                raise UserFacingError("columns are video,start,end, with a ready video of this project")
            start, end = _frame(cells["start"], "start"), _frame(cells["end"], "end")
            if not start <= end < video.frame_count:
                raise UserFacingError(f"frames {start}-{end} are not within 0-{video.frame_count - 1} of {video.name}")
            classes = set(get_current_label_set(video, track).label_runs.window(start, end).class_ids.tolist())
            if len(classes) != 1:
                raise UserFacingError(f"frames {start}-{end} of {video.name} carry {len(classes)} classes: relabel "
                                      "them with import_labels instead")
            accepted.append({"video": str(video.pk), "start": str(start), "end": str(end),
                             "class": names[classes.pop()]})
        except UserFacingError as exc:
            errors.append(f"row {line}: {exc}")
    if errors or not rows:
        raise UserFacingError("Nothing was accepted: " + ("; ".join(errors[:MAX_ERRORS_SHOWN]) or "no rows") + ".")
    return accepted


def _check_row(line: int, row: dict, videos: dict, classes: dict) -> LabelRow:
    cells = {key.strip().lower(): (value or "") for key, value in row.items() if key}
    for value in cells.values():
        if value.startswith(FORMULA_PREFIXES) and not value.lstrip("-").isdigit():
            raise UserFacingError(f"the cell “{value[:20]}” looks like a spreadsheet formula")
    if set(cells) >= {"video", "frame", "class"}:
        start = end = _frame(cells["frame"], "frame")
    elif set(cells) >= {"video", "start", "end", "class"}:
        start, end = _frame(cells["start"], "start"), _frame(cells["end"], "end")
    else:
        raise UserFacingError("columns must be video,frame,class or video,start,end,class")
    video = videos.get(cells["video"].strip())
    if video is None:
        raise UserFacingError(f"no ready video “{cells['video'][:60]}” in this project")
    label_class = classes.get(cells["class"].strip().lower())
    if label_class is None:
        raise UserFacingError(f"no class “{cells['class'][:60]}” in this project")
    track = cells.get("track", "").strip()
    if track and track.casefold() != label_class.track.name.casefold():
        raise UserFacingError(f"the class “{label_class.name}” is on the track “{label_class.track.name}”, "
                              f"not “{track[:60]}”")
    if not start <= end < video.frame_count:
        raise UserFacingError(f"frames {start}-{end} are not within 0-{video.frame_count - 1} of {video.name}")
    return LabelRow(line, video, start, end, label_class, "frame" in cells)


def _frame(value: str, column: str) -> int:
    frame = parse_int(value.strip(), limit=MAX_FRAME)
    if frame is None:
        raise UserFacingError(f"{column} “{value[:20]}” is not a frame number")
    return frame


@transaction.atomic
def import_labels(*, project: Project, rows: list[LabelRow], user: AbstractBaseUser, reviewed: bool = False) -> dict:
    """Apply checked rows: a single frame labels the sample there, else that frame; ranges label frames."""
    samples = {(s.video_id, s.frame): s for s in TrainingSample.objects.filter(
        project=project, source__in=QUEUE_SOURCES, video__in={row.video.pk for row in rows if row.single})}
    labelled_samples, frame_rows = 0, []
    for row in rows:
        sample = samples.get((row.video.pk, row.start)) if row.single else None
        if sample is not None:
            label_sample(sample=sample, label_class=row.label_class, user=user)
            labelled_samples += 1
        else:
            frame_rows.append(row)
    edits = 0
    for _, track_rows in groupby(sorted(frame_rows, key=lambda r: (*on_track(r), r.start)), key=on_track):
        track_rows = list(track_rows)
        label_set = get_current_label_set(track_rows[0].video, track_rows[0].label_class.track)
        for start, end, label_class in _merged(track_rows):
            label_range(label_set=label_set, start=start, end=end, label_class=label_class, user=user)
            edits += 1
    touched = {on_track(row): row for row in rows}
    if reviewed:  # the tracks the rows labelled, of each video
        for row in touched.values():
            set_reviewed(label_set=get_current_label_set(row.video, row.label_class.track), reviewed=True, user=user)
    videos = {row.video.pk for row in rows}
    return {"rows": len(rows), "samples": labelled_samples, "edits": edits, "videos": len(videos),
            "reviewed": len(videos) if reviewed else 0}


def on_track(row: LabelRow) -> tuple[int, int]:
    """The video and track a row labels: its class's track."""
    return row.video.pk, row.label_class.track_id


def _merged(rows: list[LabelRow]):
    """Adjacent rows of one class become one range, so a frame-per-row file makes few edits."""
    merged: list[list] = []
    for row in rows:
        if merged and merged[-1][2] == row.label_class and row.start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], row.end)
        else:
            merged.append([row.start, row.end, row.label_class])
    return merged
