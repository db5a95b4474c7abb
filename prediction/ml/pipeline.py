"""Decode -> batch -> infer, overlapped: a thread decodes and resizes while the model runs (X-1). By default
the app gates the model: it looks where a label may change (prediction.ml.gating); every frame (or every
k-th) stays a mode."""

import os
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import av
import numpy as np
import torch

from prediction.ml.boundaries import Read, look_between
from prediction.ml.frame_hash import hashes_of, sparse_luma
from prediction.ml.gating import Frames, GateConfig, fill_between, gated_predict, thumbnail
from prediction.ml.model import FrameClassifier
from prediction.ml.shown import AS_DECODED, Shown
from prediction.ml.smoothing import decode_shots, fill_from_nearest, hold_previous, smooth_labels


@dataclass(frozen=True)
class _End:
    frame_count: int  # every decoded frame, predicted or skipped


@dataclass(frozen=True)
class PipelineConfig:
    batch_size: int = 16
    frame_skip: int = 1  # predict every k-th frame, fill the rest from the nearest prediction
    smooth: int = 1  # minimum run length of a label change
    switch_probability: float | None = None  # decode shots with this chance of a change per frame; None: each
    # frame takes its most probable class
    gate: GateConfig | None = None  # classify a stride, the cuts and where a label may change; None: every
    # (k-th) frame
    queue_batches: int = 4
    hold_previous: float = 0.0  # the share of a frame's probability its previous model label keeps (smoothing)

VERIFY_FRAMES = 64  # frames classified both ways before bfloat16 is trusted for a model (AIGVA_BF16=auto)
BF16_AGREEMENT = 0.995  # the share of those whose label bfloat16 must keep


@dataclass
class Prediction:
    classes: np.ndarray  # (N,) int64 class index per frame
    confidences: np.ndarray  # (N,) float32 softmax probability of that class
    margins: np.ndarray  # (N,) float32 that probability minus the likeliest other class's (< 0: decoding overrode)
    predicted_frames: np.ndarray  # (M,) int64 frames the model saw
    embeddings: np.ndarray  # (M, D) float16 pooled backbone features of those frames; (0, 0) without a backbone
    hashes: np.ndarray  # (M,) int64 pHash of those frames (every HASH_STRIDE-th; NOT_HASHED elsewhere)
    model_frames: int  # frames the backbone ran on for this prediction (0 when all came from the cache)


class DecodeFailed(RuntimeError):
    """The video stopped decoding; `frame` is where."""

    def __init__(self, frame: int, cause: Exception) -> None:
        super().__init__(f"decoding failed at frame {frame}: {cause}")
        self.frame = frame


def _decoded(path: str, threads: int) -> Iterator[tuple[int, av.VideoFrame] | _End]:
    """(index, frame) for every frame, then _End."""
    index = -1
    with av.open(path) as container:
        stream = container.streams.video[0]
        stream.thread_count = threads
        if threads > 1:
            stream.thread_type = "FRAME"
        try:
            for index, frame in enumerate(container.decode(stream)):
                yield index, frame
        except av.error.FFmpegError as exc:
            raise DecodeFailed(index, exc) from exc
    yield _End(index + 1)


def model_input(picture: Shown, size: int | None) -> Callable[[av.VideoFrame], np.ndarray]:
    """Decoded frame -> RGB uint8 (size, size, 3), resized by PyAV while converting, or whole (as shown) for
    size None; upright either way."""
    return lambda frame: picture.square(frame, size) if size else picture.upright(frame).to_ndarray(format="rgb24")


def decode_batches(
    path: str, size: int | None, frame_skip: int, batch_size: int, picture: Shown = AS_DECODED
) -> Iterator[tuple[np.ndarray, np.ndarray] | _End]:
    """Yield (frame indices (B,), RGB images (B, size, size, 3) uint8), then _End."""
    indices, images, convert = [], [], model_input(picture, size)
    # One decoding thread: the model already keeps every core busy, more threads only contend.
    for item in _decoded(path, threads=1):
        if isinstance(item, _End):
            if images:
                yield np.asarray(indices), np.stack(images)
            yield item
            return
        index, frame = item
        if index % frame_skip:
            continue
        indices.append(index)
        images.append(convert(frame))
        if len(images) == batch_size:
            yield np.asarray(indices), np.stack(images)
            indices, images = [], []


