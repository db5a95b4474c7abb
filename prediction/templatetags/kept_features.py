"""Whether a video is ready to sample and predict without decoding it again (V-5), for its row on the videos
page: the project backbone's features of its gated frames are kept, or being kept (with the job's progress)."""

from django import template

from prediction.backbone_choices import NAMES, project_backbone
from prediction.jobs import FEATURES
from prediction.models import VideoFeatures
from projects.models import ACTIVE_JOB_STATUSES
from videos.models import Video

register = template.Library()


@register.simple_tag(takes_context=True)
def features_state(context, video: Video) -> dict:
    """{"backbone", "kept": bool, "job": the features job under way or None} of a ready video; {} otherwise."""
    if not video.is_ready:
        return {}
    backbones = context.render_context.setdefault("project_backbones", {})  # found once per page, not per row
    if video.project_id not in backbones:
        backbones[video.project_id] = project_backbone(video.project)
    backbone = backbones[video.project_id]
    if backbone is None:
        return {}
    return {"backbone": NAMES.get(backbone, backbone),
            "kept": VideoFeatures.objects.filter(video=video, backbone=backbone).exists(),
            "job": video.jobs.filter(kind=FEATURES, status__in=ACTIVE_JOB_STATUSES).order_by("-created_at").first()}
