"""The correction scenario of bench/loop.py (issue 10): answer, train, predict, then rounds of fixing
the longest wrong segments as a person would in the player, each followed by "Retrain and update".

Per round and per track (issue 33: `--tracks` adds a second): frame accuracy overall and on a fixed pool
(the frames no person labelled in any round, the same frames every round), human frames lost (must be 0),
wrong segments, human actions per frame, and the wall time from the last correction to the updated
timeline (every track's head retrained and its labels updated). Run with the project's predictions
decoded as shots (Viterbi, the default) and frame by frame, to compare.
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


def current_frames(video, track=None) -> tuple[np.ndarray, np.ndarray]:
    return video.label_sets.current(track).get().label_runs.to_frames()


def retrain_and_update(loop) -> tuple[dict, float]:
    """What the button does (a head per track, each updating its track), timed from the click to the timeline
    the player then fetches; returns each track's training metrics and the seconds."""
    from labelling.selectors import get_timeline
    from learning import services, training

    started = time.perf_counter()
    jobs, _waiting = services.start_retraining(project=loop.project, head_only=True, predict=True, epochs=30,
                                               patience=5, started_by=loop.person, enqueue=False)
    metrics = {job.options["track"]: loop.run(job, training.run_training) for job in jobs}
    for label_set in loop.videos[-1].label_sets.filter(is_current=True):
        get_timeline(label_set)
    return metrics, time.perf_counter() - started


def fix_and_retrain(loop, stretches: dict, classes: dict) -> tuple[dict, float, dict]:
    """A person fixes the longest wrong stretches of each video on each track (one range edit each), then
    clicks Retrain and update; returns the metrics, the seconds and each track's human frames lost."""
    from labelling.services import label_range

    people = {}
    for track, by_video in stretches.items():
        for video in loop.videos:
            label_set = video.label_sets.current(track).get()
            for start, end, true_pk in by_video[video.pk][:FIXES_PER_VIDEO]:
                label_range(label_set=label_set, start=start, end=end, label_class=classes[true_pk], user=loop.person)
            people[track, video.pk] = current_frames(video, track)
    metrics, seconds = retrain_and_update(loop)
    lost = dict.fromkeys(stretches, 0)
    for (track, pk), (old_classes, old_authors) in people.items():
        new_classes, new_authors = current_frames(next(v for v in loop.videos if v.pk == pk), track)
        mine = old_authors > 0
        lost[track] += int(((new_classes != old_classes) | (new_authors != old_authors))[mine].sum())
    return metrics, seconds, lost


def correction_rounds(loop, answers_per_video: int = 10, shots: bool = True) -> dict:
    classes = {c.pk: c for c in loop.project.classes.all()}
    loop.project.decode_shots = shots
    loop.project.save(update_fields=["decode_shots"])
    loop.reset()
    started = time.perf_counter()
    loop.sample(answers_per_video, "representative")
    print(f"Representative sampling of {answers_per_video} frames per video: {time.perf_counter() - started:.1f} s "
          f"for {sum(v.frame_count for v in loop.videos)} frames", flush=True)
    truths = loop.truths()
    rounds, corrections = [], 0
    metrics, seconds = retrain_and_update(loop)  # the first models; the first prediction fills the embeddings cache
    lost = dict.fromkeys(truths, 0)
    for number in range(ROUNDS + 1):
        predicted = {track: {v.pk: current_frames(v, track)[0] for v in loop.videos} for track in truths}
        stretches = {track: {pk: wrong_stretches(predicted[track][pk], truth[pk]) for pk in truth}
                     for track, truth in truths.items()}
        rounds.append({"predicted": predicted, "seconds": seconds, "lost": lost, "corrections": corrections,
                       "segments": {track: sum(len(s) for s in by_video.values()) for track, by_video in
                                    stretches.items()}, "metrics": metrics})
        if number == ROUNDS:
            break
        corrections += sum(min(len(s), FIXES_PER_VIDEO) for by_video in stretches.values() for s in by_video.values())
        metrics, seconds, lost = fix_and_retrain(loop, stretches, classes)
    return report(loop, rounds, answers_per_video * len(loop.videos), truths, "shots" if shots else "frames")


def report(loop, rounds: list, answers: int, truths: dict, decoding: str) -> dict:
    """Prints each round per track; the keys of the first track are as before tracks, the others' carry the
    track's name."""
    results = {}
    for position, (track, truth) in enumerate(truths.items()):
        pool = {v.pk: current_frames(v, track)[1] <= 0 for v in loop.videos}  # never labelled by a person
        frames, pool_size = sum(len(t) for t in truth.values()), sum(int(p.sum()) for p in pool.values())
        name = f"“{track.name}” " if len(truths) > 1 else ""
        for number, row in enumerate(rounds):
            predicted, metrics = row["predicted"][track], row["metrics"].get(track.pk, {})
            right = sum(int((predicted[pk] == truth[pk]).sum()) for pk in truth)
            pool_right = sum(int((predicted[pk] == truth[pk])[pool[pk]].sum()) for pk in truth)
            actions = answers * len(truths) + row["corrections"] + sum(row["segments"].values())
            print(f"{name}{decoding} round {number}: accuracy {right / frames:6.1%}  fixed pool "
                  f"{pool_right / pool_size:6.1%} ({pool_size} frames)  human frames lost {row['lost'][track]}  "
                  f"wrong segments {row['segments'][track]:4d}  actions/100 frames {100 * actions / frames:.2f}  "
                  f"correction -> updated timeline {row['seconds']:.1f} s  validated by "
                  f"{metrics.get('validated_by')}" + (f"  PROBLEMS: {metrics['problems']}" if metrics.get(
                      "problems") else ""), flush=True)
            key = f"{decoding}_{track.name + '_' if position else ''}round{number}"
            results |= {f"{key}_acc": round(right / frames, 4), f"{key}_pool": round(pool_right / pool_size, 4),
                        f"{key}_lost": row["lost"][track], f"{key}_segments": row["segments"][track],
                        f"{key}_actions_per_100": round(100 * actions / frames, 3),
                        f"{key}_seconds": round(row["seconds"], 2)}
    return results
