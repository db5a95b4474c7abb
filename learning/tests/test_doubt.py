"""The review queue's order (issue 31): the runs a model labelled, the likeliest wrong first."""

import numpy as np

from labelling.runs import LabelRuns
from learning.doubt import doubtful_runs

MODEL, PERSON = -7, 3


def test_a_run_the_model_doubts_comes_before_a_run_it_is_sure_of():
    classes = np.repeat([1, 2, 1], [40, 20, 40])
    runs = LabelRuns.from_frames(classes, np.full(100, MODEL))
    confidences = np.where(classes == 2, 0.6, 0.99)
    found = doubtful_runs(runs, confidences)
    assert [(run.start, run.end, run.class_id) for run in found] == [(40, 59, 2), (0, 39, 1), (60, 99, 1)]
    assert found[0].doubt > 0.5 > found[1].doubt and 0 <= found[-1].doubt <= 1


def test_an_unsure_edge_makes_a_sure_run_doubtful():
    classes = np.repeat([1, 2, 1], [40, 20, 40])
    runs = LabelRuns.from_frames(classes, np.full(100, MODEL))
    confidences = np.full(100, 0.99)
    confidences[59:61] = 0.55  # where the middle run ends, the model hesitates
    first, second, third = sorted(doubtful_runs(runs, confidences), key=lambda run: run.start)
    assert second.doubt > first.doubt and third.doubt > first.doubt


def test_runs_people_labelled_are_never_in_the_queue_and_their_edges_are_sure():
    classes = np.repeat([1, 2], [50, 50])
    authors = np.repeat([PERSON, MODEL], [50, 50])
    confidences = np.full(100, 0.9)
    [run] = doubtful_runs(LabelRuns.from_frames(classes, authors), confidences)
    assert (run.start, run.end) == (50, 99)
    assert run.doubt == round(1 - 0.9 * 0.9, 4)  # the inside and the model's side of the edge
    assert doubtful_runs(LabelRuns.from_frames(classes, authors), None) == []
