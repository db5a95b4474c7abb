from django.dispatch import Signal

# Sent with video and frame_count once a probe has counted a video's frames, before the video is ready
# (labelling makes its first label set then).
video_probed = Signal()

# Sent with video and header (videos.media.Header) as a probe starts its one decode of a video (V-5); a receiver
# answers with a videos.decoding.FrameWatcher that sees every frame of it, or None.
video_decoding = Signal()
