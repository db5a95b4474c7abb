"""What the API takes and returns (pydantic, through django-ninja): the OpenAPI schema is made from these."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator

from projects.selectors import get_role

MAX_ID = 2**31 - 1  # the database's integer keys
MAX_FRAME = 2**31 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Frame = Annotated[int, Field(ge=0, le=MAX_FRAME)]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text cannot contain NUL characters")
    return value


def text(max_length: int, min_length: int = 1, description: str | None = None):
    """A string field of at most max_length characters, never holding NUL (the database refuses it)."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length, description=description),
                     AfterValidator(_no_nul)]


class Error(Schema):
    detail: str = Field(description="What went wrong, in words a person can act on.")


class ClassOut(Schema):
    id: int
    name: str
    colour: str
    shortcut: str


class ClassIn(Schema):
    name: text(60)
    colour: text(7, 0) = ""
    shortcut: text(1, 0) | None = None
    track: text(60) | None = Field(None, description="The track it answers; the first when left out.")


class TrackOut(Schema):
    id: int
    name: str
    default_class: str | None
    classes: list[ClassOut]

    @staticmethod
    def resolve_default_class(track) -> str | None:
        return track.default_class.name if track.default_class else None

    @staticmethod
    def resolve_classes(track) -> list:
        return list(track.classes.all())


class ProjectOut(Schema):
    id: int
    name: str
    description: str
    role: str = Field(description="Your role in the project: manager, labeller or viewer.")
    default_class: str | None = Field(description="The first track's.")
    classes: list[ClassOut] = Field(description="The first track's, in their order.")
    tracks: list[TrackOut] = Field(description="The questions every frame answers, each with its own classes.")
    created_at: datetime

    @staticmethod
    def resolve_role(project, context) -> str:
        return get_role(context["request"].user, project).value

    @staticmethod
    def resolve_default_class(project) -> str | None:
        return TrackOut.resolve_default_class(project.first_track)

    @staticmethod
    def resolve_classes(project) -> list:
        return TrackOut.resolve_classes(project.first_track)

    @staticmethod
    def resolve_tracks(project) -> list:
        return list(project.tracks.all())


class TrackIn(Schema):
    name: text(60)
    classes: list[text(60)] = Field(min_length=1, max_length=100)
    default_class: text(60) | None = Field(None, description="One of `classes`; the first when left out.")


class ProjectIn(Schema):
    name: text(120)
    description: text(5000, 0) = ""
    classes: Annotated[list[text(60)], Field(min_length=2, max_length=100)] | None = Field(
        None, description="One track, named “class”, with these classes; give this, `tracks` or both.")
    default_class: text(60) | None = Field(
        None, description="A class frames start with on its track; each track's first when left out.")
    tracks: list[TrackIn] = Field([], max_length=8, description="Tracks (after the one `classes` makes): each a "
                                  "question every frame answers. Class names and keys are unique across the project.")


class VideoOut(Schema):
    id: int
    project_id: int
    name: str
    status: Literal["processing", "ready", "failed"]
    error: str
    note: str
    size: int
    frame_count: int | None
    fps: float | None
    fps_rational: str | None
    duration: float | None
    width: int | None = Field(description="Display width (upright, square pixels).")
    height: int | None
    codec: str
    created_at: datetime

    @staticmethod
    def resolve_fps(video) -> float | None:
        return round(float(video.fps), 6) if video.fps else None

    @staticmethod
    def resolve_fps_rational(video) -> str | None:
        return f"{video.fps_num}/{video.fps_den}" if video.fps else None

    @staticmethod
    def resolve_width(video) -> int | None:
        return video.display_width or video.width

    @staticmethod
    def resolve_height(video) -> int | None:
        return video.display_height or video.height


class JobOut(Schema):
    id: int
    project_id: int
    kind: str
    status: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    progress: float = Field(description="0 to 1.")
    message: str
    error: str
    summary: str
    metrics: dict
    video_id: int | None
    model_id: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_metrics(job) -> dict:
        return job.metrics if isinstance(job.metrics, dict) else {}


class RangeIn(Schema):
    start: Frame
    end: Frame = Field(description="Inclusive.")
    label: text(60) = Field(alias="class")


class RangesIn(Schema):
    ranges: list[RangeIn] = Field(min_length=1, max_length=1000)


class LabelEditsOut(Schema):
    label_set_id: int
    edits: list[int] = Field(description="The edits made, oldest first; each can be undone as in the player.")


class ReviewedIn(Schema):
    reviewed: bool
    track: text(60) | None = Field(None, description="The track's name; the first track when left out.")


class TrackQuery(Schema):
    track: text(60) | None = Field(None, description="The track's name; the first track when left out.")


class ReviewedOut(Schema):
    reviewed: bool
    reviewed_by: str | None
    reviewed_at: datetime | None


