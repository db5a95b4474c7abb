"""The correction scenario of bench/loop.py (issue 10): answer, train, predict, then rounds of fixing
the longest wrong segments as a person would in the player, each followed by "Retrain and update".

Per round: frame accuracy overall and on a fixed pool (the frames no person labelled in any round,
the same frames every round), human frames lost (must be 0), wrong segments, human actions per
frame, and the wall time from the last correction to the updated timeline. Run with the project's
predictions decoded as shots (Viterbi, the default) and frame by frame, to compare.
"""

import time

import numpy as np

FIXES_PER_VIDEO = 4
ROUNDS = 3


def wrong_stretches(predicted: np.ndarray, truth: np.ndarray) -> list[tuple[int, int, int]]:
    """(start, end, true index) of each stretch where the prediction is wrong in one way; longest first."""
    wrong = predicted != truth
    change = np.flatnonzero((np.diff(predicted) != 0) | (np.diff(truth) != 0) | (np.diff(wrong) != 0)) + 1
    starts = np.concatenate([[0], change])
    ends = np.append(starts[1:] - 1, len(truth) - 1)
    stretches = [(int(s), int(e), int(truth[s])) for s, e in zip(starts, ends, strict=True) if wrong[s]]
    return sorted(stretches, key=lambda r: r[0] - r[1])


def current_frames(video) -> tuple[np.ndarray, np.ndarray]:
    return video.label_sets.current().get().label_runs.to_frames()


def retrain_and_update(loop) -> tuple[dict, float]:
    """What the button does, timed from the click to the timeline the player then fetches."""
    from labelling.selectors import get_timeline
    from learning import services, training

    started = time.perf_counter()
    job = services.start_training(project=loop.project, head_only=True, predict=True, epochs=30, patience=5,
                                  started_by=loop.person, enqueue=False)
    metrics = loop.run(job, training.run_training)
    get_timeline(loop.videos[-1].label_sets.current().get())
    return metrics, time.perf_counter() - started


def correction_rounds(loop, answers_per_video: int = 10, shots: bool = True) -> dict:
    from labelling.services import label_range

    classes = {c.pk: c for c in loop.project.classes.all()}
    loop.project.decode_shots = shots
    loop.project.save(update_fields=["decode_shots"])
    loop.reset()
    started = time.perf_counter()
    loop.sample(answers_per_video, "representative")
    print(f"Representative sampling of {answers_per_video} frames per video: {time.perf_counter() - started:.1f} s "
          f"for {sum(v.frame_count for v in loop.videos)} frames", flush=True)
    answers = answers_per_video * len(loop.videos)
    truth = {v.pk: loop.class_pks(loop.truth[v.pk]) for v in loop.videos}
    rounds, corrections, lost = [], 0, 0
    metrics, seconds = retrain_and_update(loop)  # the first model; its prediction fills the embeddings cache
    for number in range(ROUNDS + 1):
        predicted = {v.pk: current_frames(v)[0] for v in loop.videos}
        stretches = {pk: wrong_stretches(predicted[pk], truth[pk]) for pk in predicted}
        rounds.append({"predicted": predicted, "seconds": seconds, "lost": lost,
                       "segments": sum(len(s) for s in stretches.values()), "corrections": corrections,
                       "problems": metrics["problems"], "validated_by": metrics["validated_by"]})
        if number == ROUNDS:
            break
        for video in loop.videos:  # a person fixes the longest wrong stretches, one range edit each
            label_set = video.label_sets.current().get()
            for start, end, true_pk in stretches[video.pk][:FIXES_PER_VIDEO]:
                label_range(label_set=label_set, start=start, end=end, label_class=classes[true_pk], user=loop.person)
                corrections += 1
        people = {v.pk: current_frames(v) for v in loop.videos}
        metrics, seconds = retrain_and_update(loop)
        lost = 0
        for video in loop.videos:
            (old_classes, old_authors), (new_classes, new_authors) = people[video.pk], current_frames(video)
            mine = old_authors > 0
            lost += int(((new_classes != old_classes) | (new_authors != old_authors))[mine].sum())
    return report(loop, rounds, answers, truth, "shots" if shots else "frames")


def report(loop, rounds: list, answers: int, truth: dict, decoding: str) -> dict:
    pool = {v.pk: current_frames(v)[1] <= 0 for v in loop.videos}  # never labelled by a person, in any round
    frames = sum(len(t) for t in truth.values())
    results = {}
    for number, row in enumerate(rounds):
        right = sum(int((row["predicted"][pk] == truth[pk]).sum()) for pk in truth)
        pool_right = sum(int((row["predicted"][pk] == truth[pk])[pool[pk]].sum()) for pk in truth)
        pool_size = sum(int(p.sum()) for p in pool.values())
        actions = answers + row["corrections"] + row["segments"]
        print(f"{decoding} round {number}: accuracy {right / frames:6.1%}  fixed pool {pool_right / pool_size:6.1%} "
              f"({pool_size} frames)  human frames lost {row['lost']}  wrong segments {row['segments']:4d}  "
              f"actions/100 frames {100 * actions / frames:.2f}  correction -> updated timeline "
              f"{row['seconds']:.1f} s  validated by {row['validated_by']}"
              + (f"  PROBLEMS: {row['problems']}" if row["problems"] else ""), flush=True)
        key = f"{decoding}_round{number}"
        results |= {f"{key}_acc": round(right / frames, 4), f"{key}_pool": round(pool_right / pool_size, 4),
                    f"{key}_lost": row["lost"], f"{key}_segments": row["segments"],
                    f"{key}_actions_per_100": round(100 * actions / frames, 3),
                    f"{key}_seconds": round(row["seconds"], 2)}
    return results
