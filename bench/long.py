"""One decode per video from upload to the first labels (issue 34, SPEC V-5), as ratios of one plain PyAV decode
of the same file measured in the same run:

- upload -> ready: the probe, whose one decode also keeps the backbone's features of the gated frames, against
  that decode plus the backbone alone on those frames (target <= 1.3);
- ready -> 10 representative samples (<= 0.05);
- answers -> first labels: a head trained on the 10 answers, then the video's first prediction (<= 0.15);
- upload -> first labels, all steps (<= 1.5), beside today's pipeline: the same clip again with
  AIGVA_INGEST_FEATURES=false (the probe only counts frames; sampling and the first prediction decode).

The same model labels both copies: their labels must match (<= 0.1 % of frames differ, every boundary on the
same frame). The clip (generated once under bench/.cache/) is 720p at 30 fps, a scrolling scene with grain cut
to one of three scenes every 10 s. --hours H instead takes an H-hour 320x180 clip of shots through the same steps
in one process, as a worker runs them, and prints the process's peak memory (<= 2 GB), then the server time of the
labels page (< 300 ms) and of a range edit (< 50 ms) on the labels it predicted. EfficientNet-Lite0 with its real
ImageNet weights.

Run: scripts/test-services.sh .venv/bin/python bench/long.py [--minutes 20]   (and again with --hours 10)
Uses a throwaway test database on the configured PostgreSQL.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import django
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aigva.settings_dev")
os.environ.update(AIGVA_BACKBONE="efficientnet_lite0", AIGVA_ALLOW_RANDOM_INIT="false",
                  AIGVA_JOB_HEARTBEAT_SECONDS="30")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.files import File  # noqa: E402

from bench.clips import FPS, dashcam_clip, scene_of, shots_clip  # noqa: E402
from bench.database import throwaway_database  # noqa: E402
from bench.ingest import plain_decode  # noqa: E402
from bench.labels import REPEATS, median_ms, range_editor  # noqa: E402

SHOT_SECONDS, SCENES = 10, 3
CLASSES = ["fine", "warm", "cool"]  # the three scenes' looks (bench.clips.dashcam_clip)
ANSWERS = 10
LONG_DRIFT = 0.25  # pixels a frame the long clip's scenes drift: the gate classifies about one frame a second


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def run_job_here(job, work):
    from projects.jobs import run_job

    run_job(job.pk, work)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    return job


def ingest(project, path: Path, name: str, features: bool):
    from videos import services
    from videos.models import Video

    settings.AIGVA_INGEST_FEATURES = features
    with path.open("rb") as handle:
        video = services.create_video(project=project, upload=File(handle, name=name), name=name, created_by=None,
                                      enqueue=False)
    run_job_here(video.probe_job, services.probe_video)
    return Video.objects.get(pk=video.pk)


def sample(project, video) -> None:
    from learning import sampling, services

    run_job_here(services.start_sampling(project=project, videos=[video], per_video=ANSWERS,
                                         method="representative", started_by=None, enqueue=False),
                 sampling.run_sampling)


def answer(project, video, person, truth: np.ndarray) -> None:
    """The scene each sampled frame shows (`truth`, per frame), as a person answers it."""
    from learning.services import answer_sample

    classes = {label_class.name: label_class for label_class in project.classes.all()}
    for sample_row in video.samples.filter(label__isnull=True):
        answer_sample(sample=sample_row, label_class=classes[CLASSES[truth[sample_row.frame]]], user=person)


def train_head(project):
    from learning import services, training
    from prediction.models import Model

    job = services.start_training(project=project, kind="cold", head_only=True, epochs=30, patience=5,
                                  started_by=None, enqueue=False)
    return Model.objects.get(pk=run_job_here(job, training.run_training).metrics["model"])


def predict(model, video) -> dict:
    from prediction import predicting, services

    [job] = services.start_predictions(model=model, videos=[video], started_by=None, enqueue=False)
    return run_job_here(job, predicting.run_prediction).metrics


def labels_of(video) -> np.ndarray:
    from labelling.models import LabelSet

    return LabelSet.objects.current().get(video=video).label_runs.to_frames()[0]


def backbone_alone(frames: int) -> float:
    """Seconds of the ingest's backbone (as the probe runs it: batch, precision) on `frames` model inputs."""
    from prediction.ingest import ingest_classifier

    classifier, batch_size, _ = ingest_classifier(settings.AIGVA_BACKBONE, None)
    images = np.random.default_rng(0).integers(0, 256, (batch_size, 224, 224, 3), dtype=np.uint8)
    classifier.embed(images)  # warm up
    started = time.perf_counter()
    for _ in range(0, frames, batch_size):
        classifier.embed(images).cpu()
    return time.perf_counter() - started


