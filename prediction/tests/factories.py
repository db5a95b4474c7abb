"""Test helpers of this app: makers of rows and files, and shared fixtures."""

import torch

from prediction import services
from prediction.ml.checkpoint import save_checkpoint
from prediction.ml.model import FrameClassifier, ModelConfig
from projects.jobs import run_job

BRIGHTNESS = {"brightness": "prediction.examples.brightness:predict",
              "thesis": "prediction.examples.brightness:custom_model_predict"}


def checkpoint(tmp_path, classes=("dark", "bright"), seed=0):
    torch.manual_seed(seed)
    path = tmp_path / "tiny.pt"
    save_checkpoint(path, FrameClassifier(ModelConfig("resnet34", tuple(classes), image_size=32), pretrained=False))
    return path


def predict_here(model, video, **options):
    from prediction import predicting

    [job] = services.start_predictions(model=model, videos=[video], started_by=None, enqueue=False, **options)
    run_job(job.pk, predicting.run_prediction)
    job.refresh_from_db()
    return job


def head_checkpoint(tmp_path, name, seed):
    torch.manual_seed(seed)
    model = FrameClassifier(ModelConfig("resnet34", ("dark", "bright"), image_size=32), pretrained=True,
                            allow_random=True)
    save_checkpoint(tmp_path / name, model, head_only=True)
    return tmp_path / name
