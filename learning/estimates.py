"""How right a project's labels are (issue 31): each video's frames as the accuracy estimate sees them, the
audits' answered draws, and the stopping rule.

A frame a person labelled counts as right, except an audit answer: the audit is the test, so its frame
stays one the estimate is about (the model's label there against the person's answer) until another
person's label covers it. A reviewed video is all people's, unless it was marked reviewed on the
strength of its estimate, which then stays an estimate.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from labelling.models import LabelSet
from learning.accuracy import FOLDS, AuditDraws, Calibration, Estimate, calibrate_audits, estimate_accuracy
from learning.models import TrainingSample
from projects.models import Project, Track


@dataclass
class VideoFrames:
    """One video's current labels as the estimate sees them."""

    label_set: LabelSet
    people: int  # frames people labelled, open audit answers aside
    confidences: np.ndarray  # the model's confidence in its label on every other frame
    draws: dict = field(default_factory=dict)  # audit id -> [(right, confidence, chance, open, fold, sample id)]

    @property
    def frames(self) -> int:
        return self.people + len(self.confidences)


def answered_audit_samples(project: Project, track: Track):
    return TrainingSample.objects.filter(project=project, source=TrainingSample.Source.AUDIT, label__isnull=False,
                                         audit__track=track)


def video_frames(label_set: LabelSet, answered: list[TrainingSample]) -> VideoFrames | None:
    """None where no model labelled the video and no person reviewed it: nothing to estimate from."""
    classes, authors = label_set.label_runs.to_frames()
    whole = label_set.reviewed and not (label_set.accuracy or {}).get("by_estimate")
    if whole:
        return VideoFrames(label_set, len(classes), np.zeros(0))
    confidences = label_set.model_confidences()
    if confidences is None:
        return None
    frames = np.asarray([sample.frame for sample in answered], dtype=np.int64)
    still_open = ~_covered_by_others(label_set, frames)
    counted = authors > 0
    counted[frames[still_open]] = False
    state = VideoFrames(label_set, int(counted.sum()), confidences[~counted].astype(np.float64))
    for sample, is_open in zip(answered, still_open.tolist(), strict=True):
        right = float(sample.guess_id == classes[sample.frame])
        state.draws.setdefault(sample.audit_id, []).extend(  # folds by id: the same whoever answers when
            [(right, sample.confidence, sample.chance, is_open, sample.pk % FOLDS, sample.pk)] * sample.draws)
    return state


def _covered_by_others(label_set: LabelSet, audited: np.ndarray) -> np.ndarray:
    """(A,) whether a person's labels other than the audit answers cover each audited frame, or would have:
    a reviewer who checks the runs on both sides of an audit frame (the queue shows them split there)
    has checked its stretch of the video."""
    if not len(audited):
        return np.zeros(0, dtype=bool)
    own = set(audited.tolist())
    edges = np.zeros(label_set.frame_count + 1, dtype=np.int64)
    for start, end in label_set.edits.filter(undone=False).values_list("start", "end"):
        if not (start == end and start in own):
            edges[start] += 1
            edges[end + 1] -= 1
    covered = np.append(np.cumsum(edges)[:-1] > 0, True)  # past the last frame counts as covered
    before = np.where(audited > 0, covered[audited - 1], True)
    return covered[audited] | (before & covered[audited + 1])


def _audit_draws(states: list[VideoFrames], audits: dict, per_video: bool) -> list[AuditDraws]:
    found = []
    for audit_id, audit in audits.items():
        rows = [row for state in states for row in state.draws.get(audit_id, [])]
        if not rows:
            continue
        right, confidences, chances, still_open, folds, ids = (np.asarray(c) for c in zip(*rows, strict=True))
        population = audit.population
        if per_video:  # the draws that fell in this video, as a draw within it
            share, population = audit.video_chances.get(str(states[0].label_set.video_id), [1.0, population])
            chances = chances / share
        found.append(AuditDraws(right, confidences, chances, still_open.astype(bool), population, folds,
                                len(np.unique(ids))))
    return found


def estimate_of(states: list[VideoFrames], audits: dict, calibration: Calibration | None,
                per_video: bool = False) -> Estimate:
    """The project's estimate from its states, or one video's (its draws as draws within it)."""
    return estimate_accuracy(people=sum(state.people for state in states),
                             confidences=np.concatenate([state.confidences for state in states] or [np.zeros(0)]),
                             audits=_audit_draws(states, audits, per_video=per_video), calibration=calibration)


