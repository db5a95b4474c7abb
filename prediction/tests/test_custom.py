import numpy as np
import pytest

from prediction.examples import brightness
from prediction.ml.custom import CustomClassifier, CustomModelError
from prediction.ml.pipeline import PipelineConfig, predict_video
from videos.tests.numbered_video import write_numbered_video

frames = np.stack([np.full((8, 8, 3), 20, np.uint8), np.full((8, 8, 3), 230, np.uint8)])


@pytest.mark.parametrize("function", [brightness.predict, brightness.custom_model_predict])
def test_both_forms_label_a_batch(function):
    probabilities, features = CustomClassifier(function, ["dark", "bright"])(frames)
    assert probabilities.argmax(1).tolist() == [0, 1] and features is None
    assert (probabilities.max(1) > 0.5).all()
    assert np.allclose(probabilities.sum(1), 1, atol=1e-5)


def test_a_low_confidence_answer_stays_the_models_answer():
    probabilities, _ = CustomClassifier(lambda batch: [("b", 0.1)] * len(batch), ["a", "b", "c"])(frames)
    assert probabilities.argmax(1).tolist() == [1, 1]


def test_a_custom_model_predicts_a_whole_video(tmp_path):
    video = write_numbered_video(tmp_path / "v.mp4", count=12)
    prediction = predict_video(str(video), CustomClassifier(brightness.predict, ["dark", "bright"]),
                               PipelineConfig(batch_size=5))
    assert len(prediction.classes) == 12 and set(prediction.classes.tolist()) == {0}  # grey frames are dark


def test_unknown_classes_are_named():
    with pytest.raises(CustomModelError, match="lacks: bright"):
        CustomClassifier(brightness.predict, ["dark", "other"])(frames)


def test_wrong_length_and_exceptions_are_reported():
    with pytest.raises(CustomModelError, match="1 results for 2 frames"):
        CustomClassifier(lambda batch: [("dark", 1.0)], ["dark"])(frames)

    def broken(batch):
        raise ZeroDivisionError("oops")

    with pytest.raises(CustomModelError, match="ZeroDivisionError: oops"):
        CustomClassifier(broken, ["dark"])(frames)
