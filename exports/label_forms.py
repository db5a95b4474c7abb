"""The forms a project's labels download in (E-1, E-3): each streams one document from the chosen videos'
current label sets."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from exports.labels_json import stream_labels_json
from exports.labels_tables import stream_labels_activitynet, stream_labels_csv


@dataclass(frozen=True)
class LabelForm:
    stream: Callable[..., Iterator[str]]  # (project, label_sets) -> chunks of text
    content_type: str
    suffix: str  # of the file name, after the project's


LABEL_FORMS = {
    "frames": LabelForm(stream_labels_json, "application/json", "labels.json"),
    "segments": LabelForm(partial(stream_labels_json, segments=True), "application/json", "segments.json"),
    "csv": LabelForm(stream_labels_csv, "text/csv; charset=utf-8", "labels.csv"),
    "activitynet": LabelForm(stream_labels_activitynet, "application/json", "activitynet.json"),
}
