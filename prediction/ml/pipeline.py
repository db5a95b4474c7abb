"""Decode -> batch -> infer, overlapped: a thread decodes and resizes while the model runs (X-1)."""

import os
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import av
import numpy as np
import torch

from prediction.ml.frame_hash import hashes_of
from prediction.ml.model import FrameClassifier
from prediction.ml.smoothing import decode_shots, fill_from_nearest, smooth_labels
from videos.frames import AS_DECODED, Picture


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
    queue_batches: int = 4


@dataclass
class Prediction:
    classes: np.ndarray  # (N,) int64 class index per frame
    confidences: np.ndarray  # (N,) float32 softmax probability of that class
    margins: np.ndarray  # (N,) float32 that probability minus the likeliest other class's (< 0: decoding overrode)
    predicted_frames: np.ndarray  # (M,) int64 frames the model saw
    embeddings: np.ndarray  # (M, D) float16 pooled backbone features of those frames; (0, 0) without a backbone
    hashes: np.ndarray  # (M,) int64 pHash of those frames (every HASH_STRIDE-th; NOT_HASHED elsewhere)


class DecodeFailed(RuntimeError):
    """The video stopped decoding; `frame` is where."""

    def __init__(self, frame: int, cause: Exception) -> None:
        super().__init__(f"decoding failed at frame {frame}: {cause}")
        self.frame = frame


def decode_batches(
    path: str, size: int | None, frame_skip: int, batch_size: int, picture: Picture = AS_DECODED
) -> Iterator[tuple[np.ndarray, np.ndarray] | _End]:
    """Yield (frame indices (B,), RGB images (B, size, size, 3) uint8, pHashes (B,)), then _End.

    PyAV resizes while converting; size None keeps frames whole (as shown). Either way upright.
    """
    indices, images, index = [], [], -1
    with av.open(path) as container:
        stream = container.streams.video[0]
        # One decoding thread: the model already keeps every core busy, more threads only contend.
        stream.thread_count = 1
        try:
            for index, frame in enumerate(container.decode(stream)):
                if index % frame_skip:
                    continue
                indices.append(index)
                images.append(picture.square(frame, size) if size else
                              picture.upright(frame).to_ndarray(format="rgb24"))
                if len(images) == batch_size:
                    yield _batch(indices, images)
                    indices, images = [], []
        except av.error.FFmpegError as exc:
            raise DecodeFailed(index, exc) from exc
    if images:
        yield _batch(indices, images)
    yield _End(index + 1)


def _batch(indices: list[int], images: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    frames, stacked = np.asarray(indices), np.stack(images)
    return frames, stacked, hashes_of(frames, stacked)


def _produce(
    path: str, model_size: int | None, picture: Picture, config: PipelineConfig, out: queue.Queue,
    stop: threading.Event,
) -> None:
    # Decoding yields the CPU to the model's threads, so they are not held up waiting for one of
    # their own (on CPU both share the cores); it fills the gaps between the model's kernels.
    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    try:
        for batch in decode_batches(path, model_size, config.frame_skip, config.batch_size, picture):
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
    """A FrameClassifier on a device, optionally under bfloat16 autocast."""

    def __init__(self, model: FrameClassifier, device: torch.device, bf16: bool = False) -> None:
        self.model = model.eval().to(device, memory_format=torch.channels_last)
        self.device, self.bf16 = device, bf16
        self.image_size = model.config.image_size

    @torch.inference_mode()
    def __call__(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.bf16):
            features = self.model.features(torch.from_numpy(images).to(self.device))  # (B, D)
            probabilities = self.model.head(features).float().softmax(dim=1)  # (B, K)
        return probabilities.cpu().numpy(), features.to(torch.float16).cpu().numpy()

    @torch.inference_mode()
    def classify_features(self, features: np.ndarray) -> np.ndarray:
        """Cached pooled features (N, D) -> class probabilities (N, K), through the head alone."""
        return self.model.head(torch.from_numpy(features).to(self.device).float()).softmax(dim=1).cpu().numpy()


def predict_video(
    path: str, classifier: BatchClassifier, config: PipelineConfig, on_batch: Callable[[int], None] | None = None,
    fixed: np.ndarray | None = None, picture: Picture = AS_DECODED,
) -> Prediction:
    """Classify every frame of the video, as shown (`picture`). on_batch(frames seen so far) may raise to
    cancel. fixed: (N,) the class a person gave each frame, or -1; decoded shots go through them."""
    batches: queue.Queue = queue.Queue(maxsize=config.queue_batches)
    stop = threading.Event()
    producer = threading.Thread(
        target=_produce, args=(path, classifier.image_size, picture, config, batches, stop), daemon=True
    )
    producer.start()
    seen, probabilities, embeddings, hashes = [], [], [], []
    try:
        while not isinstance(item := batches.get(), _End):
            if isinstance(item, Exception):
                raise item
            indices, images, batch_hashes = item
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
    return _assemble(seen, probabilities, embeddings, hashes, config, item.frame_count, fixed)


def predict_from_features(
    frames: np.ndarray, features: np.ndarray, hashes: np.ndarray, classifier: TorchClassifier, config: PipelineConfig,
    frame_count: int, fixed: np.ndarray | None = None,
) -> Prediction:
    """Re-predict from cached embeddings of `frames` without decoding (only the head runs)."""
    chunk = 65_536  # bounds the float32 copy of a long video's features
    probabilities = [classifier.classify_features(features[start:start + chunk])
                     for start in range(0, len(frames), chunk)]
    return _assemble([frames], probabilities, [features], [hashes], config, frame_count, fixed)


def _assemble(seen, probabilities, embeddings, hashes, config: PipelineConfig, frame_count: int,
              fixed: np.ndarray | None) -> Prediction:
    if not seen:
        raise DecodeFailed(0, RuntimeError("no frame decoded"))
    frames, seen_probabilities = np.concatenate(seen), np.concatenate(probabilities).astype(np.float32)
    every_frame = fill_from_nearest(frames, seen_probabilities, frame_count)  # (N, K)
    if config.switch_probability:
        classes = decode_shots(every_frame, config.switch_probability,
                               fixed if fixed is not None and len(fixed) == frame_count else None)
    else:
        classes = every_frame.argmax(axis=1)
    classes = smooth_labels(classes, config.smooth).astype(np.int64)
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
    )
