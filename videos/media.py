"""Probing and playback renditions with PyAV: plain functions on paths, no Django (SPEC V-2)."""

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np

from videos import decoding
from videos.frames import Picture

Progress = Callable[[float], None]

# Containers browsers play, by what the content is (ffmpeg's demuxer), never by extension. Any other
# container PyAV demuxes (AVI, MPEG-PS, MPEG-TS, FLV, ...) is accepted too and played from a copy.
BROWSER_FAMILIES = {"mov,mp4,m4a,3gp,3g2,mj2": "mp4", "matroska,webm": "matroska"}
BROWSER_VIDEO_CODECS = {"mp4": {"h264", "vp9", "av1"}, "matroska": {"vp8", "vp9", "av1"}}
BROWSER_AUDIO_CODECS = {"aac", "mp3", "opus", "vorbis", "flac"}
BROWSER_PIXEL_FORMATS = {"yuv420p", "yuvj420p"}
MIME_TYPES = {"mp4": "video/mp4", "avi": "video/x-msvideo", "mpeg": "video/mpeg", "mpegts": "video/mp2t",
              "flv": "video/x-flv", "asf": "video/x-ms-asf", "ogg": "video/ogg"}
# Demuxers of pictures, not videos: still images, and animated GIF/PNG/WebP (refused: no frame times to trust).
IMAGE_DEMUXERS = {"image2", "gif", "apng", "webp", "ico", "tiff"}
ACCEPTED_KINDS = "MP4, MOV, WebM, MKV, AVI, MPEG, MPEG-TS (.ts, .mts, .m2ts) or another video file"
# Playback copies only need to look right while labelling; speed of making them matters more.
RENDITION_X264_OPTIONS = {"preset": "superfast", "crf": "23"}
class MediaError(ValueError):
    """The file is not a video we can use; the message says why, for the user."""


@dataclass(frozen=True)
class ProbeResult:
    family: str  # "mp4", "matroska", else the demuxer's name ("avi", "mpegts", ...)
    codec: str  # the codec, not the decoder library ("av1", not "libdav1d")
    pix_fmt: str
    width: int  # as coded
    height: int
    fps: Fraction
    time_base: Fraction
    pts: np.ndarray  # (N,) int64 presentation times in time_base units, one per frame, ascending
    audio_codec: str | None
    quarter_turns: int = 0  # counterclockwise, as players turn it (the display matrix)
    sample_aspect: Fraction = Fraction(1)  # a pixel's width / height

    @property
    def picture(self) -> Picture:
        return _picture_of(vars(self))

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
        return MIME_TYPES.get(self.family, "application/octet-stream")

    @property
    def browser_playable(self) -> bool:
        return (
            self.codec in BROWSER_VIDEO_CODECS.get(self.family, ())
            and self.pix_fmt in BROWSER_PIXEL_FORMATS
            and (self.audio_codec is None or self.audio_codec in BROWSER_AUDIO_CODECS)
        )


def _picture_of(details: dict) -> Picture:
    """As players show it: upright, square pixels."""
    width = max(2, round(details["width"] * details["sample_aspect"]))
    turned = details["quarter_turns"] % 2
    return Picture(details["height"] if turned else width, width if turned else details["height"],
                   details["quarter_turns"])


def _open(source) -> av.container.InputContainer:
    """The container, when it holds a video track; else MediaError saying what it holds instead."""
    try:
        container = av.open(source)
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise MediaError("This is not a video file we can read (no known container or it is damaged).") from exc
    try:
        demuxer = container.format.name.split(",")[0]
        if demuxer in IMAGE_DEMUXERS or demuxer.endswith("_pipe"):
            kind = demuxer.removesuffix("_pipe")
            raise MediaError(f"This is a picture ({kind}), not a video: upload {ACCEPTED_KINDS}.")
        if not container.streams.video or _is_cover_art(container.streams.video[0]):
            sound = ", ".join(s.codec_context.codec.canonical_name for s in container.streams.audio if s.codec_context)
            found = f"holds only audio ({sound})" if sound else "has no video track"
            raise MediaError(f"This file {found}: upload {ACCEPTED_KINDS}.")
        if container.streams.video[0].codec_context is None:
            raise MediaError("Its video track uses a codec we cannot decode; convert it to MP4 (H.264) and "
                             "upload that.")
    except MediaError:
        container.close()
        raise
    return container


