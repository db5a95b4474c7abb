"""Reads of the prediction app."""

from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404

from labelling.models import LabelSet
from prediction.backbone_choices import NAMES, ingest_backbone
from prediction.jobs import FEATURES
from prediction.models import Model, VideoFeatures
from projects.models import ACTIVE_JOB_STATUSES, Project, Role
from projects.selectors import require_role


def get_member_model(user: AbstractBaseUser, model_id: int, min_role: Role = Role.VIEWER) -> Model:
    """404 unless the user may see the model's project (other projects' ids stay secret)."""
    model = Model.objects.filter(pk=model_id).select_related("project").first()
    if model is None:
        raise Http404("No such model.")
    require_role(user, model.project, min_role)
    return model


REVIEWED = "reviewed: a person checked every frame (“Overwrite people's labels” predicts it anyway)"


def reasons_not_to_predict(videos: list, *, overwrite_people: bool = False, track=None) -> dict[int, str]:
    """Video id -> why a prediction (of a track, the first unless named) leaves it out: not ready yet, or
    reviewed there (unless people may be overwritten)."""
    reasons = {video.pk: f"not ready ({video.get_status_display().lower()})" for video in videos
               if video.status != "ready"}
    if not overwrite_people:
        reviewed = LabelSet.objects.current(track).filter(
            video__in=[video for video in videos if video.pk not in reasons], reviewed=True,
        ).values_list("video_id", flat=True)
        reasons |= dict.fromkeys(reviewed, REVIEWED)
    return reasons


def list_reviewed_video_names(project_id: int, track=None) -> list[str]:
    """The project's videos reviewed on a track (the first unless named), which updating its predictions leaves
    alone."""
    return list(LabelSet.objects.current(track).filter(video__project_id=project_id, reviewed=True)
                .order_by("video__name").values_list("video__name", flat=True))


def describe_left_out(videos: list, *, overwrite_people: bool = False, track=None) -> str:
    """"a.mp4 (reviewed: …); b.mp4 (not ready (probing))" for the videos a prediction leaves out."""
    reasons = reasons_not_to_predict(videos, overwrite_people=overwrite_people, track=track)
    return "; ".join(f"{video.name} ({reasons[video.pk]})" for video in videos if video.pk in reasons)


def kept_features(project: Project) -> dict | None:
    """{"backbone", "kept", "ready", "keeping"}: how many of the project's ready videos have its backbone's
    features kept (V-5), and how many are being kept now; None where uploads keep none."""
    backbone = ingest_backbone(project)
    if backbone is None:
        return None
    ready = project.videos.filter(status="ready")
    return {"backbone": NAMES.get(backbone, backbone), "ready": ready.count(),
            "kept": VideoFeatures.objects.filter(video__in=ready, backbone=backbone).count(),
            "keeping": project.jobs.filter(kind=FEATURES, status__in=ACTIVE_JOB_STATUSES).count()}
