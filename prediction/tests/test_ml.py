import subprocess
import sys

# Every prediction.ml module, imported in a fresh interpreter; then the Django and app modules that came along.
LOADS = """
import importlib, pkgutil, sys
import prediction.ml
for module in pkgutil.iter_modules(prediction.ml.__path__):
    importlib.import_module(f"prediction.ml.{module.name}")
apps = ("django", "aigva", "projects", "videos", "labelling", "exports", "reviews", "api")
print(sorted(m for m in sys.modules if m.split(".")[0] in apps
             or m.startswith("prediction.") and not m.startswith("prediction.ml")))
"""


def test_no_prediction_ml_module_loads_django_or_an_app():
    result = subprocess.run([sys.executable, "-c", LOADS], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_batch_size_follows_the_device_and_the_backbone():
    import torch

    from prediction.ml.device import batch_size_for

    cpu = torch.device("cpu")
    assert batch_size_for(cpu, "efficientnet_lite0") == 4  # its depthwise convolutions are fastest so on a CPU
    assert batch_size_for(cpu, "resnet34") == batch_size_for(cpu) == batch_size_for(None) == 16
    assert batch_size_for(torch.device("cuda"), "efficientnet_lite0") == 64
