import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from prediction.ml.smoothing import decode_shots, fill_from_nearest, hold_previous, smooth_labels


def test_fill_takes_the_nearest_prediction_earlier_on_ties():
    filled = fill_from_nearest(np.array([0, 4, 8]), np.array([10, 20, 30]), 11)
    assert filled.tolist() == [10, 10, 10, 20, 20, 20, 20, 30, 30, 30, 30]


def test_smoothing_drops_changes_shorter_than_the_minimum():
    labels = np.array([1, 1, 1, 2, 1, 1, 3, 3, 3, 3, 2, 2])
    assert smooth_labels(labels, 3).tolist() == [1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 3]
    assert smooth_labels(labels, 1).tolist() == labels.tolist()


@given(st.lists(st.integers(0, 3), min_size=1, max_size=60), st.integers(1, 6))
def test_after_smoothing_every_change_but_the_first_lasts_long_enough(values, min_run):
    smoothed = smooth_labels(np.array(values), min_run)
    bounds = np.concatenate([[0], np.flatnonzero(np.diff(smoothed)) + 1, [len(smoothed)]])
    assert all(end - start >= min_run for start, end in zip(bounds[1:-1], bounds[2:], strict=True))
    assert smoothed[0] == values[0]


def test_decoding_shots_lets_doubtful_frames_follow_their_shot_and_confident_changes_through():
    doubtful = [[0.9, 0.1]] * 10 + [[0.4, 0.6]] * 3 + [[0.9, 0.1]] * 10  # three frames lean the other way
    assert decode_shots(np.array(doubtful), 0.01).tolist() == [0] * 23
    cut = [[0.95, 0.05]] * 10 + [[0.05, 0.95]] * 10  # the picture changed
    assert decode_shots(np.array(cut), 0.01).tolist() == [0] * 10 + [1] * 10


def test_people_frames_are_fixed_points_that_pull_their_doubtful_neighbours():
    probabilities = np.array([[0.9, 0.1]] * 5 + [[0.45, 0.55]] * 5)
    fixed = np.full(10, -1)
    fixed[9] = 0  # a person said the last frame is class 0
    assert decode_shots(probabilities, 0.01).tolist() == [0] * 10  # a change is not worth 5 doubtful frames
    fixed[[0, 9]] = [1, 0]
    assert decode_shots(probabilities, 0.01, fixed)[[0, 9]].tolist() == [1, 0]


def test_a_previous_label_changes_only_where_the_new_model_is_clearly_surer_of_another_class():
    probabilities = np.array([[0.45, 0.55], [0.05, 0.95], [0.45, 0.55], [0.3, 0.7]])
    previous = np.array([0, 0, -1, 1])  # frame 2 had no model label
    held = hold_previous(probabilities, previous, 0.2)
    assert held.argmax(axis=1).tolist() == [0, 1, 1, 1]
    assert np.allclose(held.sum(axis=1), 1) and np.array_equal(held[2], probabilities[2])
    assert hold_previous(probabilities, previous, 0.0) is probabilities


probability_rows = st.integers(2, 3).flatmap(lambda k: st.lists(
    st.lists(st.floats(0.01, 1.0), min_size=k, max_size=k), min_size=1, max_size=6))


@given(probability_rows, st.sampled_from([0.001, 0.05, 0.3]), st.data())
def test_decoding_finds_the_most_probable_sequence_through_the_fixed_frames(rows, switch, data):
    probabilities = np.array(rows) / np.array(rows).sum(axis=1, keepdims=True)
    frames, classes = probabilities.shape
    fixed = np.array(data.draw(st.lists(st.integers(-1, classes - 1), min_size=frames, max_size=frames)))

    def log_probability(path):
        stay = np.log(1 - switch) * sum(a == b for a, b in zip(path, path[1:], strict=False))
        moves = np.log(switch / (classes - 1)) * sum(a != b for a, b in zip(path, path[1:], strict=False))
        return np.log(np.clip(probabilities[np.arange(frames), path], 1e-6, 1)).sum() + stay + moves

    allowed = [p for p in itertools.product(range(classes), repeat=frames)
               if all(f < 0 or f == c for f, c in zip(fixed, p, strict=True))]
    decoded = decode_shots(probabilities, switch, fixed)
    assert all(f < 0 or f == c for f, c in zip(fixed, decoded, strict=True))
    assert log_probability(decoded) >= max(log_probability(p) for p in allowed) - 1e-6
