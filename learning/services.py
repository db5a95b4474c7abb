"""The learning loop's writes: sampling frames to ask about, answers, collecting reviewed videos, training."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from aigva.errors import UserFacingError
from labelling.models import LabelSet
from labelling.selectors import HEAVY_FIELDS
from labelling.services import label_range
from learning.jobs import COLLECT, SAMPLE, TRAIN
from learning.models import TrainingSample
from learning.selectors import SAMPLE_FILTERS, TRAIN_KINDS, list_label_queue, sample_tracks, training_classes
from prediction.backbone_choices import check_backbone, default_backbone, project_backbone
from prediction.models import Model
from projects.jobs import create_job, enqueue_job
from projects.models import Job, LabelClass, Project, Track
from videos.models import VideoStatus

SAMPLE_METHODS = ("uniform", "unique", "representative")


def default_sample_method() -> str:
    """Representative where a backbone can run here: it labels best (bench/loop.py, development set, first
    training: 90.2 % of frames right from 5 answers a video, uniform 86.0 %, unique 79.7 %); else unique."""
    return "representative" if default_backbone() else "unique"


@transaction.atomic
def start_sampling(
    *, project: Project, videos: list, per_video: int, method: str | None = None, stride_seconds: float = 1.0,
    threshold: int = 8, started_by: AbstractBaseUser | None, enqueue: bool = True,
) -> Job:
    """One job that samples frames to label from each ready video (C-1); by default_sample_method()."""
    method = method or default_sample_method()
    if method not in SAMPLE_METHODS:
        raise UserFacingError(f"Sampling method is one of {', '.join(SAMPLE_METHODS)}.")
    if not 1 <= per_video <= 1000 or not 0 < stride_seconds <= 3600 or not 0 <= threshold <= 64:
        raise UserFacingError("Sample 1-1000 frames per video, at a stride of up to an hour, threshold 0-64 bits.")
    if any(video.project_id != project.pk for video in videos):
        raise UserFacingError("Those videos belong to another project.")
    ready = [video.pk for video in videos if video.status == VideoStatus.READY]
    if not ready:
        raise UserFacingError("None of these videos is ready to sample.")
    job = create_job(project_id=project.pk, kind=SAMPLE, created_by=started_by, options={
        "videos": ready, "per_video": per_video, "method": method, "stride_seconds": stride_seconds,
        "threshold": threshold,
    })
    if enqueue:
        enqueue_job(job)
    return job


@transaction.atomic
def label_sample(*, sample: TrainingSample, label_class: LabelClass | None, user: AbstractBaseUser) -> TrainingSample:
    """Give a sample its class (C-2), which is also that person's label of the frame in the video's current
    labels (L-6); None skips it for now."""
    if label_class is not None and label_class.project_id != sample.project_id:
        raise UserFacingError("That class belongs to another project.")
    if label_class is not None:
        label_range(label_set=_current_set(sample, label_class.track_id), start=sample.frame, end=sample.frame,
                    label_class=label_class, user=user)
    sample.label, sample.skipped = label_class, label_class is None
    sample.labelled_by, sample.labelled_at = user, timezone.now()
    sample.save(update_fields=["label", "skipped", "labelled_by", "labelled_at"])
    return sample


def answer_sample(*, sample: TrainingSample, label_class: LabelClass, user: AbstractBaseUser) -> bool:
    """A person's answer for the sample's frame on the class's track (P-4): on the first track it is the sample's
    answer; on another it labels that frame there. Returns whether every track of the frame now has a person's
    label, so the card may move on."""
    if label_class.project_id != sample.project_id:
        raise UserFacingError("That class belongs to another project.")
    if label_class.track_id == sample.project.first_track.pk:
        label_sample(sample=sample, label_class=label_class, user=user)
    else:
        label_range(label_set=_current_set(sample, label_class.track_id), start=sample.frame, end=sample.frame,
                    label_class=label_class, user=user)
    return all(row.answered for row in sample_tracks(sample))


@transaction.atomic
def accept_current_labels(*, sample: TrainingSample, user: AbstractBaseUser) -> None:
    """`Enter` on a sample card: the person agrees with what each track they did not answer says at the frame
    (a model's guess, or the default), which becomes their answer there."""
    for row in sample_tracks(sample):
        if not row.answered and row.current is not None:
            answer_sample(sample=sample, label_class=row.current, user=user)


def _current_set(sample: TrainingSample, track_id: int) -> LabelSet:
    label_set = LabelSet.objects.current(track_id).filter(video_id=sample.video_id).defer(*HEAVY_FIELDS).first()
    if label_set is None:
        raise UserFacingError("This video has no labels yet; it is still being prepared.")
    return label_set


def reopen_skipped_samples(*, project: Project) -> int:
    """Put every skipped sample back in the labelling queue; returns how many."""
    return list_label_queue(project).filter(**SAMPLE_FILTERS["skipped"]).update(
        skipped=False, labelled_by=None, labelled_at=None)


@transaction.atomic
def start_collecting(*, project: Project, frame_skip: int, started_by: AbstractBaseUser | None,
                     enqueue: bool = True) -> Job:
    """One job that turns every k-th frame of each reviewed video into a training sample (B-1)."""
    if not 1 <= frame_skip <= 10_000:
        raise UserFacingError("The frame skip is a whole number from 1 to 10000.")
    if not LabelSet.objects.current().filter(video__project=project, reviewed=True).exists():
        raise UserFacingError("No video of this project is reviewed yet; review some in the player first.")
    job = create_job(project_id=project.pk, kind=COLLECT, created_by=started_by,
                     options={"frame_skip": frame_skip})
    if enqueue:
        enqueue_job(job)
    return job


@transaction.atomic
def label_frames(*, project: Project, frames: list[tuple[int, int]], label_class: LabelClass,
                 user: AbstractBaseUser) -> int:
    """Label single frames given as (video id, frame) across the project, e.g. chosen similar frames (Y-2)."""
    if label_class.project_id != project.pk:
        raise UserFacingError("That class belongs to another project.")
    label_sets = {s.video_id: s for s in LabelSet.objects.current(label_class.track_id).filter(
        video__project=project, video_id__in={video for video, _ in frames}).defer(*HEAVY_FIELDS)}
    for video_id, frame in frames:
        if video_id not in label_sets:
            raise UserFacingError("Those frames are not all from videos of this project; nothing was labelled.")
        label_range(label_set=label_sets[video_id], start=frame, end=frame, label_class=label_class, user=user)
    return len(frames)


def start_retraining(
    *, project: Project, started_by: AbstractBaseUser | None, **options
) -> tuple[list[Job], list[str]]:
    """A training job (start_training's options) per track that has labels enough, and why each other waits;
    refuses, saying why, when no track has."""
    jobs, waiting = [], []
    for track in project.tracks.all():
        try:
            jobs.append(start_training(project=project, track=track, started_by=started_by, **options))
        except UserFacingError as exc:
            waiting.append(str(exc))
    if not jobs:
        raise UserFacingError(waiting[0])
    return jobs, waiting


def _joint_tracks(project: Project, kind: str, head_only: bool, propagate: bool) -> list[Track]:
    """The tracks with labels enough to learn, for one network with a head per track; refuses a head alone or
    propagation (each trains one track), and too little data on every track."""
    if head_only or propagate:
        raise UserFacingError("Every track in one network is a full fine-tune, without propagation: a head on frozen "
                              "features learns one track (Retrain and update trains a head per track).")
    ready, reasons = [], []
    for track in project.tracks.all():
        try:
            training_classes(project, kind, track)
            ready.append(track)
        except UserFacingError as exc:
            reasons.append(str(exc))
    if not ready:
        raise UserFacingError(reasons[0])
    return ready


@transaction.atomic
def start_training(
    *, project: Project, kind: str = Model.Kind.HUMAN, epochs: int = 10, val_split: float = 0.2, patience: int = 3,
    head_only: bool = False, propagate: bool = False, predict: bool = False, backbone: str | None = None,
    started_by: AbstractBaseUser | None, enqueue: bool = True, track: Track | None = None, every_track: bool = False,
) -> Job:
    """A job that trains a model of a track (the first unless named) on every frame people labelled there, or on
    the Cold or Blitz samples (C-3, B-2); with predict (a head only), it then updates every unreviewed video's
    labels on that track from the cache. every_track: a full fine-tune of one network with a head per track that
    has labels enough (P-4), which makes a model per track."""
    if kind not in TRAIN_KINDS:
        raise UserFacingError("Train on every human label (human), or the Cold (cold) or Blitz (blitz) samples.")
    if predict and not head_only:
        raise UserFacingError("Updating predictions right after training is for a head on frozen features.")
    if not 1 <= epochs <= 500 or not 0 <= val_split <= 0.5 or not 1 <= patience <= 100:
        raise UserFacingError("Epochs are 1-500, the validation split 0-0.5 and the patience 1-100 epochs.")
    tracks = _joint_tracks(project, kind, head_only, propagate) if every_track else []
    track = (tracks[0] if tracks else track) or project.first_track
    training_classes(project, kind, track)  # too little data is refused now, not minutes later
    active = project.jobs.filter(kind=TRAIN, options__predict=True, options__track=track.pk,
                                 status__in=["queued", "running"])
    if predict and active.exists():
        raise UserFacingError("A retrain of this project is already under way; its updates arrive in a moment.")
    backbone = check_backbone(backbone or project_backbone(project))
    job = create_job(project_id=project.pk, kind=TRAIN, created_by=started_by, options={
        "kind": kind, "epochs": epochs, "val_split": val_split, "patience": patience, "head_only": head_only,
        "propagate": propagate, "predict": predict, "backbone": backbone, "track": track.pk,
        **({"tracks": [t.pk for t in tracks]} if len(tracks) > 1 else {}),
    })
    if enqueue:
        enqueue_job(job)
    return job
