import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from prediction.ml.smoothing import fill_from_nearest, smooth_labels


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
