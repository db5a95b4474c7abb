from django.db import transaction
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from api.endpoints import ERRORS
from api.pagination import Page
from api.schemas import ClassIn, ClassOut, Id, ProjectIn, ProjectOut, TrackIn, TrackOut
from projects import services
from projects.models import Role
from projects.selectors import get_member_project, get_track, list_user_projects

router = Router(tags=["projects"])


@router.get("/projects", response=list[ProjectOut])
@paginate(Page)
def list_projects(request: HttpRequest):
    """The projects you are a member of, by name."""
    return list_user_projects(request.user).prefetch_related("tracks__classes", "tracks__default_class")


def _track_spec(track: TrackIn) -> services.TrackSpec:
    return services.TrackSpec(track.name, track.classes, track.default_class)


@router.post("/projects", response={201: ProjectOut, **ERRORS})
def create_project(request: HttpRequest, body: ProjectIn):
    """A new project with its classes, in order (one track), or its tracks each with theirs; you become its
    manager."""
    with transaction.atomic():
        project = services.create_project(
            name=body.name, description=body.description, class_names=body.classes,
            tracks=[_track_spec(track) for track in body.tracks], default_class_name=body.default_class,
            created_by=request.user)
    return Status(201, project)


@router.post("/projects/{project_id}/tracks", response={201: TrackOut, **ERRORS})
def add_track(request: HttpRequest, project_id: Id, body: TrackIn):
    """Add a track (managers): every frame of every video starts with its default class; other tracks' labels
    stay."""
    project = get_member_project(request.user, project_id, Role.MANAGER)
    spec = _track_spec(body)
    track = services.add_track(project=project, name=spec.name, class_names=spec.class_names,
                               default_class_name=spec.default_class_name)
    return Status(201, track)


@router.get("/projects/{project_id}", response={200: ProjectOut, **ERRORS})
def get_project(request: HttpRequest, project_id: Id):
    return get_member_project(request.user, project_id)


@router.get("/projects/{project_id}/classes", response={200: list[ClassOut], **ERRORS})
def list_classes(request: HttpRequest, project_id: Id):
    """The project's classes in their order (the order models and exports use)."""
    return list(get_member_project(request.user, project_id).classes.all())


@router.post("/projects/{project_id}/classes", response={201: ClassOut, **ERRORS})
def add_class(request: HttpRequest, project_id: Id, body: ClassIn):
    """Append a class to a track, the first unless named (managers); colour and shortcut are picked when left
    out."""
    project = get_member_project(request.user, project_id, Role.MANAGER)
    label_class = services.add_class(project=project, name=body.name, colour=body.colour, shortcut=body.shortcut,
                                     track=get_track(project, body.track))
    return Status(201, label_class)
