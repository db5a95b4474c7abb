"""A simulated review day (issue 31) on the development set: a reviewer who sees only what the tool shows.

Cold Label (10 representative answers per video), Retrain and update; the audit the tool suggests,
answered once; then rounds of: the 20 most doubtful runs of `review --next`, each looked at once and
accepted when every frame is right, else relabelled with one range edit per true run inside it;
Retrain and update; until the stopping rule says done, or 8 rounds. Prints, per round, the estimate and
its 95 % CI beside the true accuracy and how many per-video CIs hold the truth; at the end the counts,
the seconds of the cost model and "x faster" than labelling frame by frame. Also how well the queue
ranks the runs holding a wrong frame after the first prediction (AUC, first 20/50/100).

Run: make bench, or scripts/test-services.sh .venv/bin/python bench/review.py [--set PATH] (a folder
../shared/evalset built; else a generated set, as bench/loop.py makes).
Uses a throwaway test database on the configured PostgreSQL.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from correction import retrain_and_update  # noqa: E402
from database import throwaway_database  # noqa: E402
from loop import Loop  # noqa: E402 (sets Django up)
from sklearn.metrics import roc_auc_score  # noqa: E402

from labelling.services import label_range  # noqa: E402
from learning.audits import accuracy_report, answer_audit_frame, pending_audit_frames, start_audit  # noqa: E402
from learning.selectors import list_doubtful_runs  # noqa: E402

SECONDS = {"answer": 2, "audit": 2, "look": 2, "edit": 5}  # the cost model; frame by frame: 1 s a frame
RUNS_PER_ROUND, ROUNDS = 20, 8


class Reviewer:
    """Knows the truth only to answer what the tool asks: a frame's class, whether a run is all right."""

    def __init__(self, loop: Loop) -> None:
        self.loop = loop
        self.truth = {video.pk: loop.class_pks(loop.truth[video.pk]) for video in loop.videos}
        self.classes = {c.pk: c for c in loop.project.classes.all()}
        self.pk_of = {c.name: c.pk for c in self.classes.values()}
        self.counts = dict.fromkeys(SECONDS, 0)

    def current(self, video) -> np.ndarray:
        return video.label_sets.current().get().label_runs.to_frames()[0]

    def true_accuracy(self) -> tuple[float, dict[int, float]]:
        right = {v.pk: (self.current(v) == self.truth[v.pk]) for v in self.loop.videos}
        return (sum(r.sum() for r in right.values()) / sum(len(r) for r in right.values()),
                {pk: float(r.mean()) for pk, r in right.items()})

    def audit(self) -> int:
        start_audit(project=self.loop.project, draws=None, user=self.loop.person, rng=np.random.default_rng(31))
        for sample in pending_audit_frames(self.loop.project):
            answer = self.classes[int(self.truth[sample.video_id][sample.frame])]
            answer_audit_frame(sample=sample, label_class=answer, user=self.loop.person)
            self.counts["audit"] += 1
        return self.counts["audit"]

    def check(self, run: dict) -> None:
        """One look; accepted as a person's label if all right, else one range edit per true run inside."""
        self.counts["look"] += 1
        video = next(v for v in self.loop.videos if v.pk == run["video_id"])
        label_set = video.label_sets.current().get()
        truth = self.truth[video.pk][run["start"]: run["end"] + 1]
        cuts = np.flatnonzero(np.diff(truth)) + 1
        for first, last in zip(np.r_[0, cuts], np.r_[cuts - 1, len(truth) - 1], strict=True):
            label_range(label_set=label_set, start=run["start"] + int(first), end=run["start"] + int(last),
                        label_class=self.classes[int(truth[first])], user=self.loop.person)
        if (truth != self.pk_of[run["class"]]).any():
            self.counts["edit"] += len(cuts) + 1

    def seconds(self) -> int:
        return sum(SECONDS[kind] * count for kind, count in self.counts.items())


