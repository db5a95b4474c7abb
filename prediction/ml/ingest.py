"""What one decode of a new video keeps for the way to its first labels (V-5), watching the probe's decode
frame by frame: the frames change-gated prediction would classify before any head exists, with their backbone
features, and a grey pHash every HASH_STRIDE frames for unique sampling.

The gated frames are the gate's anchors (gating.Anchors), the frame before every cut and the last frame. A
head's first prediction then places a boundary at a cut from the cache alone; only a label change inside a shot
(between two anchors that disagree) decodes its stretch (prediction.ml.boundaries). The backbone runs in a thread
of its own, so decoding goes on meanwhile.
"""

import queue
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass

import av
import numpy as np

from prediction.ml.frame_hash import HASH_STRIDE, frame_hash, grey_phash
from prediction.ml.gating import Anchors, GateConfig
from prediction.ml.pipeline import change_thumbnail

QUEUE_BATCHES = 4  # model inputs waiting for the backbone at most, so memory stays bounded on any length

Embed = Callable[[np.ndarray], np.ndarray]  # (B, S, S, 3) uint8 model inputs -> (B, D) float16 features
ToInput = Callable[[av.VideoFrame], np.ndarray]  # a decoded frame -> (S, S, 3) uint8 model input


@dataclass(frozen=True)
class Kept:
    frames: np.ndarray  # (M,) int64 the gated frames, ascending
    features: np.ndarray  # (M, D) float16 their pooled backbone features
    hashes: np.ndarray  # (M,) int64 pHash of their model inputs (as prediction keeps in the embeddings cache)
    hashed_frames: np.ndarray  # (H,) int64 every HASH_STRIDE-th frame
    grey_hashes: np.ndarray  # (H,) int64 their grey pHash (frame_hash.grey_phash)


class GateWatcher:
    """Sees every decoded frame of one pass, in order (`see`), and keeps what `Kept` holds (`finish`)."""

    def __init__(self, embed: Embed, to_input: ToInput, gate: GateConfig, batch_size: int,
                 store: Callable[[Kept], None] | None = None) -> None:
        self.batch_size = batch_size
        self._embed, self._to_input, self._store = embed, to_input, store
        self.kept: Kept | None = None
        self._batch: tuple[list[int], list[np.ndarray]] = ([], [])
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUE_BATCHES)
        self._done: list[tuple[np.ndarray, np.ndarray]] = []  # (frames, hashes) per batch
        # Features go to disk as the backbone makes them: held in memory, joining them at the end would hold
        # a second copy (about 220 MB on a 10-hour clip).
        self._features = tempfile.TemporaryFile()
        self._width = 0
        self._error: BaseException | None = None
        self._hashed: list[int] = []
        self._grey: list[int] = []
        self._anchors = Anchors(gate)
        self._previous: tuple[int, av.VideoFrame] | None = None
        self._last_kept = -1
        self._thread = threading.Thread(target=self._run_backbone, name="ingest-backbone", daemon=True)
        self._thread.start()

    def see(self, index: int, frame: av.VideoFrame) -> None:
        cut, anchor = self._anchors.see(index, change_thumbnail(frame))
        if cut and self._last_kept != index - 1:
            self._keep(index - 1, self._previous[1])  # the cut's first side: a boundary there needs no decode
        if anchor:
            self._keep(index, frame)
        if index % HASH_STRIDE == 0:
            self._hashed.append(index)
            self._grey.append(grey_phash(frame))
        self._previous = (index, frame)

    def _keep(self, index: int, frame: av.VideoFrame) -> None:
        frames, images = self._batch
        frames.append(index)
        images.append(self._to_input(frame))
        self._last_kept = index
        if len(frames) == self.batch_size:
            self._send()

    def _send(self) -> None:
        frames, images = self._batch
        if frames:
            self._put((np.asarray(frames, dtype=np.int64), np.stack(images)))
        self._batch = ([], [])

    def _put(self, item) -> None:
        while self._thread.is_alive():  # a backbone that failed takes nothing more: its error is raised
            try:
                self._queue.put(item, timeout=0.2)
                return
            except queue.Full:
                continue
        self._raise()

    def _run_backbone(self) -> None:
        try:
            while (item := self._queue.get()) is not None:
                frames, images = item
                features = np.ascontiguousarray(self._embed(images), dtype=np.float16)
                self._features.write(features.tobytes())
                self._width = features.shape[1]
                self._done.append((frames, np.asarray([frame_hash(image) for image in images], dtype=np.int64)))
        except BaseException as exc:  # raised in the decoding thread, at its next frame or at the end
            self._error = exc

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def finish(self, frame_count: int) -> None:
        """Once every frame was seen: wait for the backbone, then `kept` holds what the pass kept (handed to
        `store`). The last frame is always a gated one: nothing after it can stand in for it."""
        if self._previous is not None and self._last_kept != self._previous[0]:
            self._keep(*self._previous)
        self._send()
        self._stop()
        self._raise()
        frames, hashes = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
        if self._done:
            frames, hashes = (list(part) for part in zip(*self._done, strict=True))
        self._features.seek(0)
        features = np.fromfile(self._features, dtype=np.float16).reshape(-1, self._width)
        self.close()
        self.kept = Kept(np.concatenate(frames), features, np.concatenate(hashes),
                         np.asarray(self._hashed, dtype=np.int64), np.asarray(self._grey, dtype=np.int64))
        if self._store:
            self._store(self.kept)

    def close(self) -> None:
        """Stop the backbone's thread and drop its file; also when decoding failed."""
        self._stop()
        self._features.close()

    def _stop(self) -> None:
        """Let the backbone's thread end once it has the frames already sent."""
        while self._thread.is_alive():
            try:
                self._queue.put(None, timeout=0.2)
                break
            except queue.Full:
                continue
        self._thread.join()
