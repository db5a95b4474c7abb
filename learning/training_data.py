"""What training learns from (C-3, L-6): every frame a person labelled, read as prediction reads it.

A person's labels are runs of their own in a video's current labels (answers, range edits, similar
frames, imports), or the whole set once a person reviewed it. Each run gives a few distinct frames
(prediction.ml.frame_hash), so a 10,000-frame range does not drown a 5-frame class. Frames come as
the model's exact inputs, or as their backbone features from the embeddings cache where it has them.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from labelling.models import LabelSet
from labelling.selectors import HEAVY_FIELDS
from learning.selectors import held_out_frames, person_runs, sample_answers, without_frames
from prediction import embeddings
from prediction.ml.frame_hash import HASH_STRIDE, frame_hash, spread_over_range
from videos.frames import read_frames
from videos.models import Video, VideoStatus
from videos.storage import local_copy

RANGE_CAP = 24  # frames one run gives at most
RANGE_THRESHOLD = 4  # pHash bits that make a frame of a run look new
CANDIDATES_PER_RANGE = 8 * RANGE_CAP  # hashed frames looked at in a run with no cached hashes


@dataclass
class TrainingSet:
    inputs: np.ndarray  # (N, S, S, 3) uint8 images, or (N, D) float32 features
    labels: np.ndarray  # (N,) index into the classes
    groups: np.ndarray  # (N,) video id, for the validation split
    human_labelled: int  # frames people labelled, of which `inputs` are the distinct ones


def labelled_ranges(project, kind: str, track=None) -> dict[int, list[tuple[int, int, int]]]:
    """video id -> (start, end, class id) a person labelled: every human label on the track (the first unless
    named), or (cold, blitz) the answered samples of those sources there; audit frames never (they test the
    model)."""
    ranges: dict[int, list] = {}
    if kind == "human":
        held_out = held_out_frames(project, track or project.first_track)
        for label_set in LabelSet.objects.current(track).filter(video__project=project).defer(*HEAVY_FIELDS):
            runs = list(zip(*(part.tolist() for part in person_runs(label_set)), strict=True))
            if label_set.video_id in held_out:
                runs = without_frames(runs, held_out[label_set.video_id])
            if runs:
                ranges[label_set.video_id] = runs
        return ranges
    return {video_id: [(frame, frame, class_id) for frame, class_id in answers]
            for video_id, answers in sample_answers(project, kind, track).items()}


def build_training_set(project, kind: str, classes: list, image_size: int, embeddings_key: str,
                       featurize: Callable[[np.ndarray], np.ndarray] | None) -> TrainingSet:
    """The distinct labelled frames of the learnt classes (of one track); features (cached, or featurize(images))
    when featurize is given, else images."""
    index_of = {label_class.pk: i for i, label_class in enumerate(classes)}
    inputs, labels, groups, human = [], [], [], 0
    ranges = labelled_ranges(project, kind, classes[0].track_id)
    for video in Video.objects.filter(pk__in=ranges, status=VideoStatus.READY).order_by("pk"):
        video_ranges = [r for r in ranges[video.pk] if r[2] in index_of]
        if not video_ranges:
            continue
        human += sum(end - start + 1 for start, end, _ in video_ranges)
        cached = embeddings.find(video, embeddings_key) if featurize and embeddings_key else None
        picks, video_inputs = _VideoFrames(video, image_size, cached, embeddings_key).pick(video_ranges, featurize)
        inputs.append(video_inputs)
        labels += [index_of[class_id] for _, class_id in picks]
        groups += [video.pk] * len(picks)
    return TrainingSet(np.concatenate(inputs) if inputs else np.zeros((0,)), np.asarray(labels, dtype=np.int64),
                       np.asarray(groups, dtype=np.int64), human)


def build_joint_training_set(project, kind: str, classes_per_track: list[list], image_size: int) -> TrainingSet:
    """The distinct frames labelled on any of the tracks (each a list of its learnt classes), as images, with
    labels (N, T): each track's class index there, or -1 where nobody labelled that track there. One network
    learns every track from them (issue 33)."""
    index_of = [{label_class.pk: i for i, label_class in enumerate(classes)} for classes in classes_per_track]
    ranges = [labelled_ranges(project, kind, classes[0].track_id) for classes in classes_per_track]
    inputs, labels, groups, human = [], [], [], 0
    for video in Video.objects.filter(pk__in=set().union(*ranges), status=VideoStatus.READY).order_by("pk"):
        per_track = [[r for r in track.get(video.pk, []) if r[2] in index] for track, index in zip(ranges, index_of,
                                                                                                      strict=True)]
        labelled = np.zeros(video.frame_count, dtype=bool)  # frames a person labelled on any of the tracks
        for start, end, _ in (r for track in per_track for r in track):
            labelled[start : end + 1] = True
        human += int(labelled.sum())
        frames = _VideoFrames(video, image_size, None)
        picked = np.asarray(sorted({frame for track in per_track if track for frame, _ in frames.choose(track)}),
                            dtype=np.int64)
        if not len(picked):
            continue
        inputs.append(frames.images_of(picked))
        labels.append(np.stack([_class_at(track, index, picked) for track, index in zip(per_track, index_of,
                                                                                         strict=True)], axis=1))
        groups += [video.pk] * len(picked)
    return TrainingSet(np.concatenate(inputs) if inputs else np.zeros((0,)),
                       np.concatenate(labels) if labels else np.zeros((0, len(ranges)), dtype=np.int64),
                       np.asarray(groups, dtype=np.int64), human)


def _class_at(ranges: list[tuple[int, int, int]], index_of: dict, frames: np.ndarray) -> np.ndarray:
    """Per frame, the class index of the range holding it (ranges do not overlap), or -1."""
    found = np.full(len(frames), -1, dtype=np.int64)
    for start, end, class_id in ranges:
        found[(frames >= start) & (frames <= end)] = index_of[class_id]
    return found


class _VideoFrames:
    """One video's frames as the model sees them: from the cache where it has them, else decoded exactly."""

    def __init__(self, video: Video, image_size: int, cached: embeddings.CachedEmbeddings | None,
                 key: str = "") -> None:
        self.video, self.size, self.cached, self.key = video, image_size, cached, key
        self.images: dict[int, np.ndarray] = {}

    def choose(self, ranges: list) -> list[tuple[int, int]]:
        """(frame, class id) of the few distinct frames each range gives."""
        if self.cached is not None:
            frames, hashes = self.cached.frames, self.cached.hashes
        else:
            frames, hashes = self._hash_candidates(ranges)
        return [(frame, class_id) for start, end, class_id in ranges
                for frame in spread_over_range(start, end, frames, hashes, RANGE_CAP, RANGE_THRESHOLD)]

    def pick(self, ranges: list, featurize) -> tuple[list[tuple[int, int]], np.ndarray]:
        """(frame, class id) of each picked frame, and their features or images (in that order)."""
        picks = self.choose(ranges)
        wanted = np.asarray([frame for frame, _ in picks], dtype=np.int64)
        if featurize is None:
            return picks, self.images_of(wanted)
        return picks, self._features(wanted, featurize)

    def _hash_candidates(self, ranges: list) -> tuple[np.ndarray, np.ndarray]:
        candidates = set()
        for start, end, _ in ranges:
            hashed = np.arange(-(-start // HASH_STRIDE) * HASH_STRIDE, end + 1, HASH_STRIDE)
            if len(hashed) > CANDIDATES_PER_RANGE:
                hashed = hashed[np.linspace(0, len(hashed) - 1, CANDIDATES_PER_RANGE).round().astype(int)]
            candidates.update(hashed.tolist())
        frames = np.asarray(sorted(candidates), dtype=np.int64)
        self._decode(frames)
        return frames, np.asarray([frame_hash(self.images[f]) for f in frames.tolist()], dtype=np.int64)

    def _features(self, frames: np.ndarray, featurize) -> np.ndarray:
        out = np.zeros((len(frames), 0), dtype=np.float32)
        found = np.zeros(len(frames), dtype=bool)
        if self.cached is not None:
            found, at = self.cached.rows_of(frames)
            out = np.zeros((len(frames), self.cached.embeddings.shape[1]), dtype=np.float32)
            out[found] = self.cached.embeddings[at[found]]
        if not found.all():
            missing = frames[~found]
            computed = featurize(self.images_of(missing))
            out = out if out.shape[1] else np.zeros((len(frames), computed.shape[1]), dtype=np.float32)
            out[~found] = computed
            if self.key:  # the next retrain finds them (a person's answers are rarely frames the gate chose)
                hashes = np.asarray([frame_hash(self.images[f]) for f in missing.tolist()], dtype=np.int64)
                embeddings.add_to_gated(self.video, self.key, embeddings.CachedEmbeddings(missing, computed, hashes))
        return out

    def images_of(self, frames: np.ndarray) -> np.ndarray:
        self._decode(frames)
        return np.stack([self.images[f] for f in frames.tolist()]) if len(frames) else np.zeros(
            (0, self.size, self.size, 3), dtype=np.uint8)

    def _decode(self, frames: np.ndarray) -> None:
        missing = sorted(set(frames.tolist()) - set(self.images))
        if not missing:
            return
        size, picture = self.size, self.video.picture
        with local_copy(self.video.file) as path:  # the exact frames, resized as the prediction pipeline does
            self.images.update(read_frames(path, self.video.frame_pts_array(), missing,
                                           lambda f: picture.square(f, size)))
