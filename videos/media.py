"""Probing and playback renditions with PyAV: plain functions on paths, no Django (SPEC V-2)."""

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np

Progress = Callable[[float], None]

# Container families we accept, by what the content is (ffmpeg's demuxer), never by extension.
ACCEPTED_FORMATS = {"mov,mp4,m4a,3gp,3g2,mj2": "mp4", "matroska,webm": "matroska", "avi": "avi", "mpeg": "mpeg"}
BROWSER_VIDEO_CODECS = {"mp4": {"h264", "vp9", "av1"}, "matroska": {"vp8", "vp9", "av1"}}
BROWSER_AUDIO_CODECS = {"aac", "mp3", "opus", "vorbis", "flac"}
BROWSER_PIXEL_FORMATS = {"yuv420p", "yuvj420p"}


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


def _fps_of(stream: av.video.stream.VideoStream, pts: np.ndarray, time_base: Fraction) -> Fraction:
    rate = stream.average_rate or stream.guessed_rate
    if rate:
        return Fraction(rate).limit_denominator(100_000)
    if len(pts) > 1:
        return Fraction((len(pts) - 1) / float((pts[-1] - pts[0]) * time_base)).limit_denominator(1001)
    return Fraction(25)


def probe(path: str, on_progress: Progress | None = None) -> ProbeResult:
    """Decode every frame once (decode-verified count) and record each one's presentation time."""
    with _open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        time_base = stream.time_base or Fraction(1, 90_000)
        expected = float(container.duration / av.time_base) if container.duration else None
        audio = container.streams.audio[0].codec_context.name if container.streams.audio else None
        pts: list[int] = []
        try:
            for frame in container.decode(stream):
                pts.append(frame.pts if frame.pts is not None else _next_pts(pts, stream, time_base))
                if on_progress and expected and len(pts) % 250 == 0:
                    on_progress(min(float(frame.pts or 0) * float(time_base) / expected, 0.99))
        except av.error.FFmpegError as exc:
            raise MediaError(f"The video is damaged: decoding stopped after {len(pts)} frames ({exc}).") from exc
        if not pts:
            raise MediaError("The video track has no frames that decode.")
        decoded = np.asarray(pts, dtype=np.int64)
        fps = _fps_of(stream, decoded, time_base)
        codec = stream.codec_context
        return ProbeResult(
            family=ACCEPTED_FORMATS[container.format.name], codec=codec.name, pix_fmt=codec.format.name,
            width=codec.width, height=codec.height, fps=fps, time_base=Fraction(time_base),
            pts=_presentation_times(decoded, fps, time_base), audio_codec=audio,
        )


def _presentation_times(decoded: np.ndarray, fps: Fraction, time_base: Fraction) -> np.ndarray:
    """Decoder output order is display order; where its timestamps repeat or go back
    (common in MPEG program streams) they are rebuilt at the constant frame rate."""
    if len(decoded) < 2 or np.all(np.diff(decoded) > 0):
        return decoded
    step = 1 / (fps * time_base)
    return decoded[0] + np.round(np.arange(len(decoded)) * float(step)).astype(np.int64)


def _next_pts(pts: list[int], stream, time_base: Fraction) -> int:
    """A frame without a timestamp follows the previous one by one frame period."""
    rate = stream.average_rate or stream.guessed_rate or 25
    step = max(round(1 / (float(rate) * float(time_base))), 1)
    return pts[-1] + step if pts else 0


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
        video_out.codec_context.options = {"preset": "veryfast", "crf": "20"}
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
