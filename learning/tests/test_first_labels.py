"""From upload to the first labels on one decode (V-5): a head trained on the answers labels a video from the
features its upload kept, exactly as decoding it would, and decodes only where a boundary must be placed."""

import numpy as np
import pytest

from labelling.models import LabelSet
from learning import actors, services
from learning.tests.factories import SHOT_OF
from prediction.models import Model
from prediction.tests.factories import predict_here
from projects.models import JobStatus
from projects.tests.factories import UserFactory, make_project
from videos.tests.factories import ingest

pytestmark = pytest.mark.django_db


def labels_of(video) -> np.ndarray:
    return LabelSet.objects.current().get(video=video).label_runs.to_frames()[0]


def test_the_first_prediction_reads_the_uploads_features_and_labels_as_decoding_would(shots_video, settings):
    project = make_project(name="Shots", classes=["a", "b"])
    kept = ingest(project, shots_video, name="kept.mp4")
    settings.AIGVA_INGEST_FEATURES = False
    decoded = ingest(project, shots_video, name="decoded.mp4")  # the same file, uploaded without features
    services.start_sampling(project=project, videos=[kept], per_video=6, method="representative", started_by=None,
                            enqueue=False)
    actors.sample_frames(project.jobs.get(kind="sample").pk)
    a, b = project.classes.all()
    person = UserFactory()
    for sample in kept.samples.all():
        services.answer_sample(sample=sample, label_class=(a, b)[SHOT_OF[sample.frame] % 2], user=person)
    actors.train_model(services.start_training(project=project, kind="cold", head_only=True, epochs=30,
                                               patience=5, started_by=None, enqueue=False).pk)
    model = Model.objects.get()
    from_features, from_decoding = predict_here(model, kept), predict_here(model, decoded)
    assert from_features.status == from_decoding.status == JobStatus.SUCCEEDED
    assert from_features.metrics["from_cache"] and not from_decoding.metrics["from_cache"]
    # The shots change at cuts, whose two sides the upload kept: no frame needed decoding.
    assert from_features.metrics["model_frames"] == 0
    assert np.array_equal(labels_of(kept), labels_of(decoded))
    truth = np.asarray([a.pk, b.pk])[SHOT_OF % 2]
    assert (labels_of(kept) == truth).mean() == 1.0
