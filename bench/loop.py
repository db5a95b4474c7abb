"""The learn-as-you-label loop without a human (issue 5): how right is the model after how much labelling?

Builds an evaluation set here (never committed): videos made of shots of real photos (scikit-image's
data module, installed on first run) with camera-like pans and zooms over different parts of each
photo, per-shot colour casts and exposure, focus blur, sensor noise and H.264 compression; every
frame's true class is known. A simulated labeller answers every question the
tool asks with the truth. For each scenario: sample, label, train, predict every frame of every
video, then score frame accuracy, the wrong segments a person would still have to fix, and time.

Uses EfficientNet-Lite0 with its real ImageNet weights (the `offline` extra), at the app's default
precision (AIGVA_BF16=auto): a random-init ResNet34 cannot learn from 10 frames. Heads are trained on
frozen features (`--head-only`), so after the first prediction every re-prediction reads the embeddings
cache instead of decoding.

Run: make bench (or scripts/test-services.sh .venv/bin/python bench/loop.py [--videos 10] [--seconds 30]).
Uses a throwaway test database on the configured PostgreSQL.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import av
import cv2
import django
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aigva.settings_dev")
os.environ.update(AIGVA_BACKBONE="efficientnet_lite0", AIGVA_ALLOW_RANDOM_INIT="false",
                  AIGVA_JOB_HEARTBEAT_SECONDS="30")
django.setup()

from clips import dev_clips  # noqa: E402
from correction import FIXES_PER_VIDEO, correction_rounds  # noqa: E402
from database import throwaway_database  # noqa: E402
from django.core.files import File  # noqa: E402
from tracks import two_tracks  # noqa: E402

SIZE, FPS = (480, 270), 10
# Classes and the photos their shots are made of (files scikit-image ships, no download).
CLASSES = {
    "people": ["astronaut", "camera"],
    "animal": ["chelsea", "horse"],
    "texture": ["brick", "grass", "gravel"],
    "space": ["rocket", "hubble_deep_field", "moon"],
    "medical": ["retina", "immunohistochemistry", "microaneurysms"],
}


def photos() -> dict[str, list[np.ndarray]]:
    try:
        from skimage import data
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "scikit-image"], check=True)
        from skimage import data
    result = {}
    for name, sources in CLASSES.items():
        images = []
        for source in sources:
            image = getattr(data, source)()
            image = np.stack([image] * 3, axis=-1) if image.ndim == 2 else image[..., :3]
            images.append(np.ascontiguousarray(image.astype(np.uint8)))
        result[name] = images
    return result


def write_video(path: Path, seconds: int, images: dict, rng: np.random.Generator) -> np.ndarray:
    """Shots of 2-6 s, each a photo of a random class seen through a panning, zooming camera; returns truth."""
    names, truth = list(images), []
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=FPS, options={"crf": "30", "preset": "veryfast"})
        stream.width, stream.height, stream.pix_fmt = *SIZE, "yuv420p"
        while len(truth) < seconds * FPS:
            label = int(rng.integers(len(names)))
            photo = images[names[label]][int(rng.integers(len(images[names[label]])))]
            length = int(rng.integers(2 * FPS, 6 * FPS))
            for frame in _camera(photo, length, rng):
                out.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
                truth.append(label)
        out.mux(stream.encode(None))
    return np.asarray(truth)


def _camera(photo: np.ndarray, length: int, rng: np.random.Generator):
    height, width = photo.shape[:2]
    zoom_from, zoom_to = rng.uniform(0.25, 0.7, 2)  # share of the photo in view: shots see different parts
    gain = rng.uniform(0.6, 1.4, 3) * rng.uniform(0.7, 1.2)  # each shot's own white balance and exposure
    blur = int(rng.choice([0, 0, 3, 5]))  # some shots are out of focus
    start, end = rng.uniform(0, 1, 2), rng.uniform(0, 1, 2)  # where the view sits
    for step in range(length):
        t = step / max(length - 1, 1)
        zoom = zoom_from + (zoom_to - zoom_from) * t
        view_w, view_h = width * zoom, min(height * zoom, width * zoom * SIZE[1] / SIZE[0])
        centre = start + (end - start) * t
        left, top = centre[0] * (width - view_w), centre[1] * (height - view_h)
        crop = photo[int(top) : int(top + view_h), int(left) : int(left + view_w)]
        frame = cv2.resize(crop, SIZE, interpolation=cv2.INTER_AREA)
        if blur:
            frame = cv2.GaussianBlur(frame, (blur, blur), 0)
        frame = frame.astype(np.float32) * gain + rng.normal(0, 8, frame.shape)  # colour cast, sensor noise
        yield np.clip(frame, 0, 255).astype(np.uint8)


def generated_clips(folder: Path, videos: int, seconds: int) -> dict:
    rng, images = np.random.default_rng(0), photos()
    clips: dict = {"classes": list(CLASSES)}
    for index in range(videos):
        path = folder / f"video{index:02d}.mp4"
        clips[path] = write_video(path, seconds, images, rng)
    return clips


class Loop:
    """One project holding the evaluation videos; each scenario starts from no samples and no reviews."""

    def __init__(self, folder: Path, videos: int, seconds: int, dev_set: Path | None = None) -> None:
        from django.contrib.auth import get_user_model

        from projects.services import create_project

        clips = dev_clips(dev_set) if dev_set else generated_clips(folder, videos, seconds)
        self.names = clips.pop("classes")
        self.project = create_project(name="Loop bench", class_names=self.names, created_by=None)
        self.person = get_user_model().objects.create_user("labeller")  # the simulated person
        self.truth, self.videos = {}, []
        for path, truth in clips.items():
            video = self._ingest(path)
            self.truth[video.pk] = truth
            self.videos.append(video)
        self.pk_of = dict(self.project.classes.values_list("name", "pk"))
        self.more_truth: dict = {}  # {track: {video pk: class pks}}: the tracks after the first (bench/tracks.py)

    def truths(self) -> dict:
        """Each track's true class pks per video, the first track first."""
        first = {video.pk: self.class_pks(self.truth[video.pk]) for video in self.videos}
        return {self.project.first_track: first, **self.more_truth}

    def _ingest(self, path: Path):
        from projects.jobs import run_job
        from videos import services
        from videos.models import Video

        with path.open("rb") as handle:
            video = services.create_video(project=self.project, upload=File(handle, name=path.name), name=path.name,
                                          created_by=None, enqueue=False)
        run_job(video.probe_job.pk, services.probe_video)
        return Video.objects.get(pk=video.pk)

    def reset(self) -> None:
        """No samples, no reviews and no labels of people: each scenario starts from scratch."""
        from labelling.services import create_initial_label_sets
        from learning.models import TrainingSample

        TrainingSample.objects.filter(project=self.project).delete()
        for video in self.videos:
            create_initial_label_sets(video=video)

    def run(self, job, work) -> dict:
        from projects.jobs import run_job

        run_job(job.pk, work)
        job.refresh_from_db()
        assert job.status == "succeeded", job.error
        return job.metrics

    def sample(self, per_video: int, method: str) -> None:
        from learning import sampling, services

        self.run(services.start_sampling(project=self.project, videos=self.videos, per_video=per_video,
                                         method=method, started_by=None, enqueue=False), sampling.run_sampling)
        self.answer()

    def answer(self) -> int:
        """The simulated labeller answers every pending sample with its true class on every track, as the
        page does."""
        from learning.models import TrainingSample
        from learning.services import answer_sample

        pending = list(TrainingSample.objects.filter(project=self.project, label__isnull=True, skipped=False))
        classes, truths = {c.pk: c for c in self.project.classes.all()}, self.truths().values()
        for sample in pending:
            for truth in truths:
                answer_sample(sample=sample, label_class=classes[int(truth[sample.video_id][sample.frame])],
                              user=self.person)
        return len(pending)

    def review(self, share: float) -> list:
        """Label the first `share` of the videos fully with the truth and mark them reviewed."""
        from labelling.services import create_label_set

        reviewed = self.videos[: max(1, round(share * len(self.videos)))]
        for video in reviewed:
            label_set = create_label_set(video=video, class_ids=self.class_pks(self.truth[video.pk]))
            label_set.reviewed = True
            label_set.save(update_fields=["reviewed"])
        return reviewed

    def class_pks(self, truth: np.ndarray) -> np.ndarray:
        return np.asarray([self.pk_of[name] for name in self.names])[truth]

    def train_and_predict(self, kind: str, propagate: bool = False) -> dict:
        from learning import services as learning
        from learning import training
        from prediction import predicting, services
        from prediction.models import Model

        # Reviewed sets count as people's labels: score on, and sample from, the others.
        metrics = self.run(learning.start_training(project=self.project, kind=kind, epochs=30, patience=5,
                                                   val_split=0.2, head_only=True, propagate=propagate,
                                                   started_by=None, enqueue=False), training.run_training)
        model = Model.objects.get(pk=metrics["model"])
        for job in services.start_predictions(model=model, videos=self.videos, started_by=None, enqueue=False):
            self.run(job, predicting.run_prediction)
        return metrics

    def score(self, skip: set[int] = frozenset()) -> tuple[float, int]:
        """Frame accuracy and wrong segments over the videos not in `skip` (those a person reviewed)."""
        right = total = wrong_segments = 0
        for video in self.videos:
            if video.pk in skip:
                continue
            predicted = video.label_sets.current().get().label_runs.to_frames()[0]
            wrong = predicted != self.class_pks(self.truth[video.pk])
            right += int((~wrong).sum())
            total += len(wrong)
            wrong_segments += int(np.sum(wrong[1:] & ~wrong[:-1]) + wrong[0])
        return right / total, wrong_segments


