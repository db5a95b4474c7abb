import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from labelling.runs import LabelRuns, floats_from_bytes, floats_to_bytes

edits = st.lists(
    st.tuples(st.integers(0, 49), st.integers(0, 49), st.integers(1, 3), st.integers(-2, 2)), max_size=12
)


@given(edits=edits)
def test_painting_runs_matches_painting_frames(edits):
    runs = LabelRuns.filled(50, class_id=1)
    classes, authors = np.ones(50, dtype=np.int64), np.zeros(50, dtype=np.int64)
    for a, b, class_id, author in edits:
        start, end = min(a, b), max(a, b)
        runs = runs.paint(start, end, class_id, author)
        classes[start : end + 1], authors[start : end + 1] = class_id, author
    got_classes, got_authors = runs.to_frames()
    assert np.array_equal(got_classes, classes) and np.array_equal(got_authors, authors)
    assert runs.starts[0] == 0 and np.all(np.diff(runs.starts) > 0)
    assert len(runs) == len(LabelRuns.from_frames(classes, authors))  # always fully merged


@given(edits=edits, a=st.integers(0, 49), b=st.integers(0, 49))
def test_a_window_put_back_changes_nothing(edits, a, b):
    runs = LabelRuns.filled(50, class_id=1)
    for x, y, class_id, author in edits:
        runs = runs.paint(min(x, y), max(x, y), class_id, author)
    start, end = min(a, b), max(a, b)
    again = runs.paint(start, end, 9, 9).assign(start, end, runs.window(start, end))
    assert np.array_equal(again.starts, runs.starts) and np.array_equal(again.class_ids, runs.class_ids)


def test_a_million_frames_stay_small_and_round_trip():
    runs = LabelRuns.filled(1_080_000, class_id=7)
    for start in range(0, 1_080_000, 400):
        runs = runs.paint(start, start + 99, 8, 3) if start % 800 == 0 else runs
    blob = runs.to_bytes()
    again = LabelRuns.from_bytes(blob)
    assert np.array_equal(again.starts, runs.starts) and again.frame_count == 1_080_000
    assert len(blob) < 100_000
    assert again.at(0) == (8, 3) and again.at(100) == (7, 0)


def test_replace_class_merges_what_becomes_equal():
    runs = LabelRuns.filled(10, 1).paint(3, 5, 2, 0)
    assert len(runs) == 3 and len(runs.replace_class(2, 1)) == 1


def test_confidences_round_trip():
    values = np.linspace(0, 1, 101).astype(np.float16)
    assert np.array_equal(floats_from_bytes(floats_to_bytes(values)), values)


@given(current=edits, predicted=st.lists(st.integers(1, 3), min_size=50, max_size=50))
def test_keeping_people_leaves_every_person_frame_as_it_was(current, predicted):
    runs = LabelRuns.filled(50, class_id=1)
    for a, b, class_id, author in current:
        runs = runs.paint(min(a, b), max(a, b), class_id, author)
    kept = runs.keeping_people(np.asarray(predicted), author=-7)
    old_classes, old_authors = runs.to_frames()
    new_classes, new_authors = kept.to_frames()
    people = old_authors > 0
    assert np.array_equal(new_classes[people], old_classes[people])
    assert np.array_equal(new_authors[people], old_authors[people])
    assert np.array_equal(new_classes[~people], np.asarray(predicted)[~people]) and (new_authors[~people] == -7).all()
    assert np.array_equal(kept.person_frames(), people)