def ranking(reviewer: Reviewer) -> dict:
    """How many of the runs holding a wrong frame the queue puts first, after the first prediction."""
    runs = list_doubtful_runs(reviewer.loop.project, limit=10**6)
    wrong = np.array([int((reviewer.truth[r["video_id"]][r["start"]: r["end"] + 1] != reviewer.pk_of[r["class"]])
                          .sum()) for r in runs])
    bad = wrong > 0
    print(f"{len(runs)} runs a model labelled, {bad.sum()} holding a wrong frame ({wrong.sum()} wrong frames)")
    results = {"runs": len(runs), "wrong_runs": int(bad.sum())}
    for k in (20, 50, 100):
        print(f"first {k:3d} by doubt: {bad[:k].sum():3d} wrong runs, {wrong[:k].sum():5d} wrong frames")
        results[f"top{k}_wrong_runs"] = int(bad[:k].sum())
    results["auc"] = round(float(roc_auc_score(bad, [r["doubt"] for r in runs])), 3)
    print(f"AUC of the doubt for a run holding a wrong frame: {results['auc']}")
    return results


def show_round(number: int, reviewer: Reviewer, report: dict, rounds: list) -> None:
    truth, per_video = reviewer.true_accuracy()
    covered = sum(v["low"] <= per_video[v["video_id"]] <= v["high"] for v in report["videos"])
    rounds.append({"truth": truth, "low": report["low"], "high": report["high"], "covered": covered,
                   "videos": len(report["videos"])})
    print(f"round {number}: estimate {100 * report['estimate']:.2f} % (CI {100 * report['low']:.2f}-"
          f"{100 * report['high']:.2f}, half-width {50 * (report['high'] - report['low']):.2f}), true "
          f"{100 * truth:.2f} %; {covered} of {len(report['videos'])} video CIs hold the truth; "
          f"{reviewer.seconds()} s so far; {report['message']}", flush=True)


def review_day(loop: Loop) -> dict:
    reviewer = Reviewer(loop)
    loop.reset()
    loop.sample(10, "representative")
    reviewer.counts["answer"] = 10 * len(loop.videos)
    retrain_and_update(loop)
    results = ranking(reviewer)
    print(f"audit: {reviewer.audit()} frames answered", flush=True)
    rounds: list[dict] = []
    report = accuracy_report(loop.project)
    show_round(0, reviewer, report, rounds)
    for number in range(1, ROUNDS + 1):
        if report["done"]:
            break
        for run in list_doubtful_runs(loop.project, limit=RUNS_PER_ROUND):
            reviewer.check(run)
        retrain_and_update(loop)
        report = accuracy_report(loop.project)
        show_round(number, reviewer, report, rounds)
    frames = sum(v.frame_count for v in loop.videos)
    covered, total = sum(r["covered"] for r in rounds), sum(r["videos"] for r in rounds)
    results |= {"done": report["done"], "rounds": len(rounds) - 1, "true_accuracy": round(rounds[-1]["truth"], 4),
                "seconds": reviewer.seconds(), "x_faster": round(frames / reviewer.seconds(), 1),
                "half_width_after_audit": round(50 * (rounds[0]["high"] - rounds[0]["low"]), 2),
                "half_width_at_stop": round(50 * (rounds[-1]["high"] - rounds[-1]["low"]), 2),
                "video_cis_covering": f"{covered}/{total}",
                "project_ci_covering": f"{sum(r['low'] <= r['truth'] <= r['high'] for r in rounds)}/{len(rounds)}",
                **reviewer.counts}
    print(f"{frames} frames; {reviewer.counts}; {reviewer.seconds()} s by the cost model {SECONDS} against "
          f"{frames} s frame by frame: {results['x_faster']}x faster")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, help="a folder ../shared/evalset built (else a generated set)")
    parser.add_argument("--videos", type=int, default=10, help="generated videos")
    parser.add_argument("--seconds", type=int, default=120, help="per generated video")
    args = parser.parse_args()
    with throwaway_database() as folder:
        results = review_day(Loop(folder, args.videos, args.seconds, args.set))
    print(" ".join(f"{key}={value}" for key, value in results.items()))


if __name__ == "__main__":
    main()