def change_thumbnail(frame: av.VideoFrame) -> np.ndarray:
    """The change signal of a decoded frame, from every 4th pixel of its luma plane (a 16x16 average needs no
    more), or a small grey conversion for other pixel formats."""
    grey = sparse_luma(frame, 4)
    if grey is None:
        grey = frame.reformat(width=64, height=64, format="gray").to_ndarray()
    return thumbnail(grey)


def decode_for_gating(path: str, batch_size: int) -> Iterator[tuple[np.ndarray, list, np.ndarray] | _End]:
    """Yield (frame indices (B,), decoded frames, change thumbnails (B, 16, 16)), then _End. Two decoding
    threads: while the gate holds the model back, decoding is most of the work."""
    indices, frames, thumbs = [], [], []
    for item in _decoded(path, threads=2):
        if isinstance(item, _End):
            if frames:
                yield np.asarray(indices), frames, np.stack(thumbs)
            yield item
            return
        indices.append(item[0])
        frames.append(item[1])
        thumbs.append(change_thumbnail(item[1]))
        if len(frames) == batch_size:
            yield np.asarray(indices), frames, np.stack(thumbs)
            indices, frames, thumbs = [], [], []


def _frame_bytes(frame: av.VideoFrame) -> int:
    return sum(plane.buffer_size for plane in frame.planes)


def _produce(
    path: str, model_size: int | None, picture: Shown, config: PipelineConfig, out: queue.Queue,
    stop: threading.Event,
) -> None:
    # Decoding yields the CPU to the model's threads, so they are not held up waiting for one of
    # their own (on CPU both share the cores); it fills the gaps between the model's kernels.
    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    try:
        batches = decode_for_gating(path, config.batch_size) if config.gate is not None else decode_batches(
            path, model_size, config.frame_skip, config.batch_size, picture)
        for batch in batches:
            if not isinstance(batch, _End) and config.gate is None:  # gated: only classified frames are hashed
                batch = (*batch, hashes_of(*batch))
            while not stop.is_set():
                try:
                    out.put(batch, timeout=0.2)
                    break
                except queue.Full:
                    continue
            if stop.is_set():
                return
    except Exception as exc:  # handed to the consumer, which raises it
        out.put(exc)


class BatchClassifier(Protocol):
    """Labels a batch of frames: (B, H, W, 3) uint8 RGB -> class probabilities (B, K), features (B, D) or None."""

    image_size: int | None  # frames arrive resized to size x size, or whole when None

    def __call__(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]: ...


class TorchClassifier:
    """A FrameClassifier on a device in float32, bfloat16 autocast, or "verify": both ways on the first
    VERIFY_FRAMES frames (the float32 answers are the predictions), then bfloat16 only if it kept their labels."""

    def __init__(self, model: FrameClassifier, device: torch.device, precision: str = "fp32") -> None:
        self.model = model.eval().to(device, memory_format=torch.channels_last)
        self.device, self.bf16 = device, precision == "bf16"
        self.image_size = model.config.image_size
        self.verifying = precision == "verify"
        self.agreement: float | None = None  # share of verified frames whose label bfloat16 kept
        self._checked = self._agreed = 0

    def __call__(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if not self.verifying:
            return self._run(images, self.bf16)
        probabilities, features = self._run(images, bf16=False)
        fast, _ = self._run(images, bf16=True)
        self._checked += len(images)
        self._agreed += int((fast.argmax(axis=1) == probabilities.argmax(axis=1)).sum())
        if self._checked >= VERIFY_FRAMES:
            self.agreement = self._agreed / self._checked
            self.bf16, self.verifying = self.agreement >= BF16_AGREEMENT, False
        return probabilities, features

    @torch.inference_mode()
    def embed(self, images: np.ndarray, bf16: bool | None = None) -> torch.Tensor:
        """(B, S, S, 3) uint8 -> (B, D) float16 pooled features on the device, as the embeddings cache keeps
        them; in bfloat16 as decided (or as `bf16` says)."""
        pixels = torch.from_numpy(images)
        if self.device.type == "cuda":  # a pinned copy goes over while the host decodes the next batch
            pixels = pixels.pin_memory()
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.bf16 if bf16 is None else bf16):
            return self.model.features(pixels.to(self.device, non_blocking=True)).to(torch.float16)

    @torch.inference_mode()
    def _run(self, images: np.ndarray, bf16: bool) -> tuple[np.ndarray, np.ndarray]:
        features = self.embed(images, bf16)  # (B, D)
        # The head sees the features as the cache keeps them, so a re-prediction from it gives these answers.
        probabilities = self.model.head(features.float()).softmax(dim=1)  # (B, K)
        return probabilities.cpu().numpy(), features.cpu().numpy()

    @torch.inference_mode()
    def classify_features(self, features: np.ndarray) -> np.ndarray:
        """Cached pooled features (N, D) -> class probabilities (N, K), through the head alone."""
        return self.model.head(torch.from_numpy(features).to(self.device).float()).softmax(dim=1).cpu().numpy()


