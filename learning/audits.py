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
from projects.models import LabelClass, Project

AUDIT = TrainingSample.Source.AUDIT
MOST_DRAWS = 10_000
AUDIT_SHARE = 0.01  # of a project's frames, the most the suggested audit asks about
HALF_WIDTH = 0.005  # what the suggested audit aims for, if the model's confidences are calibrated


def pending_audit_frames(project: Project):
    return TrainingSample.objects.filter(project=project, source=AUDIT, label__isnull=True).select_related("video")


def _population(project: Project) -> list[tuple[LabelSet, np.ndarray, np.ndarray, np.ndarray]]:
    """(labels, open frames, the model's class and confidence there) of each unreviewed video a model labelled."""
    found = []
    for label_set in LabelSet.objects.current().filter(video__project=project, video__status="ready",
                                             reviewed=False).defer("margins", "video__frame_pts").order_by("video_id"):
        confidences = label_set.model_confidences()
        if confidences is None:
            continue
        classes, authors = label_set.label_runs.to_frames()
        frames = np.flatnonzero(authors <= 0)
        found.append((label_set, frames, classes[frames], confidences[frames].astype(np.float64)))
    return found


def suggested_audit_size(project: Project, population: list | None = None) -> int:
    """Draws that should give ±HALF_WIDTH, at most AUDIT_SHARE of the project's frames (at least 20);
    `population`: _population(project), where the caller has it already."""
    population = _population(project) if population is None else population
    if not population:
        return 0
    confidences = np.concatenate([part[3] for part in population])
    frames = sum(part[0].frame_count for part in population)
    return audit_size(confidences, frames, HALF_WIDTH, most=max(20, int(AUDIT_SHARE * frames)))


@transaction.atomic
def start_audit(*, project: Project, draws: int | None, user: AbstractBaseUser | None,
                rng: np.random.Generator | None = None) -> Audit:
    """Draw an audit over the frames nobody labelled, more where the model is unsure (draw_chances);
    refused while an earlier audit has frames to answer."""
    if pending_audit_frames(project).exists():
        raise UserFacingError("Answer the open audit frames first; a new audit is drawn once they are done.")
    population = _population(project)
    if not population or not sum(len(part[1]) for part in population):
        raise UserFacingError("No frame is labelled by a model and unchecked: predict the videos first.")
    draws = suggested_audit_size(project, population) if draws is None else draws
    if not 1 <= draws <= MOST_DRAWS:
        raise UserFacingError(f"An audit draws 1-{MOST_DRAWS} frames.")
    chances = draw_chances(np.concatenate([part[3] for part in population]))
    picked, counts = np.unique((rng or np.random.default_rng()).choice(len(chances), draws, p=chances),
                               return_counts=True)
    offsets = np.cumsum([0] + [len(part[1]) for part in population])
    audit = Audit.objects.create(project=project, population=len(chances), draws=int(draws), created_by=user,
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
    """A person's blind answer: their label of the frame (L-6), never a training example."""
    if sample.source != AUDIT:
        raise UserFacingError("That frame is not an audit frame.")
    if label_class is None:
        raise UserFacingError("An audit frame cannot be skipped: skipping the hard ones would flatter the estimate.")
    return label_sample(sample=sample, label_class=label_class, user=user)


def renew_audit_guesses(*, label_set: LabelSet, class_ids: np.ndarray, confidences: np.ndarray) -> int:
    """A new prediction's own label and confidence at each audit frame of its video, people's answers aside."""
    samples = list(TrainingSample.objects.filter(video_id=label_set.video_id, source=AUDIT))
    for sample in samples:
        sample.guess_id, sample.confidence = int(class_ids[sample.frame]), float(confidences[sample.frame])
    TrainingSample.objects.bulk_update(samples, ["guess", "confidence"])
    return len(samples)


def refresh_accuracy(project: Project):
    """Work the estimate out and keep each video's with its current labels; returns project_accuracy()."""
    estimate, videos, states = project_accuracy(project)
    for state in states:
        label_set = state.label_set
        kept = {"by_estimate": True} if (label_set.accuracy or {}).get("by_estimate") else {}
        LabelSet.objects.filter(pk=label_set.pk).update(accuracy=videos[label_set.video_id].as_dict() | kept)
    Project.objects.filter(pk=project.pk).update(accuracy=estimate.as_dict())
    return estimate, videos, states


def accuracy_report(project: Project) -> dict:
    """The estimate for the project and each video, kept with the labels, and what the stopping rule says."""
    estimate, videos, states = refresh_accuracy(project)
    pending = pending_audit_frames(project).count()
    rule = stopping_rule(estimate, project.target_accuracy, lambda: list_doubtful_runs(project, limit=10**6),
                         lambda: pending or suggested_audit_size(project))
    names = {state.label_set.video_id: state.label_set.video.name for state in states}
    models = sorted((state.label_set.created_at, state.label_set.source_model_id) for state in states
                    if state.label_set.source_model_id)
    latest = Model.objects.filter(pk=models[-1][1]).values_list("name", flat=True).first() if models else None
    reviewed = {state.label_set.video_id: state.label_set.reviewed for state in states}
    return estimate.as_dict() | {
        "target": project.target_accuracy, "done": rule.done, "message": rule.message, "model": latest,
        "runs_to_check": rule.runs, "audit_frames_to_answer": rule.audit_frames, "audit_frames_open": pending,
        "videos": [{"video": names[pk], "video_id": pk, "reviewed": reviewed[pk]} | video.as_dict()
                   for pk, video in videos.items()]}


@transaction.atomic
def import_audit_answers(*, project: Project, rows: list, user: AbstractBaseUser) -> dict:
    """Rows of `video,frame,class` (imports.check_rows) answering audit frames; nothing is written unless
    every row names one."""
    samples = {(s.video_id, s.frame): s for s in TrainingSample.objects.filter(project=project, source=AUDIT)}
    missing = [f"row {row.line}" for row in rows if not row.single or (row.video.pk, row.start) not in samples]
    if missing:
        raise UserFacingError(f"Nothing was imported: no audit frame at {', '.join(missing[:10])} (columns "
                              "video,frame,class, as `audit --next` lists them).")
    for row in rows:
        answer_audit_frame(sample=samples[(row.video.pk, row.start)], label_class=row.label_class, user=user)
    return {"answers": len(rows), "open": pending_audit_frames(project).count()}


@transaction.atomic
def mark_reviewed_by_estimate(*, video, user: AbstractBaseUser) -> LabelSet:
    """Mark a video reviewed on the strength of its estimate, once the interval's low end reaches the
    project's target; the estimate stays with its labels (and keeps counting as one)."""
    _, videos, states = refresh_accuracy(video.project)
    estimate = videos.get(video.pk)
    if estimate is None or estimate.low < video.project.target_accuracy:
        raise UserFacingError(f"{video.name} is not yet at least {100 * video.project.target_accuracy:g} % right "
                              "with 95 % confidence: check its doubtful runs, or audit more frames.")
    label_set = next(state.label_set for state in states if state.label_set.video_id == video.pk)
    label_set = set_reviewed(label_set=label_set, reviewed=True, user=user)
    LabelSet.objects.filter(pk=label_set.pk).update(accuracy=estimate.as_dict() | {"by_estimate": True})
    return label_set
