"""The accuracy estimate's interval covers the truth as often as it claims (issue 31), on synthetic data
whose every frame's rightness is known."""

import numpy as np
import pytest

from learning.accuracy import estimate_accuracy


def draw(rng, *, frames: int, audited: int, people: int = 0, surer_by: float = 0.0):
    """One video: the model's confidences, whether each label is right (the model is `surer_by` more sure
    than it is right), and an audit drawn uniformly from the frames nobody labelled."""
    confidences = rng.beta(30, 1, frames)
    right = rng.random(frames) < np.clip(confidences - surer_by, 0, 1)
    sample = rng.choice(frames, audited, replace=False)
    estimate = estimate_accuracy(people=people, confidences=confidences, audit_right=right[sample],
                                 audit_confidences=confidences[sample])
    return estimate, (people + right.sum()) / (people + frames)


@pytest.mark.parametrize(("frames", "audited", "people", "surer_by"), [
    (5000, 50, 0, 0.0),  # calibrated
    (5000, 50, 0, 0.03),  # surer than right, as a head on few answers is
    (2000, 20, 300, 0.02),  # a short video, a small audit, some frames labelled by people
    (20000, 200, 0, 0.01),  # a project's worth of frames, a 1 % audit
])
def test_the_95_percent_interval_covers_the_true_share_in_at_least_93_of_100_draws(frames, audited, people,
                                                                                   surer_by):
    rng = np.random.default_rng(31)
    covered = 0
    for _ in range(100):
        estimate, truth = draw(rng, frames=frames, audited=audited, people=people, surer_by=surer_by)
        covered += estimate.low <= truth <= estimate.high
        assert estimate.low <= estimate.right <= estimate.high
    assert covered >= 93


def test_frames_people_labelled_count_as_right():
    everything = estimate_accuracy(people=500, confidences=np.array([]), audit_right=np.array([]),
                                   audit_confidences=np.array([]))
    assert (everything.right, everything.low, everything.high, everything.wrong_frames) == (1.0, 1.0, 1.0, 0)
    half = estimate_accuracy(people=100, confidences=np.full(100, 0.9), audit_right=np.array([1.0] * 9 + [0.0]),
                             audit_confidences=np.full(10, 0.9))
    assert half.right == pytest.approx(0.95) and half.frames == 200 and half.wrong_frames == 10
    assert half.low >= 0.5  # at worst every unlabelled frame is wrong


def test_without_an_audit_the_interval_says_nothing_is_known_of_the_model_s_frames():
    estimate = estimate_accuracy(people=0, confidences=np.full(1000, 0.99), audit_right=np.array([]),
                                 audit_confidences=np.array([]))
    assert estimate.right == pytest.approx(0.99) and (estimate.low, estimate.high) == (0.0, 1.0)


def test_a_clean_small_audit_does_not_claim_a_narrow_interval():
    estimate = estimate_accuracy(people=0, confidences=np.full(1000, 0.999), audit_right=np.ones(20),
                                 audit_confidences=np.full(20, 0.999))
    assert estimate.high - estimate.low > 0.05  # 20 right answers cannot rule out a few percent wrong