def _is_cover_art(stream) -> bool:
    """An MP3's or M4A's attached picture shows up as a video track of one frame."""
    return bool(stream.disposition & av.stream.Disposition.attached_pic)


def check_video(source, max_pixels: int) -> None:
    """Refuse what is not a video, or has frames over `max_pixels`, from its header alone (a path or an
    open file, read from its start)."""
    with _open(source) as container:
        codec = container.streams.video[0].codec_context
        if codec.width * codec.height > max_pixels:
            raise MediaError(f"Its frames are {codec.width}×{codec.height}, larger than the {_megapixels(max_pixels)} "
                             "megapixels AIGVA decodes; scale it down (e.g. to 3840×2160) and upload that.")


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1e6:.3g}"


def _family(container: av.container.InputContainer) -> str:
    return BROWSER_FAMILIES.get(container.format.name) or container.format.name.split(",")[0]


def _display_of(path: str) -> dict:
    """How players show the picture, from the first frame: its turn and the pixels' aspect ratio."""
    with av.open(path) as container:
        stream = container.streams.video[0]
        try:
            frame = next(container.decode(stream), None)
        except av.error.FFmpegError:
            frame = None
        rotation = frame.rotation if frame is not None else 0
        aspect = stream.sample_aspect_ratio or stream.codec_context.sample_aspect_ratio or Fraction(1)
    if not Fraction(1, 4) <= aspect <= 4:  # nonsense in the header: show the pixels square
        aspect = Fraction(1)
    return {"quarter_turns": round(rotation / 90) % 4, "sample_aspect": Fraction(aspect)}


def _fps_of(rate: Fraction | None, pts: np.ndarray, time_base: Fraction) -> Fraction:
    if rate:
        return Fraction(rate).limit_denominator(100_000)
    if len(pts) > 1:
        return Fraction((len(pts) - 1) / float((pts[-1] - pts[0]) * time_base)).limit_denominator(1001)
    return Fraction(25)


@dataclass(frozen=True)
class Header:
    """What a probe knows of a video before decoding it: enough to set up watchers of its frames."""

    fps: Fraction  # the container's rate (25 where it names none)
    picture: Picture


WatchersFor = Callable[[Header], list[decoding.FrameWatcher]]


def probe(path: str, on_progress: Progress | None = None, workers: int | None = None,
          watchers_for: WatchersFor | None = None) -> ProbeResult:
    """Every frame's presentation time, decode-verified: packets listed, then all of them decoded. The
    watchers `watchers_for` gives see every frame of that decode (which is then one sequential pass)."""
    with _open(path) as container:
        stream = container.streams.video[0]
        time_base = stream.time_base or Fraction(1, 90_000)
        audio = next((s.codec_context.codec.canonical_name for s in container.streams.audio if s.codec_context), None)
        codec = stream.codec_context
        rate = stream.average_rate or stream.guessed_rate
        details = dict(
            family=_family(container), codec=codec.codec.canonical_name,
            pix_fmt=codec.format.name if codec.format else "",
            width=codec.width, height=codec.height, time_base=Fraction(time_base), audio_codec=audio,
        )
        index = decoding.index_packets(container, stream)
    details |= _display_of(path)
    fps = _fps_of(rate, np.zeros(0), time_base)
    watchers = [decoding.Guarded(w) for w in watchers_for(Header(fps, _picture_of(details)))] if watchers_for else []
    try:
        decoded = _decoded_pts(path, index, workers or decoding.default_workers(), on_progress, watchers)
        if not decoded:
            raise MediaError("The video track has no frames that decode.")
        for watcher in watchers:
            watcher.finish(len(decoded))
    finally:
        for watcher in watchers:
            watcher.close()
    pts = np.asarray(_fill_missing(decoded, rate, time_base), dtype=np.int64)
    fps = _fps_of(rate, pts, time_base)
    return ProbeResult(**details, fps=fps, pts=_presentation_times(pts, fps, time_base))


