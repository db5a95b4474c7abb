import subprocess
import sys


def test_importing_prediction_ml_loads_no_django():
    code = "import sys, prediction.ml; print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_batch_size_follows_the_device_and_the_backbone():
    import torch

    from prediction.ml.device import batch_size_for

    cpu = torch.device("cpu")
    assert batch_size_for(cpu, "efficientnet_lite0") == 4  # its depthwise convolutions are fastest so on a CPU
    assert batch_size_for(cpu, "resnet34") == batch_size_for(cpu) == batch_size_for(None) == 16
    assert batch_size_for(torch.device("cuda"), "efficientnet_lite0") == 64
