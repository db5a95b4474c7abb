import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviews.agreement import cohen_kappa, disagreement, disagreement_runs, fleiss_kappa, kappa, pooled_fleiss_kappa


def test_cohen_kappa_matches_the_textbook_example():
    # 50 items: both "yes" 20, both "no" 15, A yes / B no 5, A no / B yes 10 -> p_o 0.7, p_e 0.5, kappa 0.4.
    a = np.array([1] * 20 + [0] * 15 + [1] * 5 + [0] * 10)
    b = np.array([1] * 20 + [0] * 15 + [0] * 5 + [1] * 10)
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert kappa(np.stack([a, b]))[0] == "Cohen"


def test_fleiss_kappa_matches_the_textbook_example():
    # Fleiss (1971) as reproduced on Wikipedia: 10 items, 14 raters, 5 categories -> kappa 0.210.
    table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
             [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    ratings = np.array([[c for c, n in enumerate(row) for _ in range(n)] for row in table]).T  # (14, 10)
    assert fleiss_kappa(ratings) == pytest.approx(0.210, abs=1e-3)
    assert pooled_fleiss_kappa([ratings[:, :5], ratings[:, 5:]]) == pytest.approx(0.210, abs=1e-3)


@given(st.lists(st.integers(0, 3), min_size=1, max_size=200))
def test_identical_raters_agree_fully(classes):
    ratings = np.array([classes] * 3)
    assert fleiss_kappa(ratings) == pytest.approx(1.0) and cohen_kappa(ratings[0], ratings[1]) == pytest.approx(1.0)
    assert not disagreement(ratings).any()


def test_the_strip_holds_each_stretch_of_disagreeing_frames_exactly():
    mask = np.zeros(10_000, dtype=bool)
    mask[[5, 4_000, 4_001, 9_999]] = True
    assert disagreement_runs(mask) == [(5, 5), (4_000, 4_001), (9_999, 9_999)]
    assert disagreement_runs(np.ones(3, dtype=bool)) == [(0, 2)]
    assert disagreement_runs(np.zeros(3, dtype=bool)) == []
