"""Two tracks on the development set (issue 33): `bench/loop.py --set PATH --tracks`.

Adds a second track to the loop's project, the background behind the object (the evalset CSV's `background`
column: a video clip or a still photo), and runs the correction scenario on both tracks at once: the
simulated person answers both tracks of each representative frame, then fixes the longest wrong stretches
of each track. Prints, per track, the accuracy after the answers and after each round, and the human frames
lost. Then times one prediction of every video with both tracks' models in one pass against the first
track's model alone, each from an empty embeddings cache, alternating, the faster of two runs each.
"""

import csv
import time
from pathlib import Path

import numpy as np
from correction import correction_rounds

BACKGROUNDS = ("clip", "still")  # the second track's classes: a video clip behind the object, or a photo
CLIP_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv", ".webm")
RUNS = 2


def background_of(folder: Path, video_name: str) -> np.ndarray:
    """Per frame, 0 where the background is a video clip, 1 where it is a still photo."""
    with (folder / video_name).with_suffix(".csv").open() as handle:
        return np.asarray([int(not row["background"].lower().endswith(CLIP_SUFFIXES))
                           for row in csv.DictReader(handle)])


def add_background_track(loop, folder: Path) -> None:
    from projects.services import add_track

    track = add_track(project=loop.project, name="background", class_names=list(BACKGROUNDS))
    pks = np.asarray([track.classes.get(name=name).pk for name in BACKGROUNDS])
    loop.more_truth[track] = {video.pk: pks[background_of(folder, video.name)] for video in loop.videos}


def prediction_seconds(loop, models: list) -> float:
    """One prediction of every video with these models in one pass (the first decodes and runs the backbone),
    from an empty embeddings cache."""
    from prediction import embeddings, predicting, services

    for video in loop.videos:
        for name in embeddings.cache_files(video):
            video.file.storage.delete(name)
    started = time.perf_counter()
    for job in services.start_predictions(model=models[0], videos=loop.videos, more_models=models[1:],
                                          started_by=None, enqueue=False):
        loop.run(job, predicting.run_prediction)
    return time.perf_counter() - started


def two_tracks(loop, folder: Path) -> dict:
    from prediction.models import Model

    add_background_track(loop, folder)
    results = correction_rounds(loop)
    models = [Model.objects.filter(track=track).latest("pk") for track in loop.truths()]
    one, two = [], []
    for _ in range(RUNS):
        one.append(prediction_seconds(loop, models[:1]))
        two.append(prediction_seconds(loop, models))
    ratio = min(two) / min(one)
    print(f"One prediction of every video: one track {min(one):.1f} s, two tracks {min(two):.1f} s "
          f"(runs: {', '.join(f'{s:.1f}' for s in one)} / {', '.join(f'{s:.1f}' for s in two)}): "
          f"two tracks = {ratio:.3f} x one track", flush=True)
    return results | {"one_track_s": round(min(one), 1), "two_tracks_s": round(min(two), 1),
                      "two_tracks_over_one": round(ratio, 3)}