def predict_video(
    path: str, classifier: BatchClassifier, config: PipelineConfig, on_batch: Callable[[int], None] | None = None,
    fixed: np.ndarray | None = None, picture: Shown = AS_DECODED, previous: np.ndarray | None = None,
) -> Prediction:
    """Label every frame of the video, as shown (`picture`): by classifying each (k-th) frame, or where
    config.gate says. on_batch(frames decoded so far) may raise to cancel. fixed: (N,) the class a person gave
    each frame, or -1; decoded shots go through them. previous: (N,) a model's earlier label, or -1; it keeps
    config.hold_previous of the frame's probability."""
    batches: queue.Queue = queue.Queue(maxsize=config.queue_batches)
    stop = threading.Event()
    producer = threading.Thread(
        target=_produce, args=(path, classifier.image_size, picture, config, batches, stop), daemon=True
    )
    producer.start()
    end: list[int] = []
    try:
        if config.gate is not None:
            frames = Frames(to_input=model_input(picture, classifier.image_size), size_of=_frame_bytes)
            gated = gated_predict(_drain(batches, end), classifier, config.gate, config.batch_size, frames, on_batch,
                                  must_see=answered_frames(fixed))
            seen, probabilities = gated.frames, gated.probabilities
            embeddings, hashes = gated.features, [np.asarray(gated.hashes, dtype=np.int64)]
        else:
            seen, probabilities, embeddings, hashes = [], [], [], []
            for indices, images, batch_hashes in _drain(batches, end):
                batch_probabilities, features = classifier(images)
                seen.append(indices)
                hashes.append(batch_hashes)
                probabilities.append(batch_probabilities)
                if features is not None:
                    embeddings.append(features)
                if on_batch:
                    on_batch(int(indices[-1]) + 1)
    finally:
        stop.set()
        producer.join(timeout=5)
    model_frames = sum(len(frames) for frames in seen)
    return _assemble(seen, probabilities, embeddings, hashes, config, end[0], fixed, model_frames, previous)


ANSWER_RUN = 3  # frames: a person's run this short is an answer (a sample, a similar frame), not a range


def answered_frames(fixed: np.ndarray | None) -> frozenset[int]:
    """The frames of people's short runs: the gate shows them to the model, so the embeddings cache holds
    their features and retraining on them decodes nothing."""
    if fixed is None or not len(fixed):
        return frozenset()
    starts = np.flatnonzero(np.diff(fixed, prepend=-2) != 0)
    ends = np.append(starts[1:], len(fixed))
    return frozenset(frame for start, end in zip(starts.tolist(), ends.tolist(), strict=True)
                     if fixed[start] >= 0 and end - start <= ANSWER_RUN for frame in range(start, end))


def _drain(batches: queue.Queue, end: list[int]) -> Iterator[tuple]:
    """The decoded batches as they come; the producer's error is raised here; `end` gets the frame count."""
    while not isinstance(item := batches.get(), _End):
        if isinstance(item, Exception):
            raise item
        yield item
    end.append(item.frame_count)


