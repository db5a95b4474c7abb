"""How right a video's labels are, with an honest 95 % confidence interval (issue 31), in plain numpy.

Frames people labelled count as right. For the others, the model's calibrated confidence says how likely
each label is right, and an audit (frames drawn at random from those nobody labelled, answered blind)
says how far to trust those confidences. Prediction-powered inference (Angelopoulos et al., Science
2023) with power tuning (PPI++, Angelopoulos, Duchi & Zrnic 2023), and draws weighted towards the
frames the model is unsure of (active statistical inference, Zrnic & Candès 2024): the sum of the
confidences over the frames nobody labelled, corrected by the audit's Hansen-Hurwitz mean of
(right - λ confidence) / (chance of the draw).

The confidences are first recalibrated on the audit itself (Platt scaling of their logit), cross-fitted:
each draw is scored by a map fitted on the other folds' draws (cross-prediction-powered inference,
Zrnic & Candès, PNAS 2024), so a model that is more often right than it says (a head on few answers
is) still narrows the interval, and no draw judges the map it helped to fit.

The correction's variance is at least what the recalibrated confidences expect of the audit's draws
(Σ c(1 - c) / chance over the open frames): rare mistakes among sure frames are often missed by an audit
of a few hundred frames, and its own spread would then claim a width of almost nothing. The maps are
fitted to Platt's smoothed targets, so an audit with no wrong answer says P(right) = (n + 1)/(n + 2)
(Laplace's rule of succession): a small clean audit cannot rule out a few percent wrong.

An audit drawn before people labelled more frames stays valid: a draw whose frame a person has labelled
since adds nothing to the correction (its frame is no longer the estimate's business).
"""

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

LEVEL = 0.95
UNIFORM_SHARE = 0.5  # of each draw's chance, spread evenly: a confident mistake weighs at most 2x


@dataclass(frozen=True)
class Estimate:
    right: float  # share of frames whose label is right
    low: float  # the confidence interval's bounds, at LEVEL
    high: float
    frames: int
    audited: int

    @property
    def wrong_frames(self) -> int:
        """About how many frames are still wrong."""
        return round((1 - self.right) * self.frames)

    def as_dict(self) -> dict:
        return {"estimate": round(self.right, 5), "low": round(self.low, 5), "high": round(self.high, 5),
                "frames": self.frames, "audited": self.audited, "wrong_frames": self.wrong_frames}


@dataclass(frozen=True)
class AuditDraws:
    """One audit's answered draws, made over `population` frames nobody had labelled then."""

    right: np.ndarray  # (n,) 1 where the model's label was the person's answer
    confidences: np.ndarray  # (n,) the model's confidence in its label there
    chances: np.ndarray  # (n,) the chance one draw picked that frame (summing to 1 over the population)
    still_open: np.ndarray  # (n,) False where another person's label covers the frame since
    population: int
    folds: np.ndarray | None = None  # (n,) which of Calibration's maps scores each draw; None: in turn
    frames: int | None = None  # distinct frames answered (a frame drawn twice is two draws); None: n

    def fold_of_each(self) -> np.ndarray:
        return np.arange(len(self.right)) % FOLDS if self.folds is None else np.asarray(self.folds)


@dataclass(frozen=True)
class Calibration:
    """One Platt map per fold, each fitted on the other folds' draws: P(right) = σ(a · logit(c) + b)."""

    maps: list[tuple[float, float]]  # slope, intercept

    def __call__(self, fold: int, confidences: np.ndarray) -> np.ndarray:
        slope, intercept = self.maps[fold]
        return 1 / (1 + np.exp(-(slope * _logit(confidences) + intercept)))


FOLDS = 5


def calibrate(right: np.ndarray, confidences: np.ndarray, folds: np.ndarray) -> Calibration:
    """Cross-fitted maps from every answered draw (right (n,), confidence (n,), fold (n,) in 0..FOLDS-1)."""
    from sklearn.linear_model import LogisticRegression

    maps = []
    for fold in range(FOLDS):
        others = folds != fold
        if not others.any():  # every draw so far is in this fold (one answer): its map is fitted on them all
            others = np.ones_like(others)
        answers, logits = right[others] > 0.5, _logit(confidences[others])
        rights = answers.sum()
        # Platt's targets: (N+ + 1)/(N+ + 2) for a right answer, 1/(N- + 2) for a wrong one, so an audit
        # with no wrong answer fits P(right) = (n + 1)/(n + 2) everywhere (Laplace's rule of succession).
        targets = np.where(answers, (rights + 1) / (rights + 2), 1 / (len(answers) - rights + 2))
        fitted = LogisticRegression(C=10.0).fit(np.r_[logits, logits][:, None], np.r_[np.ones(len(logits)),
                                                np.zeros(len(logits))], sample_weight=np.r_[targets, 1 - targets])
        maps.append((float(fitted.coef_[0, 0]), float(fitted.intercept_[0])))
    return Calibration(maps)


def calibrate_audits(audits: list[AuditDraws]) -> Calibration:
    return calibrate(np.concatenate([audit.right for audit in audits]),
                     np.concatenate([audit.confidences for audit in audits]),
                     np.concatenate([audit.fold_of_each() for audit in audits]))


def _logit(confidences: np.ndarray) -> np.ndarray:
    clipped = np.clip(np.asarray(confidences, dtype=np.float64), 1e-4, 1 - 1e-4)
    return np.log(clipped / (1 - clipped))


