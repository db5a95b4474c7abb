"""The audit (issue 31): frames drawn at random from those nobody labelled, answered blind, held out from
training; and the accuracy estimate they make honest, kept with each video's labels."""

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from aigva.errors import UserFacingError
from labelling.models import LabelSet
from labelling.services import set_reviewed
from learning.accuracy import audit_size, draw_chances
from learning.estimates import project_accuracy, stopping_rule
from learning.models import Audit, TrainingSample
from learning.selectors import list_doubtful_runs
from learning.services import label_sample
from prediction.models import Model
from projects.models import LabelClass, Project, Track

AUDIT = TrainingSample.Source.AUDIT
MOST_DRAWS = 10_000
AUDIT_SHARE = 0.01  # of a project's frames, the most the suggested audit asks about
HALF_WIDTH = 0.005  # what the suggested audit aims for, if the model's confidences are calibrated


def pending_audit_frames(project: Project, track: Track | int | None = None):
    """The open audit frames of the track's audits (a track or its id; the first track's unless named)."""
    return TrainingSample.objects.filter(project=project, source=AUDIT, label__isnull=True,
                                         audit__track=track or project.first_track).select_related("video")


def _population(project: Project, track: Track) -> list[tuple[LabelSet, np.ndarray, np.ndarray, np.ndarray]]:
    """(labels, open frames, the model's class and confidence there) of each video a model labelled on the
    track and nobody reviewed there."""
    found = []
    for label_set in LabelSet.objects.current(track).filter(video__project=project, video__status="ready",
                                             reviewed=False).defer("margins", "video__frame_pts").order_by("video_id"):
        confidences = label_set.model_confidences()
        if confidences is None:
            continue
        classes, authors = label_set.label_runs.to_frames()
        frames = np.flatnonzero(authors <= 0)
        found.append((label_set, frames, classes[frames], confidences[frames].astype(np.float64)))
    return found


def suggested_audit_size(project: Project, track: Track | None = None, population: list | None = None) -> int:
    """Draws that should give ±HALF_WIDTH on the track, at most AUDIT_SHARE of the project's frames (at least
    20); `population`: _population(project, track), where the caller has it already."""
    population = _population(project, track or project.first_track) if population is None else population
    if not population:
        return 0
    confidences = np.concatenate([part[3] for part in population])
    frames = sum(part[0].frame_count for part in population)
    return audit_size(confidences, frames, HALF_WIDTH, most=max(20, int(AUDIT_SHARE * frames)))


@transaction.atomic
def start_audit(*, project: Project, draws: int | None, user: AbstractBaseUser | None, track: Track | None = None,
                rng: np.random.Generator | None = None) -> Audit:
    """Draw an audit of the track (the first unless named) over the frames nobody labelled there, more where
    the model is unsure (draw_chances); refused while an earlier audit of the track has frames to answer."""
    track = track or project.first_track
    if pending_audit_frames(project, track).exists():
        raise UserFacingError("Answer the open audit frames first; a new audit is drawn once they are done.")
    population = _population(project, track)
    if not population or not sum(len(part[1]) for part in population):
        raise UserFacingError(f"No frame is labelled by a model and unchecked on “{track.name}”: predict the "
                              "videos first.")
    draws = suggested_audit_size(project, track, population) if draws is None else draws
    if not 1 <= draws <= MOST_DRAWS:
        raise UserFacingError(f"An audit draws 1-{MOST_DRAWS} frames.")
    chances = draw_chances(np.concatenate([part[3] for part in population]))
    picked, counts = np.unique((rng or np.random.default_rng()).choice(len(chances), draws, p=chances),
                               return_counts=True)
    offsets = np.cumsum([0] + [len(part[1]) for part in population])
    audit = Audit.objects.create(project=project, track=track, population=len(chances), draws=int(draws),
                                 created_by=user,
                                 video_chances={str(part[0].video_id): [float(chances[a:b].sum()), int(b - a)]
                                                for part, a, b in zip(population, offsets, offsets[1:], strict=False)})
    samples = []
    for at, count in zip(picked.tolist(), counts.tolist(), strict=True):
        index = int(np.searchsorted(offsets, at, side="right") - 1)
        label_set, frames, classes, confidences = population[index]
        row = at - offsets[index]
        samples.append(TrainingSample(project=project, video_id=label_set.video_id, frame=int(frames[row]),
                                      source=AUDIT, audit=audit, chance=float(chances[at]), draws=count,
                                      guess_id=int(classes[row]), confidence=float(confidences[row])))
    TrainingSample.objects.bulk_create(samples)
    return audit


def answer_audit_frame(*, sample: TrainingSample, label_class: LabelClass | None,
                       user: AbstractBaseUser) -> TrainingSample:
    """A person's blind answer: their label of the frame on the audit's track (L-6), never a training example."""
    if sample.source != AUDIT:
        raise UserFacingError("That frame is not an audit frame.")
    if label_class is None:
        raise UserFacingError("An audit frame cannot be skipped: skipping the hard ones would flatter the estimate.")
    if label_class.track_id != sample.audit.track_id:
        raise UserFacingError(f"This audit asks about “{sample.audit.track.name}”: answer with one of its classes.")
    return label_sample(sample=sample, label_class=label_class, user=user)


