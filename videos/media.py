"""Probing and playback renditions with PyAV: plain functions on paths, no Django (SPEC V-2)."""

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np

from videos import decoding

Progress = Callable[[float], None]

# Container families we accept, by what the content is (ffmpeg's demuxer), never by extension.
ACCEPTED_FORMATS = {"mov,mp4,m4a,3gp,3g2,mj2": "mp4", "matroska,webm": "matroska", "avi": "avi", "mpeg": "mpeg"}
BROWSER_VIDEO_CODECS = {"mp4": {"h264", "vp9", "av1"}, "matroska": {"vp8", "vp9", "av1"}}
BROWSER_AUDIO_CODECS = {"aac", "mp3", "opus", "vorbis", "flac"}
BROWSER_PIXEL_FORMATS = {"yuv420p", "yuvj420p"}
# Playback copies only need to look right while labelling; speed of making them matters more.
RENDITION_X264_OPTIONS = {"preset": "superfast", "crf": "23"}


class MediaError(ValueError):
    """The file is not a video we can use; the message says why, for the user."""


@dataclass(frozen=True)
class ProbeResult:
    family: str  # a value of ACCEPTED_FORMATS
    codec: str
    pix_fmt: str
    width: int
    height: int
    fps: Fraction
    time_base: Fraction
    pts: np.ndarray  # (N,) int64 presentation times in time_base units, one per frame, ascending
    audio_codec: str | None

    @property
    def frame_count(self) -> int:
        return len(self.pts)

    @property
    def start_seconds(self) -> float:
        return float(self.pts[0] * self.time_base)

    @property
    def duration_seconds(self) -> float:
        """From the first frame's start to the last frame's end."""
        last_frame = float((self.pts[-1] - self.pts[0]) * self.time_base)
        return last_frame + 1 / float(self.fps)

    @property
    def mime_type(self) -> str:
        if self.family == "matroska":
            return "video/webm" if self.codec in BROWSER_VIDEO_CODECS["matroska"] else "video/x-matroska"
        return {"mp4": "video/mp4", "avi": "video/x-msvideo", "mpeg": "video/mpeg"}[self.family]

    @property
    def browser_playable(self) -> bool:
        return (
            self.codec in BROWSER_VIDEO_CODECS.get(self.family, ())
            and self.pix_fmt in BROWSER_PIXEL_FORMATS
            and (self.audio_codec is None or self.audio_codec in BROWSER_AUDIO_CODECS)
        )


def _open(path: str) -> av.container.InputContainer:
    try:
        container = av.open(path)
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise MediaError("This is not a video file we can read (no known container or it is damaged).") from exc
    family = ACCEPTED_FORMATS.get(container.format.name)
    if family is None or not container.streams.video:
        container.close()
        raise MediaError("Not a supported video: use MP4, MOV, WebM, MKV, AVI or MPEG with a video track.")
    return container


def _fps_of(rate: Fraction | None, pts: np.ndarray, time_base: Fraction) -> Fraction:
    if rate:
        return Fraction(rate).limit_denominator(100_000)
    if len(pts) > 1:
        return Fraction((len(pts) - 1) / float((pts[-1] - pts[0]) * time_base)).limit_denominator(1001)
    return Fraction(25)


def probe(path: str, on_progress: Progress | None = None, workers: int | None = None) -> ProbeResult:
    """Every frame's presentation time, decode-verified: packets listed, then all of them decoded."""
    with _open(path) as container:
        stream = container.streams.video[0]
        time_base = stream.time_base or Fraction(1, 90_000)
        audio = container.streams.audio[0].codec_context.name if container.streams.audio else None
        codec = stream.codec_context
        rate = stream.average_rate or stream.guessed_rate
        details = dict(
            family=ACCEPTED_FORMATS[container.format.name], codec=codec.name,
            pix_fmt=codec.format.name if codec.format else "",
            width=codec.width, height=codec.height, time_base=Fraction(time_base), audio_codec=audio,
        )
        index = decoding.index_packets(container, stream)
    decoded = _decoded_pts(path, index, workers or decoding.default_workers(), on_progress)
    if not decoded:
        raise MediaError("The video track has no frames that decode.")
    pts = np.asarray(_fill_missing(decoded, rate, time_base), dtype=np.int64)
    fps = _fps_of(rate, pts, time_base)
    return ProbeResult(**details, fps=fps, pts=_presentation_times(pts, fps, time_base))


