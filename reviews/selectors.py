
import numpy as np
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from aigva.tokens import hash_token
from labelling.models import LabelSet
from labelling.selectors import HEAVY_FIELDS
from projects.models import Project
from reviews import agreement
from reviews.models import ShareGuest, ShareLink


def get_share_link(token: str) -> ShareLink:
    """The link a token names, usable or not (the caller answers 410 for those); 404 for any other token."""
    link = (ShareLink.objects.filter(token_hash=hash_token(token))
            .select_related("label_set__video__project").defer(*(f"label_set__{f}" for f in HEAVY_FIELDS)).first())
    if link is None:
        raise Http404("No such link.")
    return link


def get_guest(session, link: ShareLink):
    """The user a link's visitor reviews as, once they gave their name in this browser session."""
    user_id = session.get(f"share-guest-{link.pk}")
    guest = ShareGuest.objects.filter(link=link, user_id=user_id).select_related("user").first() if user_id else None
    return guest.user if guest else None


def list_review_label_sets(project: Project, *, reviewed: str = "", source: str = "") -> QuerySet[LabelSet]:
    """The current label set of every video (S-1); reviewed=yes|no, source=model|manual filter them."""
    sets = LabelSet.objects.current().filter(video__project=project)
    if reviewed in ("yes", "no"):
        sets = sets.filter(reviewed=reviewed == "yes")
    if source == "model":
        sets = sets.filter(source_model__isnull=False)
    elif source == "manual":
        sets = sets.filter(source_model__isnull=True)
    live_links = Q(video__label_sets__share_links__revoked_at__isnull=True)
    return (sets.select_related("video", "reviewed_by", "created_by", "source_model").defer(*HEAVY_FIELDS)
            .annotate(links=Count("video__label_sets__share_links", filter=live_links, distinct=True))
            .order_by("video__name", "pk"))


def list_share_links(label_set: LabelSet) -> QuerySet[ShareLink]:
    """Links to a video's labels: to its current set and to copies made for independent reviewers."""
    return (ShareLink.objects.filter(label_set__video_id=label_set.video_id)
            .select_related("label_set__reviewed_by", "created_by").defer(*(f"label_set__{f}" for f in HEAVY_FIELDS)))


def reviewed_ratings(video_ids) -> dict[int, tuple[list[str], np.ndarray]]:
    """Per video with two or more reviewed label sets: the reviewers' names and their (R, N) classes."""
    sets = (LabelSet.objects.filter(video_id__in=video_ids, reviewed=True).select_related("reviewed_by")
            .defer(*HEAVY_FIELDS).order_by("video_id", "pk"))
    by_video: dict[int, list[LabelSet]] = {}
    for label_set in sets:
        by_video.setdefault(label_set.video_id, []).append(label_set)
    return {
        video_id: ([s.reviewed_by.username if s.reviewed_by else "someone" for s in group],
                   np.stack([s.label_runs.to_frames()[0] for s in group]))
        for video_id, group in by_video.items() if len(group) >= 2
    }


def get_video_agreement(video) -> dict | None:
    """Kappa and the disagreement strip for the analysis page, when 2+ people reviewed the video."""
    ratings = reviewed_ratings([video.pk]).get(video.pk)
    if ratings is None:
        return None
    names, classes = ratings
    kind, value = agreement.kappa(classes)
    mask = agreement.disagreement(classes)
    return {"reviewers": names, "kind": kind, "kappa": value, "disagreeing": int(mask.sum()),
            "runs": agreement.disagreement_runs(mask)}


def get_project_agreement(project: Project) -> dict:
    """Per-video kappa and Fleiss' kappa over every frame of the videos that 2+ people reviewed."""
    ratings = reviewed_ratings(project.videos.values_list("pk", flat=True))
    per_video = {video_id: agreement.kappa(classes) for video_id, (_, classes) in ratings.items()}
    overall = agreement.pooled_fleiss_kappa([classes for _, classes in ratings.values()]) if ratings else None
    return {"per_video": per_video, "project": overall, "videos": len(ratings)}
