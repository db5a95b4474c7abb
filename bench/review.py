"""How well the review queue ranks (issue 31, a first part): after Cold Label (10 representative answers
per video) and Retrain and update on the development set, how many of the runs a model labelled that
hold a wrong frame come first in `review --next`, against the same number of runs taken at random or
longest first. The simulated reviewer of the whole review day will grow from here.

Run: make bench, or scripts/test-services.sh .venv/bin/python bench/review.py [--set PATH] (a folder
../shared/evalset built; else a generated set, as bench/loop.py makes).
Uses a throwaway test database on the configured PostgreSQL.
"""

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from correction import retrain_and_update  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from loop import Loop  # noqa: E402 (sets Django up)
from sklearn.metrics import roc_auc_score  # noqa: E402

from learning.selectors import list_doubtful_runs  # noqa: E402


def wrong_in_runs(loop: Loop, runs: list[dict]) -> np.ndarray:
    """(R,) how many frames of each run are wrong."""
    truth = {video.pk: loop.class_pks(loop.truth[video.pk]) for video in loop.videos}
    pk_of = {label_class.name: label_class.pk for label_class in loop.project.classes.all()}
    return np.array([int((truth[r["video_id"]][r["start"] : r["end"] + 1] != pk_of[r["class"]]).sum())
                     for r in runs])


def report(runs: list[dict], wrong: np.ndarray) -> dict:
    bad, lengths = wrong > 0, np.array([r["end"] - r["start"] + 1 for r in runs])
    print(f"{len(runs)} runs a model labelled, {bad.sum()} holding a wrong frame ({wrong.sum()} wrong frames)")
    results = {"runs": len(runs), "wrong_runs": int(bad.sum()), "wrong_frames": int(wrong.sum())}
    for k in (20, 50, 100):
        longest, shuffled = np.argsort(-lengths)[:k], np.random.default_rng(0).permutation(len(runs))[:k]
        print(f"first {k:3d} by doubt: {bad[:k].sum():3d} wrong runs, {wrong[:k].sum():5d} wrong frames; longest "
              f"first {bad[longest].sum()} / {wrong[longest].sum()}; at random {bad[shuffled].sum()} / "
              f"{wrong[shuffled].sum()}")
        results |= {f"top{k}_wrong_runs": int(bad[:k].sum()), f"top{k}_wrong_frames": int(wrong[:k].sum())}
    results["auc"] = round(float(roc_auc_score(bad, [r["doubt"] for r in runs])), 3)
    print(f"AUC of the doubt for a run holding a wrong frame: {results['auc']}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, help="a folder ../shared/evalset built (else a generated set)")
    parser.add_argument("--videos", type=int, default=10, help="generated videos")
    parser.add_argument("--seconds", type=int, default=120, help="per generated video")
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings.MEDIA_ROOT = str(Path(folder) / "media")
            loop = Loop(Path(folder), args.videos, args.seconds, args.set)
            loop.reset()
            loop.sample(10, "representative")
            retrain_and_update(loop)
            runs = list_doubtful_runs(loop.project, limit=10**6)
            results = report(runs, wrong_in_runs(loop, runs))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(" ".join(f"{key}={value}" for key, value in results.items()))


if __name__ == "__main__":
    main()