def _decoded_pts(path: str, index, workers: int, on_progress: Progress | None,
                 watchers: list[decoding.FrameWatcher]) -> list[int | None]:
    try:
        if not watchers and workers > 1 and index.all_timed and len(index.pts) >= decoding.PARALLEL_MIN_FRAMES:
            parallel = decoding.decode_parallel(path, index, workers, on_progress)
            if parallel is not None:
                return parallel
        expected = max(len(index.pts), 1)
        return decoding.decode_all(path, on_progress and (lambda n: on_progress(min(n / expected, 0.99))), watchers)
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


def make_rendition(path: str, out_path: str, probed: ProbeResult, on_progress: Progress | None = None) -> int:
    """H.264 MP4 (+faststart, a keyframe every second) whose frame i is the source's frame i, upright
    with square pixels. Returns how many damaged audio packets were left out (the picture never is).

    Each decoded frame is encoded once with its probed timestamp, in the source's own time base for
    both the encoder and the stream, so nothing is dropped, duplicated or rounded onto a neighbour
    and variable frame rates (with B-frames) survive.
    """
    with _open(path) as source, av.open(out_path, "w", format="mp4", options={"movflags": "+faststart"}) as out:
        video_in = source.streams.video[0]
        video_in.thread_type = "AUTO"
        video_out = _rendition_stream(out, probed)
        audio_in = next((s for s in source.streams.audio if s.codec_context is not None), None)
        audio_out = out.add_stream("aac", rate=audio_in.rate) if audio_in else None
        index, damaged_audio = 0, 0
        for packet in source.demux(*[s for s in (video_in, audio_in) if s is not None]):
            if packet.stream is audio_in:
                damaged_audio += _copy_audio(packet, audio_out, out)
                continue
            for frame in packet.decode():
                _encode_frame(frame, index, probed, video_out, out)
                index += 1
                if on_progress and index % 100 == 0:
                    on_progress(index / probed.frame_count)
        out.mux(video_out.encode(None))
        if audio_out:
            out.mux(audio_out.encode(None))
    verify_rendition(out_path, probed)
    return damaged_audio


def _rendition_stream(out: av.container.OutputContainer, probed: ProbeResult):
    """The H.264 stream, in the source's own time base, a keyframe every second."""
    video_out = out.add_stream("libx264", rate=probed.fps)
    video_out.width, video_out.height = probed.picture.width // 2 * 2, probed.picture.height // 2 * 2
    video_out.pix_fmt = "yuv420p"
    video_out.time_base = video_out.codec_context.time_base = probed.time_base
    video_out.codec_context.gop_size = max(1, math.ceil(probed.fps))
    video_out.codec_context.options = RENDITION_X264_OPTIONS
    return video_out


def _encode_frame(frame: av.VideoFrame, index: int, probed: ProbeResult, video_out, out) -> None:
    """Frame `index`, upright, at its probed time relative to the first frame (the rendition starts at 0)."""
    if index >= probed.frame_count:
        raise MediaError("The video decodes differently on a second pass; it cannot be converted.")
    image = probed.picture.upright(frame).reformat(width=video_out.width, height=video_out.height, format="yuv420p")
    image.pts, image.time_base = int(probed.pts[index] - probed.pts[0]), probed.time_base
    out.mux(video_out.encode(image))


def _copy_audio(packet: av.Packet, audio_out, out: av.container.OutputContainer) -> int:
    """Re-encode one audio packet; 1 when it is damaged and left out, so that sound never fails a video."""
    try:
        for frame in packet.decode():
            frame.pts = None  # the encoder times audio by its sample count
            out.mux(audio_out.encode(frame))
    except av.error.FFmpegError:
        return 1
    return 0


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
