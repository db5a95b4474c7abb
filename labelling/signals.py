"""What labelling tells the apps above it."""

from django.dispatch import Signal

# Sent with label_set, class_ids (N,) and confidences (N,) when a model's labels become a video's current
# set: the model's own label of every frame, people's frames included (learning keeps its audit's up to date).
labels_predicted = Signal()