def scenario(loop: Loop, label: str, prepare, kind: str = "cold", propagate: bool = False, skip=frozenset()):
    started = time.perf_counter()
    loop.reset()
    prepare()
    metrics = loop.train_and_predict(kind, propagate)
    accuracy, segments = loop.score(skip)
    seconds = time.perf_counter() - started
    print(f"{label:32s} accuracy {accuracy:6.1%}  wrong segments {segments:4d}  labelled frames "
          f"{metrics['human_labelled']:5d} (+{metrics['propagated']} propagated)  {seconds:5.1f} s", flush=True)
    return accuracy, segments


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--videos", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=120, help="per generated video (10 answers per 1,000+ frames)")
    parser.add_argument("--set", type=Path, help="a folder ../shared/evalset built (video_NN.mp4 + .csv) instead")
    parser.add_argument("--correction-only", action="store_true", help="run only the correction scenario")
    parser.add_argument("--tracks", action="store_true",
                        help="with --set: only the correction scenario with a second track, the background")
    args = parser.parse_args()
    if args.tracks and not args.set:
        parser.error("--tracks needs --set: the background track's truth is the development set's CSV column")
    with throwaway_database() as folder:
        started = time.perf_counter()
        loop = Loop(folder, args.videos, args.seconds, args.set)
        frames = sum(len(t) for t in loop.truth.values())
        print(f"{args.set or 'generated set'}: {len(loop.videos)} videos, {frames} frames, {len(loop.names)} "
              f"classes ({', '.join(loop.names)}); built and probed in {time.perf_counter() - started:.0f} s")
        print("Backbone: EfficientNet-Lite0, ImageNet weights, head trained on frozen features. "
              "(A random-init ResNet34 cannot learn from 10 frames.) The first prediction fills the "
              "embeddings cache; later ones re-predict from it.", flush=True)
        results = two_tracks(loop, args.set) if args.tracks else run_scenarios(loop, args.correction_only)
    print(" ".join(f"{key}={value}" for key, value in results.items()))


