"""Dataset ZIPs (E-2): each video decoded once, in order; JPEGs encoded by a pool; streamed into the ZIP.

An ImageFolder layout: `[train/|val/]<class>/<video>_frame<N>.jpg`, N the 0-based frame index
the player shows, plus `labels.csv` (path, class, video, frame, confidence, author), a `metadata.jsonl`
beside the class folders with every track's class, confidence and author of each image (Hugging Face
`datasets` loads the folder with it, issue 33), and `README.txt` and `accuracy.json`: how right the labels
are estimated to be (issue 31).
"""

import csv
import io
import json
import os
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import BinaryIO

import av
import cv2
import numpy as np
from zipstream import ZipStream

from aigva.errors import UserFacingError
from exports.selectors import VideoPlan, sets_per_track
from labelling.selectors import author_names
from labelling.wording import accuracy_line
from learning.imports import FORMULA_PREFIXES
from videos.frames import Picture
from videos.storage import local_copy

CSV_COLUMNS = ["path", "class", "video", "frame", "confidence", "author"]
WORKERS = os.cpu_count() or 2
IN_FLIGHT = 4 * WORKERS  # decoded frames waiting for an encoder: bounds memory


def safe_cell(value) -> str:
    """Spreadsheets run cells that start like a formula; a leading apostrophe makes them text."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def encode_jpeg(frame: av.VideoFrame, picture: Picture, quality: int) -> bytes:
    """Full-resolution JPEG of the frame as shown; runs in pool threads (the conversion and libjpeg release the GIL)."""
    pixels = picture.upright(frame).to_ndarray(format="bgr24")
    ok, buffer = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return buffer.tobytes()


def frames_in_order(path: str, wanted: np.ndarray) -> Iterator[tuple[int, av.VideoFrame]]:
    """(index, frame) for each wanted index (increasing), counting decoded frames: exact, one pass."""
    if not len(wanted):
        return
    position = 0
    with av.open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for index, frame in enumerate(container.decode(stream)):
            if index == wanted[position]:
                yield index, frame
                position += 1
                if position == len(wanted):
                    return
    raise UserFacingError(f"The video ended at frame {index}, before frame {wanted[position]}; re-probe it.")


def encoded_frames(
    path: str, wanted: np.ndarray, picture: Picture, quality: int, pool: ThreadPoolExecutor
) -> Iterator[tuple[int, bytes]]:
    """(index, JPEG) in order, with a bounded number of encodes in flight."""
    pending: deque[tuple[int, Future]] = deque()
    for index, frame in frames_in_order(path, wanted):
        pending.append((index, pool.submit(encode_jpeg, frame, picture, quality)))
        if len(pending) >= IN_FLIGHT:
            done_index, future = pending.popleft()
            yield done_index, future.result()
    while pending:
        done_index, future = pending.popleft()
        yield done_index, future.result()


def write_dataset(
    plans: list[VideoPlan], folders: dict[int, str], class_names: dict[int, str], quality: int, out: BinaryIO,
    on_progress: Callable[[float, str], None] = lambda fraction, message: None,
) -> int:
    """Write the ZIP to `out`; returns the number of images."""
    total, done = sum(len(plan.frames) for plan in plans), 0
    archive, rows, metadata = ZipStream(), io.StringIO(), defaultdict(list)
    table = csv.writer(rows)
    table.writerow(CSV_COLUMNS)
    tracks = sets_per_track(plans[0].label_set.video.project, [plan.label_set for plan in plans]) if plans else []
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="jpeg") as pool:
        for plan in plans:
            video = plan.label_set.video
            classes, labels_at = dict(zip(plan.frames.tolist(), plan.class_ids.tolist(), strict=True)), frame_labels(
                plan.label_set, class_names)
            per_track = [(track.name, frame_labels(sets[video.pk], class_names)) for track, sets in tracks
                         if video.pk in sets]
            with local_copy(video.file) as path:
                for index, jpeg in encoded_frames(path, plan.frames, video.picture, quality, pool):
                    label, confidence, author = labels_at(index)
                    name = f"{folders.get(classes[index], 'unknown')}/{plan.stem}_frame{index}.jpg"
                    archive.add(jpeg, plan.subset + name)
                    out.writelines(archive.all_files())
                    table.writerow([safe_cell(v) for v in (plan.subset + name, label, video.name, index,
                                                           confidence_text(confidence), author)])
                    metadata[plan.subset].append(metadata_row(name, video.name, index, per_track))
                    done += 1
                    on_progress(done / max(total, 1), f"{video.name}: frame {index}")
    archive.add(rows.getvalue().encode(), "labels.csv")
    for subset, lines in metadata.items():
        archive.add("".join(lines).encode(), f"{subset}metadata.jsonl")
    archive.add(readme(plans).encode(), "README.txt")
    archive.add(json.dumps(accuracy_of(plans), indent=1).encode(), "accuracy.json")
    out.writelines(archive.finalize())
    return done


def metadata_row(name: str, video: str, frame: int, per_track: list[tuple[str, Callable]]) -> str:
    """One image's line of metadata.jsonl: its path from the file's folder, then every track's labels. A
    confidence is 0 where nobody chose (the author says default): `datasets` cannot join a split whose
    column is all null to one of numbers."""
    row = {"file_name": name, "video": video, "frame": frame}
    for track, labels_at in per_track:
        label, confidence, author = labels_at(frame)
        row[track], row[f"{track}_confidence"], row[f"{track}_author"] = label, confidence or 0.0, author
    return json.dumps(row) + "\n"


def accuracy_of(plans: list[VideoPlan]) -> dict:
    """The estimate of the labels' track over the project and each video's, when last worked out (null where
    never)."""
    return {"project": plans[0].label_set.track.accuracy if plans else None,
            "videos": {plan.label_set.video.name: plan.label_set.accuracy for plan in plans}}


def readme(plans: list[VideoPlan]) -> str:
    accuracy = accuracy_of(plans)
    lines = ["An AIGVA dataset: [train/|val/]<class>/<video>_frame<N>.jpg, N the 0-based frame index; labels.csv",
             "lists every image with its class, video, frame, confidence and author.", "",
             "How right the labels are, estimated from a blind audit and the model's confidences (95 % CI):",
             f"  project: {accuracy_line(accuracy['project']) or 'not estimated (no audit yet)'}"]
    lines += [f"  {name}: {accuracy_line(estimate) or 'not estimated'}"
              for name, estimate in accuracy["videos"].items()]
    return "\n".join(lines) + "\n"


def frame_labels(label_set, class_names: dict[int, str]) -> Callable[[int], tuple[str, float | None, str]]:
    """(class, confidence, author name) of a frame: a model's confidence where a model labelled it, 1 where
    a person did, None for the untouched default."""
    runs = label_set.label_runs
    names = author_names(runs.authors)
    confidences = label_set.model_confidences() if label_set.confidences else None

    def of(index: int) -> tuple[str, float | None, str]:
        class_id, author = runs.at(index)
        confidence = float(confidences[index]) if author < 0 and confidences is not None else (
            1.0 if author > 0 else None)
        return class_names.get(class_id, "unknown"), confidence, names[author]

    return of


def confidence_text(confidence: float | None) -> str:
    return "" if confidence is None else f"{confidence:.4g}"
