from django.db import transaction
from django.http import HttpRequest, StreamingHttpResponse
from ninja import Query, Router, Schema

from aigva.errors import UserFacingError
from api.endpoints import ERRORS
from api.schemas import (
    MAX_ID,
    Id,
    ImportIn,
    ImportOut,
    LabelEditsOut,
    LabelsOut,
    RangesIn,
    ReviewedIn,
    ReviewedOut,
    TrackQuery,
)
from exports.labels_json import stream_labels_json
from exports.selectors import list_export_label_sets
from labelling import services
from labelling.selectors import get_current_label_set
from learning.imports import check_rows, import_labels
from projects.models import Role
from projects.selectors import get_member_project, get_track
from videos.selectors import get_member_video

router = Router(tags=["labels"])


class LabelsQuery(Schema):
    form: str = "frames"  # frames | segments, checked below so the message can say so


class ProjectLabelsQuery(LabelsQuery):
    video: list[int] = []
    reviewed_only: bool = False


def _labels_response(project, label_sets, form: str) -> StreamingHttpResponse:
    if form not in ("frames", "segments"):
        raise UserFacingError("form is frames (every frame) or segments (runs of one class).")
    return StreamingHttpResponse(stream_labels_json(project, label_sets, segments=form == "segments"),
                                 content_type="application/json")


@router.get("/videos/{video_id}/labels", response={200: LabelsOut, **ERRORS}, by_alias=True)
def video_labels(request: HttpRequest, video_id: Id, query: Query[LabelsQuery]):
    """The video's current labels as the JSON export has them: ?form=frames (class, confidence, author of
    every frame) or ?form=segments."""
    video = get_member_video(request.user, video_id)
    label_sets = list_export_label_sets(video.project, video_ids=[video.pk])
    if not label_sets:
        raise UserFacingError("The video has no labels yet: it is still being probed, or it failed.")
    return _labels_response(video.project, label_sets, query.form)


@router.get("/projects/{project_id}/labels", response={200: LabelsOut, **ERRORS}, by_alias=True)
def project_labels(request: HttpRequest, project_id: Id, query: Query[ProjectLabelsQuery]):
    """Every ready video's labels (or ?video=ID&video=ID…), exactly the JSON export (labellers)."""
    project = get_member_project(request.user, project_id, Role.LABELLER)
    video_ids = [pk for pk in query.video if 1 <= pk <= MAX_ID]
    label_sets = list_export_label_sets(project, video_ids=video_ids, reviewed_only=query.reviewed_only)
    if query.video and not video_ids:
        label_sets = []
    return _labels_response(project, label_sets, query.form)


@router.post("/videos/{video_id}/labels/ranges", response={200: LabelEditsOut, **ERRORS})
def label_ranges(request: HttpRequest, video_id: Id, body: RangesIn):
    """Label frame ranges as you, as the player does: each range is one edit in the history, undoable, and a
    person's label that no prediction replaces (labellers). A class names its track, so one request may label
    several tracks. All ranges or none are applied."""
    video = get_member_video(request.user, video_id, Role.LABELLER)
    classes = {c.name.casefold(): c for c in video.project.classes.select_related("track")}
    with transaction.atomic():
        label_sets, edits = {}, []
        for position, labelled in enumerate(body.ranges):
            label_class = classes.get(labelled.label.strip().casefold())
            if label_class is None:
                raise UserFacingError(f"ranges[{position}]: “{labelled.label[:60]}” is not a class of this project.")
            label_set = label_sets.get(label_class.track_id) or _current(video, label_class.track)
            edit = services.label_range(label_set=label_set, start=labelled.start, end=labelled.end,
                                        label_class=label_class, user=request.user)
            label_sets[label_class.track_id] = edit.label_set
            edits.append(edit.pk)
    return {"label_set_id": edit.label_set_id, "edits": edits}


@router.post("/videos/{video_id}/labels/undo", response={200: LabelEditsOut, **ERRORS})
def undo(request: HttpRequest, video_id: Id, query: Query[TrackQuery]):
    """Undo your latest edit of the video's labels on the track (?track=, the first when left out), unless
    someone relabelled those frames since."""
    video = get_member_video(request.user, video_id, Role.LABELLER)
    edit = services.undo_last_edit(label_set=_current(video, get_track(video.project, query.track)), user=request.user)
    return {"label_set_id": edit.label_set_id, "edits": [edit.pk]}


@router.post("/videos/{video_id}/labels/reviewed", response={200: ReviewedOut, **ERRORS})
def set_reviewed(request: HttpRequest, video_id: Id, body: ReviewedIn):
    """Mark the video's labels on a track (the first when `track` is left out) reviewed (a person checked every
    frame: Blitz training data) or not."""
    video = get_member_video(request.user, video_id, Role.LABELLER)
    label_set = services.set_reviewed(label_set=_current(video, get_track(video.project, body.track)),
                                      reviewed=body.reviewed, user=request.user)
    return {"reviewed": label_set.reviewed, "reviewed_by": label_set.reviewed_by.username if label_set.reviewed_by
            else None, "reviewed_at": label_set.reviewed_at}


@router.post("/projects/{project_id}/labels/import", response={200: ImportOut, **ERRORS})
def import_rows(request: HttpRequest, project_id: Id, body: ImportIn):
    """Labels from another tool, as `import_labels` takes them: rows of video (name or id) with a frame or a
    start-end range, and a class. Every row is checked before anything is written (labellers)."""
    project = get_member_project(request.user, project_id, Role.LABELLER)
    rows = [{key: "" if value is None else str(value) for key, value in row.model_dump(by_alias=True).items()
             if value is not None} for row in body.rows]
    return import_labels(project=project, rows=check_rows(project, rows), user=request.user, reviewed=body.reviewed)


def _current(video, track=None):
    label_set = get_current_label_set(video, track)
    if label_set is None:
        raise UserFacingError("The video has no labels yet: it is still being probed, or it failed.")
    return label_set