def compare(new: np.ndarray, old: np.ndarray) -> str:
    changes_new, changes_old = (np.flatnonzero(np.diff(labels)) + 1 for labels in (new, old))
    differ = float((new != old).mean())
    same = np.array_equal(changes_new, changes_old)
    return (f"labels: {differ:.3%} of frames differ (target <= 0.1 %); boundaries {len(changes_new)} and "
            f"{len(changes_old)}, {'all on the same frames' if same else 'NOT all on the same frames'}")


def bench(minutes: float) -> dict:
    from django.contrib.auth import get_user_model

    from projects.services import create_project

    path = dashcam_clip(minutes * 60, shot_seconds=SHOT_SECONDS, scenes=SCENES)
    decode_s, frame_count = plain_decode(path)
    project = create_project(name="Long bench", class_names=CLASSES, created_by=None)
    person = get_user_model().objects.create_user("labeller")
    new, old = {}, {}
    new["ingest"], video = timed(ingest, project, path, "new.mp4", features=True)
    old["ingest"], old_video = timed(ingest, project, path, "old.mp4", features=False)
    new["sample"], _ = timed(sample, project, video)
    old["sample"], _ = timed(sample, project, old_video)
    old_video.samples.all().delete()  # the model learns from one copy's answers: the same model labels both
    truth = np.arange(frame_count) // (SHOT_SECONDS * FPS) % SCENES
    answer(project, video, person, truth)
    train_s, model = timed(train_head, project)
    new["predict"], new_metrics = timed(predict, model, video)
    old["predict"], _ = timed(predict, model, old_video)
    new["predict"] += train_s
    old["predict"] += train_s
    gated = new_metrics["predicted_frames"] - new_metrics["model_frames"]
    backbone_s = backbone_alone(gated)
    new_labels, old_labels = labels_of(video), labels_of(old_video)
    report(path, frame_count, decode_s, backbone_s, gated, new, old)
    print(f"  {compare(new_labels, old_labels)}")
    print(f"  right: {accuracy(project, new_labels, truth):.2%} the new way, {accuracy(project, old_labels, truth):.2%}"
          f" the old; the first prediction decoded {new_metrics['model_frames']} frames to place boundaries")
    return {"ingest_ratio": new["ingest"] / (decode_s + backbone_s), "all_ratio": sum(new.values()) / decode_s}


def accuracy(project, labels: np.ndarray, truth: np.ndarray) -> float:
    pk_of = dict(project.classes.values_list("name", "pk"))
    return float((labels == np.asarray([pk_of[name] for name in CLASSES])[truth]).mean())