def run_scenarios(loop: Loop, correction_only: bool) -> dict:
    results = {} if correction_only else cold_and_blitz(loop)
    print("Correction scenario: 10 representative frames answered per video, retrain and update; then "
          f"rounds of fixing the {FIXES_PER_VIDEO} longest wrong stretches of each video, retrain and update. "
          "First with labels decoded as shots (the default), then frame by frame.")
    return results | correction_rounds(loop) | correction_rounds(loop, shots=False)


def cold_and_blitz(loop: Loop) -> dict:
    results = {}
    for per_video in (5, 10):
        for method, propagate in (("uniform", False), ("unique", False), ("unique", True), ("representative", False)):
            name = f"cold{per_video}_{method}{'_prop' if propagate else ''}"
            title = f"Cold {per_video}/video {method}{' + propagation' if propagate else ''}"
            accuracy, segments = scenario(loop, title, lambda n=per_video, m=method: loop.sample(n, m),
                                          propagate=propagate)
            results[f"{name}_acc"], results[f"{name}_segments"] = round(accuracy, 4), segments
    for share in (0.25, 0.5):
        reviewed: list = []

        def prepare(share=share, reviewed=reviewed):
            from learning import sampling, services

            reviewed[:] = loop.review(share)
            loop.run(services.start_collecting(project=loop.project, frame_skip=5, started_by=None, enqueue=False),
                     sampling.run_collecting)

        accuracy, segments = scenario(loop, f"Blitz {share:.0%} of videos reviewed", prepare, kind="blitz",
                                      skip={v.pk for v in loop.videos[: max(1, round(share * len(loop.videos)))]})
        results[f"blitz{round(share * 100)}_acc"], results[f"blitz{round(share * 100)}_segments"] = round(
            accuracy, 4), segments
    results |= uncertainty_round(loop)
    return results


def uncertainty_round(loop: Loop) -> dict:
    """Cold 5/video unique, then one round of the uncertain-frames queue (2 per video), retrained."""
    from learning import uncertain

    before, _ = scenario(loop, "Cold 5/video unique (again)", lambda: loop.sample(5, "unique"))
    started = time.perf_counter()
    job = uncertain.start_uncertain(project=loop.project, count=2 * len(loop.videos), started_by=None, enqueue=False)
    loop.run(job, uncertain.run_uncertain)
    asked = loop.answer()
    loop.train_and_predict("cold")
    accuracy, segments = loop.score()
    print(f"{'+ one uncertainty round':32s} accuracy {accuracy:6.1%}  wrong segments {segments:4d}  "
          f"{asked} more frames labelled  {time.perf_counter() - started:5.1f} s")
    return {"uncertain_before_acc": round(before, 4), "uncertain_after_acc": round(accuracy, 4),
            "uncertain_segments": segments}


if __name__ == "__main__":
    main()