class ImportRowIn(Schema):
    video: text(200, description="The video's name or id.")
    frame: Frame | None = Field(None, description="One frame (labels the sample there, if there is one)…")
    start: Frame | None = Field(None, description="…or a range from start to end (inclusive).")
    end: Frame | None = None
    label: text(60) = Field(alias="class")
    track: text(60, 0) | None = Field(None, description="The class's track, checked; a class names its track.")


class ImportIn(Schema):
    rows: list[ImportRowIn] = Field(min_length=1, max_length=20_000, description="Ranges count as one row each.")
    reviewed: bool = Field(False, description="Mark every video named reviewed, on the tracks its rows label.")


class ImportOut(Schema):
    rows: int
    samples: int
    edits: int
    videos: int
    reviewed: int


class TrackLabel(Schema):
    label: str | None = Field(alias="class")
    confidence: float | None = Field(description="The model's confidence; 1 for a person's label; null: default.")
    author: str


class FrameLabel(TrackLabel):
    """The first track's label of the frame, and every track's in `tracks`."""

    frame: int
    tracks: dict[str, TrackLabel] = Field(description="Each track's label of the frame, by track name.")


class Segment(Schema):
    start: int
    end: int
    label: str | None = Field(alias="class")


class Estimate(Schema):
    """How right labels are (issue 31), as the accuracy estimate last worked it out."""

    estimate: float = Field(description="The share of frames whose label is right.")
    low: float = Field(description="The 95 % confidence interval's lower end.")
    high: float
    frames: int
    audited: int = Field(description="Audit frames (answered blind) the estimate rests on.")
    wrong_frames: int = Field(description="About how many frames are still wrong.")


class VideoLabels(Schema):
    id: int
    name: str
    frame_count: int
    fps: float | None
    fps_rational: str | None
    reviewed: bool
    reviewed_by: str | None
    model: str | None
    accuracy: Estimate | None = None
    frames: list[FrameLabel] | None = None
    segments: list[Segment] | None = Field(None, description="The first track's.")
    tracks: dict[str, list[Segment]] | None = Field(None, description="With segments: each track's, by name.")


class LabelsOut(Schema):
    """The same document as the JSON label export."""

    project: str
    classes: list[str]
    tracks: list[str] = Field(description="The project's tracks, first to last.")
    form: Literal["frames", "segments"]
    accuracy: Estimate | None = Field(None, description="How right the first track's labels are.")
    videos: list[VideoLabels]


class ModelOut(Schema):
    id: int
    project_id: int
    name: str
    kind: str
    backbone: str
    track: str = Field(description="The track it labels; `classes` are that track's.")
    classes: list[str]
    metrics: dict
    problems: list[str] = Field(description="Why not to trust it, when its training figures say so.")
    created_at: datetime

    @staticmethod
    def resolve_track(model) -> str:
        return model.track.name


class CheckpointIn(Schema):
    name: text(120, 0) = Field("", description="The file's name when left out.")


class TrainIn(Schema):
    kind: Literal["human", "cold", "blitz"] = Field(
        "human", description="human: every frame a person labelled; cold/blitz: those samples only.")
    epochs: Annotated[int, Field(ge=1, le=500)] = 10
    val_split: Annotated[float, Field(ge=0, le=0.5)] = 0.2
    patience: Annotated[int, Field(ge=1, le=100)] = 3
    head_only: bool = Field(False, description="Train a head on frozen features (seconds, from the cache).")
    propagate: bool = False
    predict: bool = Field(False, description="With head_only: then update every unreviewed video's labels.")
    backbone: text(40) | None = None
    track: text(60) | None = Field(None, description="The track whose classes the model learns; the first when "
                                   "left out.")
    every_track: bool = Field(False, description="A full fine-tune of one network with a head per track that has "
                                                 "labels enough: a model per track, on one backbone.")


class PredictIn(Schema):
    model_id: Id
    more_model_ids: list[Id] = Field([], max_length=8, description="A model of each further track to label in the "
                                     "same pass: each video is decoded once.")
    video_ids: list[Id] | None = Field(None, max_length=10_000, description="Every video of the project if left out.")
    frame_skip: Annotated[int, Field(ge=1, le=1000)] = 1
    smooth: Annotated[int, Field(ge=1, le=1000)] = 1
    shots: bool = True
    every_frame: bool = False
    overwrite_people: bool = Field(False, description="Let the model replace frames people labelled.")


class ExportIn(Schema):
    video_ids: list[Id] | None = Field(None, max_length=10_000, description="Every video of the project if left out.")
    reviewed_only: bool = False
    frame_skip: Annotated[int, Field(ge=1, le=100_000)] | None = Field(None, description="The project's default if "
                                                                                        "left out.")
    quality: Annotated[int, Field(ge=1, le=100)] = Field(90, description="JPEG quality.")
    split: Annotated[float, Field(ge=0, le=0.5)] = Field(0.0, description="Share of videos held out as val/.")
    track: text(60) | None = Field(None, description="The track whose classes name the folders; the first when "
                                   "left out (metadata.jsonl has every track).")


class ExportOut(Schema):
    job: JobOut
    download_url: str | None = Field(description="Once the job succeeded.")
    size: int | None
    images: int | None
