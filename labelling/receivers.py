"""How labelling answers what other apps announce: a probed video gets its labels, so does every video on a new
track, a deleted class's frames move to its successor."""

from labelling import services
from projects.signals import class_frames_counted, class_replaced, track_added
from videos.signals import video_probed


def connect() -> None:
    video_probed.connect(label_probed_video, dispatch_uid="labelling.label_probed_video")
    class_frames_counted.connect(count_class_frames, dispatch_uid="labelling.count_class_frames")
    class_replaced.connect(remap_class, dispatch_uid="labelling.remap_class")
    track_added.connect(label_new_track, dispatch_uid="labelling.label_new_track")


def label_probed_video(*, video, frame_count: int, **_) -> None:
    """A new video, or one whose frame count changed, starts with the default class on every frame (V-2)."""
    services.create_initial_label_sets(video=video, only_missing=True)


def label_new_track(*, track, **_) -> None:
    """Every ready video gets labels on a new track: its default class on every frame."""
    services.label_track(track=track)


def count_class_frames(*, project, label_class, **_) -> int:
    return services.count_class_frames(project=project, label_class=label_class)


def remap_class(*, project, old, new, **_) -> None:
    services.remap_class(project=project, old=old, new=new)
