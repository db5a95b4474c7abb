"""How a decoded frame is shown to the model. The app passes its own view of a video's frames (upright, at
square pixels: videos.frames.Picture); this package only needs the two things it does."""

from typing import Protocol

import av
import numpy as np


class Shown(Protocol):
    def upright(self, frame: av.VideoFrame) -> av.VideoFrame:
        """The frame as shown, whole."""

    def square(self, frame: av.VideoFrame, size: int) -> np.ndarray:
        """(size, size, 3) uint8 RGB model input, as shown."""


class _AsDecoded:
    """Frames as decoded, for callers that know nothing of a video's display matrix or pixel shape."""

    def upright(self, frame: av.VideoFrame) -> av.VideoFrame:
        return frame

    def square(self, frame: av.VideoFrame, size: int) -> np.ndarray:
        return frame.to_ndarray(format="rgb24", width=size, height=size)


AS_DECODED: Shown = _AsDecoded()
