"""How right a video's labels are, with an honest 95 % confidence interval (issue 31), in plain numpy.

Frames people labelled count as right. For the others, the model's calibrated confidence says how likely
each label is right, and a small audit (frames drawn at random from those nobody labelled, answered
blind) says how far to trust those confidences. Prediction-powered inference (Angelopoulos et al.,
Science 2023) with power tuning (PPI++, Angelopoulos, Duchi & Zrnic 2023): the mean confidence over
every unlabelled frame, corrected by the audit's mean of (right - λ confidence). The correction's
variance gets two pseudo-answers (one right, one wrong, at the audit's mean confidence) before it is
used, as Agresti and Coull do for a proportion: an audit of 20 frames that were all right would
otherwise claim a width of almost nothing, and miss whenever the model is surer than it is right.
"""

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

LEVEL = 0.95


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


def estimate_accuracy(*, people: int, confidences: np.ndarray, audit_right: np.ndarray,
                      audit_confidences: np.ndarray, level: float = LEVEL) -> Estimate:
    """`people` frames labelled by a person; `confidences` (U,) of the model's label on every other frame;
    an audit of n of those U frames drawn uniformly at random: whether each label was right (n,) and the
    model's confidence there (n,)."""
    confidences = np.asarray(confidences, dtype=np.float64)
    right, audited = np.asarray(audit_right, dtype=np.float64), np.asarray(audit_confidences, dtype=np.float64)
    frames = people + len(confidences)
    if not len(confidences):
        return Estimate(1.0, 1.0, 1.0, frames, len(right))
    mean, half_width = _ppi_mean(confidences, right, audited, NormalDist().inv_cdf(0.5 + level / 2))
    share = len(confidences) / frames  # of the frames, those the estimate is about
    low, high = max(mean - half_width, 0.0), min(mean + half_width, 1.0)
    return Estimate(_mixed(share, min(max(mean, 0.0), 1.0)), _mixed(share, low), _mixed(share, high), frames,
                    len(right))


def _mixed(share: float, unlabelled_right: float) -> float:
    """Over every frame: people's frames are right, the rest as estimated."""
    return (1 - share) + share * unlabelled_right


def _ppi_mean(confidences: np.ndarray, right: np.ndarray, audited: np.ndarray, z: float) -> tuple[float, float]:
    """(estimate, half-width) of the mean rightness over the unlabelled frames."""
    n, total = len(right), len(confidences)
    if n == 0:  # nothing checked yet: the confidences alone say nothing about their own calibration
        return float(confidences.mean()), 1.0
    # Two pseudo-answers at the audit's mean confidence keep the variance honest on small, clean audits.
    padded_right = np.append(right, [1.0, 0.0])
    padded_conf = np.append(audited, [audited.mean()] * 2)
    lam = _power_tuning(padded_right, padded_conf, n / total)
    estimate = lam * confidences.mean() + (right - lam * audited).mean()
    variance = lam**2 * confidences.var() / total + (padded_right - lam * padded_conf).var(ddof=1) / (n + 2)
    return float(estimate), float(z * np.sqrt(variance))


def _power_tuning(right: np.ndarray, audited: np.ndarray, ratio: float) -> float:
    """PPI++'s λ for a mean, clipped to [0, 1]: 0 trusts only the audit, 1 the confidences fully."""
    spread = audited.var(ddof=1) * (1 + ratio)
    if spread <= 0:
        return 1.0
    return float(np.clip(np.cov(right, audited)[0, 1] / spread, 0.0, 1.0))