def renew_audit_guesses(*, label_set: LabelSet, class_ids: np.ndarray, confidences: np.ndarray) -> int:
    """A new prediction's own label and confidence at each audit frame of its video and track, people's answers
    aside."""
    samples = list(TrainingSample.objects.filter(video_id=label_set.video_id, source=AUDIT,
                                                 audit__track_id=label_set.track_id))
    for sample in samples:
        sample.guess_id, sample.confidence = int(class_ids[sample.frame]), float(confidences[sample.frame])
    TrainingSample.objects.bulk_update(samples, ["guess", "confidence"])
    return len(samples)


def refresh_accuracy(project: Project, track: Track | None = None):
    """Work the track's estimate out (the first track's unless named) and keep each video's with its current
    labels there; returns project_accuracy()."""
    track = track or project.first_track
    estimate, videos, states = project_accuracy(project, track)
    for state in states:
        label_set = state.label_set
        kept = {"by_estimate": True} if (label_set.accuracy or {}).get("by_estimate") else {}
        LabelSet.objects.filter(pk=label_set.pk).update(accuracy=videos[label_set.video_id].as_dict() | kept)
    Track.objects.filter(pk=track.pk).update(accuracy=estimate.as_dict())
    return estimate, videos, states


def accuracy_report(project: Project, track: Track | None = None) -> dict:
    """The estimate of the track (the first unless named) over the project and each video, kept with the
    labels, and what the stopping rule says."""
    track = track or project.first_track
    estimate, videos, states = refresh_accuracy(project, track)
    pending = pending_audit_frames(project, track).count()
    rule = stopping_rule(estimate, project.target_accuracy,
                         lambda: list_doubtful_runs(project, limit=10**6, track=track),
                         lambda: pending or suggested_audit_size(project, track))
    names = {state.label_set.video_id: state.label_set.video.name for state in states}
    models = sorted((state.label_set.created_at, state.label_set.source_model_id) for state in states
                    if state.label_set.source_model_id)
    latest = Model.objects.filter(pk=models[-1][1]).values_list("name", flat=True).first() if models else None
    reviewed = {state.label_set.video_id: state.label_set.reviewed for state in states}
    return estimate.as_dict() | {
        "track": track.name, "target": project.target_accuracy, "done": rule.done, "message": rule.message,
        "model": latest, "runs_to_check": rule.runs, "audit_frames_to_answer": rule.audit_frames,
        "audit_frames_open": pending,
        "videos": [{"video": names[pk], "video_id": pk, "reviewed": reviewed[pk]} | video.as_dict()
                   for pk, video in videos.items()]}


@transaction.atomic
def import_audit_answers(*, project: Project, rows: list, user: AbstractBaseUser) -> dict:
    """Rows of `video,frame,class` (imports.check_rows) answering open audit frames of the classes' tracks;
    nothing is written unless every row names one."""
    samples = {(s.video_id, s.frame, s.audit.track_id): s  # the latest audit's, where two drew a frame
               for s in TrainingSample.objects.filter(project=project, source=AUDIT).select_related("audit")}
    keys = [(row.video.pk, row.start, row.label_class.track_id) if row.single else None for row in rows]
    missing = [f"row {row.line}" for row, key in zip(rows, keys, strict=True) if key not in samples]
    if missing:
        raise UserFacingError(f"Nothing was imported: no audit frame of the class's track at "
                              f"{', '.join(missing[:10])} (columns video,frame,class, as `audit --next` lists them).")
    for row, key in zip(rows, keys, strict=True):
        answer_audit_frame(sample=samples[key], label_class=row.label_class, user=user)
    tracks = {key[2] for key in keys}  # track ids: no query per row
    return {"answers": len(rows), "open": sum(pending_audit_frames(project, track).count() for track in tracks)}


@transaction.atomic
def mark_reviewed_by_estimate(*, video, user: AbstractBaseUser, track: Track | None = None) -> LabelSet:
    """Mark a video reviewed on the track (the first unless named) on the strength of its estimate there, once
    the interval's low end reaches the project's target; the estimate stays with its labels (and keeps
    counting as one)."""
    _, videos, states = refresh_accuracy(video.project, track)
    estimate = videos.get(video.pk)
    if estimate is None or estimate.low < video.project.target_accuracy:
        raise UserFacingError(f"{video.name} is not yet at least {100 * video.project.target_accuracy:g} % right "
                              "with 95 % confidence: check its doubtful runs, or audit more frames.")
    label_set = next(state.label_set for state in states if state.label_set.video_id == video.pk)
    label_set = set_reviewed(label_set=label_set, reviewed=True, user=user)
    LabelSet.objects.filter(pk=label_set.pk).update(accuracy=estimate.as_dict() | {"by_estimate": True})
    return label_set
