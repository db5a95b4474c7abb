from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from api.endpoints import ERRORS
from api.schemas import Estimate, Frame, Id, text
from learning import audits, imports
from projects.models import Role
from projects.selectors import get_member_project, get_track

router = Router(tags=["review"])


class AuditFrameOut(Schema):
    video: str
    video_id: int
    frame: int


TRACK = "The track the audit tests (each track has its own audits and estimate); the first when left out."


class TrackFilter(Schema):
    track: text(60) | None = Field(None, description=TRACK)


class AuditIn(Schema):
    draws: int | None = Field(None, ge=1, le=audits.MOST_DRAWS,
                              description="Frames to draw; none: the suggested size (at most 1 % of the frames).")
    track: text(60) | None = Field(None, description=TRACK)


class AuditAnswerIn(Schema):
    video: text(200, description="The video's name or id.")
    frame: Frame
    label: text(60) = Field(alias="class")


class AuditAnswersIn(Schema):
    answers: list[AuditAnswerIn] = Field(min_length=1, max_length=20_000)


class AuditAnswersOut(Schema):
    answers: int
    open: int = Field(description="Audit frames still to answer.")


class VideoEstimateOut(Estimate):
    video: str
    video_id: int
    reviewed: bool


class AccuracyOut(Estimate):
    track: str = Field(description="The track the estimate is of.")
    target: float
    done: bool = Field(description="Whether at least `target` of the frames are right with 95 % confidence.")
    message: str
    model: str | None = Field(description="The model whose predictions the latest labels are.")
    runs_to_check: int = Field(description="Doubtful runs the stopping rule expects still need a look.")
    audit_frames_to_answer: int
    audit_frames_open: int
    videos: list[VideoEstimateOut]


def _open_frames(project, track) -> list[dict]:
    return [{"video": s.video.name, "video_id": s.video_id, "frame": s.frame}
            for s in audits.pending_audit_frames(project, track).order_by("video__name", "frame")]


@router.get("/projects/{project_id}/audit", response={200: list[AuditFrameOut], **ERRORS})
def open_audit_frames(request: HttpRequest, project_id: Id, filters: Query[TrackFilter]):
    """The audit frames of the track still to answer, blind (`audit --next`)."""
    project = get_member_project(request.user, project_id)
    return _open_frames(project, get_track(project, filters.track))


@router.post("/projects/{project_id}/audit", response={200: list[AuditFrameOut], **ERRORS})
def draw_audit(request: HttpRequest, project_id: Id, body: AuditIn):
    """Draw a new audit from the frames nobody labelled, more where the model is unsure; refused while
    audit frames are open (labellers)."""
    project = get_member_project(request.user, project_id, Role.LABELLER)
    track = get_track(project, body.track)
    audits.start_audit(project=project, draws=body.draws, user=request.user, track=track)
    return _open_frames(project, track)


@router.post("/projects/{project_id}/audit/answers", response={200: AuditAnswersOut, **ERRORS})
def answer_audit(request: HttpRequest, project_id: Id, body: AuditAnswersIn):
    """Your answers to audit frames (`audit --answers`): your labels, never training examples (labellers). A
    class answers its track's audit."""
    project = get_member_project(request.user, project_id, Role.LABELLER)
    rows = [{"video": a.video, "frame": str(a.frame), "class": a.label} for a in body.answers]
    return audits.import_audit_answers(project=project, rows=imports.check_rows(project, rows), user=request.user)


@router.get("/projects/{project_id}/accuracy", response={200: AccuracyOut, **ERRORS})
def accuracy(request: HttpRequest, project_id: Id, filters: Query[TrackFilter]):
    """How right a track's labels are, with a 95 % confidence interval, for the project and each video, and
    what the stopping rule says (`accuracy`)."""
    project = get_member_project(request.user, project_id)
    return audits.accuracy_report(project, get_track(project, filters.track))
