from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from api.endpoints import ERRORS
from api.schemas import Frame, Id, text
from learning import imports
from learning.selectors import list_doubtful_runs
from projects.models import Role
from projects.selectors import find_videos, get_member_project, get_track

router = Router(tags=["review"])


class DoubtfulRunOut(Schema):
    video: str
    video_id: int
    start: int
    end: int = Field(description="Inclusive.")
    label: str | None = Field(alias="class")
    doubt: float = Field(description="1 - how likely every frame of the run is right, from 0 to 1.")


class NextFilter(Schema):
    k: int = Field(20, ge=1, le=10_000, description="How many runs.")
    videos: list[text(200)] | None = Field(None, description="Video ids or names; none: every video.")
    track: text(60) | None = Field(None, description="The track whose runs to check; the first when left out.")


class AcceptedRunIn(Schema):
    video: text(200, description="The video's name or id.")
    start: Frame
    end: Frame


class AcceptIn(Schema):
    runs: list[AcceptedRunIn] = Field(min_length=1, max_length=20_000)
    track: text(60) | None = Field(None, description="The track the runs were checked on; the first when left out.")


class AcceptOut(Schema):
    runs: int
    videos: int


@router.get("/projects/{project_id}/review/next", response={200: list[DoubtfulRunOut], **ERRORS}, by_alias=True)
def next_runs(request: HttpRequest, project_id: Id, filters: Query[NextFilter]):
    """The runs a model labelled that are most likely wrong, most doubtful first: check these before any
    other frame (`review --next`)."""
    project = get_member_project(request.user, project_id)
    videos = find_videos(project, filters.videos) if filters.videos else None
    return list_doubtful_runs(project, limit=filters.k, videos=videos, track=get_track(project, filters.track))


@router.post("/projects/{project_id}/review/accept", response={200: AcceptOut, **ERRORS})
def accept_runs(request: HttpRequest, project_id: Id, body: AcceptIn):
    """Runs a person checked as right: each becomes your label of the class it carries (`review --accept`).
    Every run is checked first; a range covering two classes is refused (labellers)."""
    project = get_member_project(request.user, project_id, Role.LABELLER)
    rows = imports.accepted_rows(project, [{key: str(value) for key, value in run.model_dump().items()}
                                           for run in body.runs], get_track(project, body.track))
    return imports.accept_runs(project=project, rows=imports.check_rows(project, rows), user=request.user)
