from django.dispatch import Signal

# Sent with video and frame_count once a probe has counted a video's frames, before the video is ready
# (labelling makes its first label set then).
video_probed = Signal()