def _decoded_pts(path: str, index, workers: int, on_progress: Progress | None) -> list[int | None]:
    try:
        if workers > 1 and index.all_timed and len(index.pts) >= decoding.PARALLEL_MIN_FRAMES:
            parallel = decoding.decode_parallel(path, index, workers, on_progress)
            if parallel is not None:
                return parallel
        expected = max(len(index.pts), 1)
        return decoding.decode_all(path, on_progress and (lambda n: on_progress(min(n / expected, 0.99))))
    except decoding.DecodeError as exc:
        raise MediaError(f"The video is damaged: {exc}.") from exc


def _fill_missing(pts: list[int | None], rate: Fraction | None, time_base: Fraction) -> list[int]:
    """A frame without a timestamp follows the previous one by one frame period."""
    step = max(round(1 / (float(rate or 25) * float(time_base))), 1)
    filled: list[int] = []
    for value in pts:
        filled.append(value if value is not None else (filled[-1] + step if filled else 0))
    return filled


def _presentation_times(decoded: np.ndarray, fps: Fraction, time_base: Fraction) -> np.ndarray:
    """Decoder output order is display order; where its timestamps repeat or go back
    (common in MPEG program streams) they are rebuilt at the constant frame rate."""
    if len(decoded) < 2 or np.all(np.diff(decoded) > 0):
        return decoded
    step = 1 / (fps * time_base)
    return decoded[0] + np.round(np.arange(len(decoded)) * float(step)).astype(np.int64)


def make_rendition(path: str, out_path: str, probed: ProbeResult, on_progress: Progress | None = None) -> None:
    """H.264 MP4 (+faststart, a keyframe every second) whose frame i is the source's frame i.

    Each decoded frame is encoded once with its probed timestamp, so nothing is dropped or
    duplicated and variable frame rates survive.
    """
    with _open(path) as source, av.open(out_path, "w", format="mp4", options={"movflags": "+faststart"}) as out:
        video_in = source.streams.video[0]
        video_in.thread_type = "AUTO"
        video_out = out.add_stream("libx264", rate=probed.fps)
        video_out.width, video_out.height = probed.width // 2 * 2, probed.height // 2 * 2
        video_out.pix_fmt = "yuv420p"
        video_out.time_base = probed.time_base
        video_out.codec_context.gop_size = max(1, math.ceil(probed.fps))
        video_out.codec_context.options = RENDITION_X264_OPTIONS
        audio_in = source.streams.audio[0] if source.streams.audio else None
        audio_out = out.add_stream("aac", rate=audio_in.rate) if audio_in else None
        streams = [video_in] + ([audio_in] if audio_in else [])
        index = 0
        for packet in source.demux(*streams):
            for frame in packet.decode():
                if packet.stream is audio_in:
                    frame.pts = None  # the encoder times audio by its sample count
                    out.mux(audio_out.encode(frame))
                    continue
                if index >= probed.frame_count:
                    raise MediaError("The video decodes differently on a second pass; it cannot be converted.")
                image = frame.reformat(width=video_out.width, height=video_out.height, format="yuv420p")
                # Timestamps relative to the first frame: the rendition's timeline starts at 0.
                image.pts, image.time_base = int(probed.pts[index] - probed.pts[0]), probed.time_base
                out.mux(video_out.encode(image))
                index += 1
                if on_progress and index % 100 == 0:
                    on_progress(index / probed.frame_count)
        out.mux(video_out.encode(None))
        if audio_out:
            out.mux(audio_out.encode(None))
    verify_rendition(out_path, probed)


def verify_rendition(path: str, probed: ProbeResult) -> None:
    """Frame i of the rendition must be shown when frame i of the source is: same count, same times."""
    with av.open(path) as container:
        stream = container.streams.video[0]
        pts = np.sort(np.asarray([p.pts for p in container.demux(stream) if p.pts is not None], dtype=np.int64))
        seconds = pts.astype(np.float64) * float(stream.time_base)
    expected = probed.pts.astype(np.float64) * float(probed.time_base)
    if len(seconds) != len(expected):
        raise MediaError(f"The converted video has {len(seconds)} frames instead of {len(expected)}.")
    half_frame = 0.5 / float(probed.fps)
    if np.abs((seconds - seconds[0]) - (expected - expected[0])).max() >= half_frame:
        raise MediaError("The converted video's frame times do not match the original's.")