def project_states(project: Project, track: Track) -> list[VideoFrames]:
    """Every ready video's current labels on the track that can be estimated, by video name."""
    answered: dict[int, list] = {}
    for sample in answered_audit_samples(project, track).order_by("video_id", "frame"):
        answered.setdefault(sample.video_id, []).append(sample)
    label_sets = LabelSet.objects.current(track).filter(video__project=project, video__status="ready").defer(
        "margins", "video__frame_pts").select_related("video").order_by("video__name", "video_id")
    states = (video_frames(label_set, answered.get(label_set.video_id, [])) for label_set in label_sets)
    return [state for state in states if state is not None]


def project_accuracy(project: Project, track: Track) -> tuple[Estimate, dict[int, Estimate], list[VideoFrames]]:
    """(the track's estimate over the project, each video's by video id, the states they came from)."""
    states, audits = project_states(project, track), {audit.pk: audit for audit in track.audits.all()}
    draws = _audit_draws(states, audits, per_video=False)
    calibration = calibrate_audits(draws) if draws else None  # a video's few draws borrow the project's map
    videos = {state.label_set.video_id: estimate_of([state], audits, calibration, per_video=True) for state in states}
    return estimate_of(states, audits, calibration), videos, states


@dataclass(frozen=True)
class StoppingRule:
    done: bool
    runs: int  # doubtful runs it expects still need a look
    audit_frames: int  # audit frames it expects still need an answer
    message: str


def stopping_rule(estimate: Estimate, target: float, doubtful: Callable[[], list[dict]],
                  suggested_audit: Callable[[], int]) -> StoppingRule:
    """Done once the interval's low end reaches the target; else how many of the most doubtful runs (their
    doubt times their length, scaled to the estimated wrong frames) and audit frames it expects it takes.
    The runs and the audit's size are read only when the rule needs them."""
    goal = f"at least {100 * target:g} % right with 95 % confidence"
    if estimate.low >= target:
        return StoppingRule(True, 0, 0, f"Done: {goal}.")
    if not estimate.audited:
        size = suggested_audit()
        return StoppingRule(False, 0, size, f"Answer the audit ({size} frames) first: until then nothing says "
                                            "how far to trust the model.")
    half, frames = estimate.right - estimate.low, estimate.frames  # the side that must clear the target
    room = 1 - target - half  # the share of frames that may still be wrong once the interval fits
    more_audit = 0
    if room <= 0.2 * (1 - target):  # too wide to pass even with few frames wrong: the audit must grow
        more_audit = _audit_to_narrow(estimate.audited, half, 0.8 * (1 - target))
        room = 0.2 * (1 - target)
    runs = _runs_to_fix(doubtful(), (1 - estimate.right) * frames, room * frames)
    if not runs and not more_audit:  # few frames wrong, but the interval still reaches below the target
        more_audit = _audit_to_narrow(estimate.audited, half, max(estimate.right - target, 0.2 * (1 - target)))
    more_audit = min(more_audit, frames - estimate.audited)  # a short video may need every frame checked
    parts = [f"{runs} more doubtful run{'s' if runs != 1 else ''}" if runs else "",
             f"{more_audit} more audit frames" if more_audit else ""]
    expected = " and ".join(part for part in parts if part) or "every remaining run checked"
    return StoppingRule(False, runs, more_audit, f"Not yet {goal}: about {expected} expected.")


def _audit_to_narrow(audited: int, half: float, wanted: float) -> int:
    """More audit frames for a half-width of `wanted` (a half-width shrinks as 1/√n, or faster)."""
    return max(int(np.ceil(audited * ((half / wanted) ** 2 - 1))), 1)


def _runs_to_fix(doubtful: list[dict], wrong: float, allowed: float) -> int:
    """Of the runs, most doubtful first, how many to check until the wrong frames they are expected to hold
    bring the estimate's wrong frames down to `allowed`."""
    expected = np.array([run["doubt"] * (run["end"] - run["start"] + 1) for run in doubtful])
    if wrong <= allowed or not len(expected) or expected.sum() <= 0:
        return 0
    fixed = np.cumsum(expected) * min(wrong / expected.sum(), 1.0)
    return int(min(np.searchsorted(fixed, wrong - allowed) + 1, len(expected)))