def draw_chances(confidences: np.ndarray) -> np.ndarray:
    """Each frame's chance per draw: half even, half where a calibrated label is least sure of being
    right (√(c(1 - c)), the spread of right-or-wrong), which narrows the interval most."""
    confidences = np.asarray(confidences, dtype=np.float64).clip(0, 1)
    spread = np.sqrt(confidences * (1 - confidences))
    even = np.full(len(confidences), 1 / max(len(confidences), 1))
    if spread.sum() <= 0:
        return even
    return UNIFORM_SHARE * even + (1 - UNIFORM_SHARE) * spread / spread.sum()


def estimate_accuracy(*, people: int, confidences: np.ndarray, audits: list[AuditDraws],
                      calibration: Calibration | None = None, level: float = LEVEL) -> Estimate:
    """`people` frames labelled by a person; `confidences` of the model's label on every other frame (audited
    frames included, as if unanswered); the audits that drew from those frames. Each draw is scored by its
    fold's map of `calibration` (by default fitted on these audits; a video's estimate passes the project's)."""
    confidences = np.asarray(confidences, dtype=np.float64).clip(0, 1)
    frames, open_frames = people + len(confidences), len(confidences)
    audits = [audit for audit in audits if len(audit.right)]
    audited = sum(len(audit.right) if audit.frames is None else audit.frames for audit in audits)
    if not open_frames:
        return Estimate(1.0, 1.0, 1.0, frames, audited)
    guess = float(confidences.sum())
    if not audits:  # nothing checked: the confidences alone say nothing about their own calibration
        return _bounded(people, guess, open_frames, frames, audited, 0.0, open_frames)
    calibration = calibration or calibrate_audits(audits)
    draws = sum(len(audit.right) for audit in audits)
    weights = np.array([len(audit.right) for audit in audits], dtype=np.float64) / draws
    parts = [_ppi_total(confidences, audit, calibration) for audit in audits]
    total = float(sum(w * mean for w, (mean, _) in zip(weights, parts, strict=True)))
    spread = float(np.sqrt(sum(w**2 * variance for w, (_, variance) in zip(weights, parts, strict=True))))
    half_width = NormalDist().inv_cdf(0.5 + level / 2) * spread
    return _bounded(people, total, open_frames, frames, audited, total - half_width, total + half_width)


def _bounded(people: int, right: float, open_frames: int, frames: int, audited: int, low: float,
             high: float) -> Estimate:
    """Right frames and their interval as shares of every frame, within what people's frames allow."""
    def share(value: float) -> float:
        return (people + min(max(value, 0.0), open_frames)) / frames

    return Estimate(share(right), share(min(low, right)), share(max(high, right)), frames, audited)


def _ppi_total(confidences: np.ndarray, audit: AuditDraws, calibration: Calibration) -> tuple[float, float]:
    """(estimate, variance) of how many of the open frames are right, from one audit."""
    right, folds = np.asarray(audit.right, dtype=np.float64), audit.fold_of_each()
    # Each draw, and the frames' sum, through the draw's own fold's map.
    by_fold = [calibration(fold, confidences) for fold in range(FOLDS)]
    audited = np.array([calibration(f, np.array([c]))[0] for f, c in zip(folds, audit.confidences, strict=True)])
    known, sure = np.array([fold.sum() for fold in by_fold])[folds], np.mean(by_fold, axis=0)
    weight = np.asarray(audit.still_open, dtype=np.float64) / np.asarray(audit.chances, dtype=np.float64)
    answered_part, model_part = right * weight, audited * weight - known  # estimate = mean(a - λ b)
    lam = _power_tuning(answered_part, model_part)
    spread = float((answered_part - lam * model_part).var(ddof=1)) if len(right) > 1 else 0.0
    # The spread the (recalibrated) confidences expect of this audit's draws: an audit that happened to miss
    # the few wrong frames of the sure majority does not make the interval narrower than that.
    chances = draw_chances(confidences) * len(confidences) / audit.population
    expected = float((sure * (1 - sure) / chances).sum())
    return float((answered_part - lam * model_part).mean()), max(spread, expected) / len(right)


def _power_tuning(answered: np.ndarray, model: np.ndarray) -> float:
    """PPI++'s λ, clipped to [0, 1]: 0 trusts only the audit, 1 the confidences fully (also where one draw
    cannot tell)."""
    spread = model.var(ddof=1) if len(model) > 1 else 0.0
    if spread <= 0:
        return 1.0
    return float(np.clip(np.cov(answered, model)[0, 1] / spread, 0.0, 1.0))


def audit_size(confidences: np.ndarray, frames: int, half_width: float, most: int, least: int = 20) -> int:
    """Draws that should give about `half_width` (a share of `frames`) if the confidences are calibrated."""
    confidences = np.asarray(confidences, dtype=np.float64).clip(0, 1)
    if not len(confidences):
        return 0
    chances = draw_chances(confidences)
    per_draw = float((confidences * (1 - confidences) / chances).sum())  # the correction's variance, calibrated
    target = (half_width * frames / NormalDist().inv_cdf(0.5 + LEVEL / 2)) ** 2
    for n in range(least, most + 1, 10):
        if per_draw / n <= target:
            return n
    return max(least, most)