def report(path: Path, frames: int, decode_s: float, backbone_s: float, gated: int, new: dict, old: dict) -> None:
    print(f"\n{path.name}: {frames} frames, {path.stat().st_size / 1e6:.0f} MB")
    print(f"  plain decode {decode_s:.1f} s ({frames / decode_s:.0f} frames/s); the backbone alone on the "
          f"{gated} gated frames ({gated / frames:.1%}) {backbone_s:.1f} s")
    print(f"  upload -> ready        {new['ingest']:7.1f} s  {new['ingest'] / (decode_s + backbone_s):.2f} x "
          f"(decode + backbone; target <= 1.3)   today: {old['ingest']:.1f} s, then no features")
    print(f"  ready -> {ANSWERS} samples     {new['sample']:7.1f} s  {new['sample'] / decode_s:.3f} x decode (target "
          f"<= 0.05)   today: {old['sample'] / decode_s:.3f} x")
    print(f"  answers -> labels      {new['predict']:7.1f} s  {new['predict'] / decode_s:.3f} x decode (target "
          f"<= 0.15)   today: {old['predict'] / decode_s:.3f} x")
    print(f"  upload -> labels, all  {sum(new.values()):7.1f} s  {sum(new.values()) / decode_s:.2f} x decode (target "
          f"<= 1.5)   today: {sum(old.values()) / decode_s:.2f} x")


def ten_hours(hours: float) -> dict:
    """An hours-long 320x180 clip of shots from upload to its first labels in this (fresh) process, as a worker
    runs each step; the process's peak memory, then the labels page and a range edit on those labels."""
    from django.contrib.auth import get_user_model

    from projects.services import create_project

    path = shots_clip(hours * 60, drift=LONG_DRIFT)
    decode_s, frames = plain_decode(path)
    truth = scene_of(hours * 60)[:frames]
    project = create_project(name="Long", class_names=CLASSES, created_by=None)
    person = get_user_model().objects.create_superuser("bench", "", "bench-password-123")
    steps = {}
    steps["ingest"], video = timed(ingest, project, path, "long.mp4", features=True)
    ingest_peak_gb = peak_gb()
    steps["sample"], _ = timed(sample, project, video)
    answer(project, video, person, truth)
    steps["train"], model = timed(train_head, project)
    steps["predict"], metrics = timed(predict, model, video)
    all_peak_gb = peak_gb()
    labels = labels_of(video)
    page_ms, edit_ms = label_page_times(person, video)
    print(f"\n{path.name}: {frames} frames, {path.stat().st_size / 1e9:.2f} GB; plain decode {decode_s:.0f} s "
          f"({frames / decode_s:.0f} frames/s)")
    for step, seconds in steps.items():
        print(f"  {step:8s} {seconds:7.1f} s  {seconds / decode_s:.3f} x decode")
    print(f"  the first prediction decoded {metrics['model_frames']} frames; {accuracy(project, labels, truth):.2%} "
          f"of frames right")
    print(f"  the process's peak memory {all_peak_gb:.2f} GB (target <= 2); {ingest_peak_gb:.2f} GB by the end of the "
          "upload")
    print(f"  labels page {page_ms:.1f} ms (target < 300), range edit {edit_ms:.1f} ms (target < 50), server time, "
          f"median of {REPEATS}")
    return {"all_ratio": sum(steps.values()) / decode_s, "peak_gb": all_peak_gb, "page_ms": page_ms,
            "range_edit_ms": edit_ms}


def peak_gb() -> float:
    """The most memory this process has held so far (resident), in GiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def label_page_times(person, video) -> tuple[float, float]:
    """Median ms of the video's analysis page, and of a range edit of its labels, as bench/labels.py times them."""
    from django.test import Client

    from labelling.models import LabelSet

    label_set = LabelSet.objects.current().get(video=video)
    class_pks = list(video.project.classes.values_list("pk", flat=True))
    client = Client()
    client.force_login(person)
    return (median_ms(lambda: client.get(f"/videos/{video.pk}/")),
            median_ms(range_editor(client, label_set, video.frame_count, class_pks)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=20, help="of the 720p clip")
    parser.add_argument("--hours", type=float, help="instead, take a 320x180 clip this long to its first labels and "
                                                    "print the peak memory, the labels page and a range edit")
    args = parser.parse_args()
    with throwaway_database():
        results = ten_hours(args.hours) if args.hours else bench(args.minutes)
    print(" ".join(f"{key}={value:.3f}" for key, value in results.items()))


if __name__ == "__main__":
    main()
