import subprocess
import sys


def test_importing_prediction_ml_loads_no_django():
    code = "import sys, prediction.ml; print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
