"""What projects asks of, and tells, the apps that keep data about its tracks and classes."""

from django.dispatch import Signal

# Sent with project and label_class before a class is deleted; each receiver answers how many frames carry it.
class_frames_counted = Signal()
# Sent with project, old and new inside a class's deletion: whatever points at `old` moves to `new`.
class_replaced = Signal()
# Sent with track once a track and its classes are made: every video's frames start with its default class.
track_added = Signal()
