import numpy as np
import pytest

from labelling.frames import FrameLabels
from labelling.services import create_initial_label_set
from projects.tests.factories import make_project
from videos.models import Video, VideoStatus


def test_frame_labels_round_trip_and_stay_small():
    labels = FrameLabels.filled(1_080_000, class_id=7)
    labels.class_ids[500_000:600_000] = 9
    labels.confidences[:10] = 0.25
    blob = labels.to_bytes()
    again = FrameLabels.from_bytes(blob)
    assert np.array_equal(again.class_ids, labels.class_ids) and np.array_equal(again.confidences, labels.confidences)
    assert len(blob) < 200_000


@pytest.mark.django_db
def test_the_initial_label_set_is_one_row_for_any_length():
    project = make_project()
    video = Video.objects.create(project=project, name="long.mp4", frame_count=1_080_000, status=VideoStatus.READY)
    label_set = create_initial_label_set(video=video)
    assert video.label_sets.count() == 1
    assert set(np.unique(label_set.labels.class_ids)) == {project.default_class_id}
