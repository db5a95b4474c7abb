"""The accuracy estimate's interval covers the truth as often as it claims (issue 31), on synthetic data
whose every frame's rightness is known."""

import numpy as np
import pytest

from learning.accuracy import AuditDraws, audit_size, calibrate_audits, draw_chances, estimate_accuracy


def audit_of(rng, confidences, right, n, *, active=True):
    chances = draw_chances(confidences) if active else np.full(len(confidences), 1 / len(confidences))
    picked = rng.choice(len(confidences), n, p=chances)
    return AuditDraws(right[picked].astype(float), confidences[picked], chances[picked], np.ones(n, bool),
                      len(confidences))


def draw(rng, *, frames: int, audited: int, people: int = 0, surer_by: float = 0.0, active: bool = True):
    """One video: the model's confidences, whether each label is right (the model is `surer_by` more sure
    than it is right), and an audit drawn from the frames nobody labelled."""
    confidences = rng.beta(30, 1, frames)
    right = rng.random(frames) < np.clip(confidences - surer_by, 0, 1)
    estimate = estimate_accuracy(people=people, confidences=confidences,
                                 audits=[audit_of(rng, confidences, right, audited, active=active)])
    return estimate, (people + right.sum()) / (people + frames)


@pytest.mark.parametrize(("frames", "audited", "people", "surer_by", "active"), [
    (5000, 50, 0, 0.0, True),  # calibrated
    (5000, 50, 0, 0.03, True),  # surer than right, as a head on few answers is
    (2000, 20, 300, 0.02, True),  # a short video, a small audit, some frames labelled by people
    (20000, 200, 0, 0.01, True),  # a project's worth of frames, a 1 % audit
    (5000, 50, 0, 0.03, False),  # drawn evenly
])
def test_the_95_percent_interval_covers_the_true_share_in_at_least_93_of_100_draws(frames, audited, people,
                                                                                   surer_by, active):
    rng = np.random.default_rng(31)
    covered = 0
    for _ in range(100):
        estimate, truth = draw(rng, frames=frames, audited=audited, people=people, surer_by=surer_by, active=active)
        covered += estimate.low <= truth <= estimate.high
        assert estimate.low <= estimate.right <= estimate.high
    assert covered >= 93


def test_draws_whose_frames_people_labelled_since_keep_the_estimate_of_the_rest_honest():
    """People fix the least sure frames after the audit; the draws there stop counting, not the audit."""
    rng = np.random.default_rng(7)
    covered = 0
    for _ in range(100):
        confidences = rng.beta(30, 1, 5000)
        right = rng.random(5000) < confidences
        audit = audit_of(rng, confidences, right, 100)
        fixed = np.argsort(confidences)[:500]  # reviewed since: people's labels, right
        open_frames = np.setdiff1d(np.arange(5000), fixed)
        picked = np.searchsorted(np.sort(confidences), audit.confidences)  # frames by their confidence rank
        still_open = picked >= 500
        audit = AuditDraws(audit.right, audit.confidences, audit.chances, still_open, 5000)
        estimate = estimate_accuracy(people=500, confidences=confidences[open_frames], audits=[audit])
        covered += estimate.low <= (500 + right[open_frames].sum()) / 5000 <= estimate.high
    assert covered >= 93


def test_frames_people_labelled_count_as_right():
    everything = estimate_accuracy(people=500, confidences=np.array([]), audits=[])
    assert (everything.right, everything.low, everything.high, everything.wrong_frames) == (1.0, 1.0, 1.0, 0)
    audit = AuditDraws(np.array([1.0] * 9 + [0.0]), np.full(10, 0.9), np.full(10, 0.01), np.ones(10, bool), 100)
    half = estimate_accuracy(people=100, confidences=np.full(100, 0.9), audits=[audit])
    assert half.right == pytest.approx(0.95) and half.frames == 200 and half.wrong_frames == 10
    assert half.low >= 0.5  # at worst every unlabelled frame is wrong


def test_without_an_audit_the_interval_says_nothing_is_known_of_the_model_s_frames():
    estimate = estimate_accuracy(people=0, confidences=np.full(1000, 0.99), audits=[])
    assert estimate.right == pytest.approx(0.99) and (estimate.low, estimate.high) == (0.0, 1.0)


def test_a_clean_small_audit_does_not_claim_a_narrow_interval():
    audit = AuditDraws(np.ones(20), np.full(20, 0.999), np.full(20, 0.001), np.ones(20, bool), 1000)
    estimate = estimate_accuracy(people=0, confidences=np.full(1000, 0.999), audits=[audit])
    assert estimate.high - estimate.low > 0.05  # 20 right answers cannot rule out a few percent wrong


def test_the_first_answer_of_an_audit_gives_an_estimate_though_its_fold_holds_every_draw():
    audit = AuditDraws(np.ones(1), np.full(1, 0.9), np.full(1, 0.01), np.ones(1, bool), 100, folds=np.full(1, 3))
    estimate = estimate_accuracy(people=0, confidences=np.full(100, 0.9), audits=[audit],
                                 calibration=calibrate_audits([audit]))
    assert 0 <= estimate.low <= estimate.right <= estimate.high <= 1 and estimate.audited == 1


def test_the_suggested_audit_grows_with_doubt_and_stays_within_its_bounds():
    rng = np.random.default_rng(3)
    sure, unsure = rng.beta(200, 1, 20000), rng.beta(8, 1, 20000)
    assert 20 <= audit_size(sure, 20000, 0.005, 200) <= audit_size(unsure, 20000, 0.005, 200) <= 200
    assert audit_size(np.array([]), 0, 0.005, 200) == 0