def predict_from_features(
    frames: np.ndarray, features: np.ndarray, hashes: np.ndarray, classifier: TorchClassifier, config: PipelineConfig,
    frame_count: int, fixed: np.ndarray | None = None, read: Read | None = None, previous: np.ndarray | None = None,
) -> Prediction:
    """Re-predict from cached embeddings of `frames` (only the head runs). Gated, where the labels the new head
    leads to (decoded as shots, or its own) differ at two neighbouring cached frames, `read` decodes the frames
    between and the whole model places the boundary (boundaries.look_between); those frames join the returned
    embeddings, so the cache can keep them. A doubt the decode overrules reads nothing. Frames a person labelled
    (`fixed` >= 0) keep their label whatever the model says: never read. previous: as for predict_video."""
    probabilities = _head(classifier, features)
    looked = None
    if config.gate is not None and read is not None:
        people = fixed >= 0 if fixed is not None and len(fixed) == frame_count else np.zeros(frame_count, dtype=bool)
        _, classes = _decide(frames, probabilities, config, frame_count, fixed, previous)
        looked = look_between(frames, probabilities, people, read, classifier, config.batch_size, classes[frames])
    if looked and looked.frames:
        order = np.argsort(np.concatenate([frames, looked.frames]), kind="stable")
        frames = np.concatenate([frames, looked.frames])[order]
        probabilities = np.concatenate([probabilities, np.stack(looked.probabilities)])[order]
        features = np.concatenate([features, np.stack(looked.features)])[order]
        hashes = np.concatenate([hashes, np.asarray(looked.hashes, dtype=np.int64)])[order]
    model_frames = len(looked.frames) if looked else 0
    return _assemble([frames], [probabilities], [features], [hashes], config, frame_count, fixed, model_frames,
                     previous)


def _head(classifier: TorchClassifier, features: np.ndarray) -> np.ndarray:
    chunk = 65_536  # bounds the float32 copy of a long video's features
    return np.concatenate([classifier.classify_features(features[start:start + chunk])
                           for start in range(0, max(len(features), 1), chunk)])


def _decide(frames: np.ndarray, probabilities: np.ndarray, config: PipelineConfig, frame_count: int,
            fixed: np.ndarray | None, previous: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(every frame's probabilities (N, K), its label (N,)) from the probabilities of the classified `frames`."""
    fill = fill_from_nearest if config.gate is None else fill_between
    every_frame = fill(frames, probabilities.astype(np.float32), frame_count)  # (N, K)
    deciding = every_frame
    if previous is not None and len(previous) == frame_count:
        deciding = hold_previous(every_frame, previous, config.hold_previous)
    if config.switch_probability:
        classes = decode_shots(deciding, config.switch_probability,
                               fixed if fixed is not None and len(fixed) == frame_count else None)
    else:
        classes = deciding.argmax(axis=1)
    return every_frame, smooth_labels(classes, config.smooth).astype(np.int64)


def _assemble(seen, probabilities, embeddings, hashes, config: PipelineConfig, frame_count: int,
              fixed: np.ndarray | None, model_frames: int, previous: np.ndarray | None = None) -> Prediction:
    if not seen:
        raise DecodeFailed(0, RuntimeError("no frame decoded"))
    frames = np.concatenate(seen)
    every_frame, classes = _decide(frames, np.concatenate(probabilities), config, frame_count, fixed, previous)
    chosen = np.take_along_axis(every_frame, classes[:, None], axis=1)[:, 0]
    np.put_along_axis(every_frame, classes[:, None], -np.inf, axis=1)  # leaves the other classes
    others = every_frame.max(axis=1) if every_frame.shape[1] > 1 else np.zeros_like(chosen)
    return Prediction(
        classes=classes,
        confidences=chosen,
        margins=chosen - others,
        predicted_frames=frames.astype(np.int64),
        embeddings=np.concatenate(embeddings) if embeddings else np.zeros((0, 0), dtype=np.float16),
        hashes=np.concatenate(hashes),
        model_frames=model_frames,
    )
