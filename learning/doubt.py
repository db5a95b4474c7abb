"""Which runs of a video's labels to check first (issue 31): each run a model labelled, with how likely
it is to be wrong somewhere, from the calibrated per-frame confidences its prediction stored.

A run is wrong when its class is (its own-class probability: the mean confidence of its frames) or
when one of its edges sits on the wrong frame (the sureness of an edge: the lower confidence of the
two frames that meet there). Plain numpy.
"""

from dataclasses import dataclass

import numpy as np

from labelling.runs import LabelRuns


@dataclass(frozen=True)
class DoubtfulRun:
    start: int
    end: int  # inclusive
    class_id: int
    doubt: float  # in [0, 1]: 1 - how likely every frame of the run is right


def doubtful_runs(runs: LabelRuns, confidences: np.ndarray | None) -> list[DoubtfulRun]:
    """Every run a model labelled (people's runs are right), most doubtful first."""
    if confidences is None:
        return []
    sure = np.where(runs.person_frames(), 1.0, np.asarray(confidences, dtype=np.float64).clip(0, 1))
    ends, found = runs.ends, []
    for index in np.flatnonzero(runs.authors < 0):
        start, end = int(runs.starts[index]), int(ends[index])
        inside = sure[start : end + 1].mean()
        first = sure[start - 1 : start + 1].min() if start > 0 else 1.0
        last = sure[end : end + 2].min() if end + 1 < runs.frame_count else 1.0
        doubt = 1.0 - inside * first * last
        found.append(DoubtfulRun(start, end, int(runs.class_ids[index]), round(float(doubt), 4)))
    return sorted(found, key=lambda run: (-run.doubt, run.start))
