"""Run a check on SQLite (what `make run` keeps its data in) from a suite that runs on PostgreSQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import importlib, json, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
module, function = sys.argv[1].split(":")
print(json.dumps(getattr(importlib.import_module(module), function)()))
"""


def run_on_sqlite(tmp_path: Path, function: str):
    """What `function` ("module:name") returns, called in a fresh process on a new, migrated SQLite file."""
    unset = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    env = {**{k: v for k, v in os.environ.items() if k not in unset}, "DJANGO_SETTINGS_MODULE": "aigva.settings_dev",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "AIGVA_DATA_DIR": str(tmp_path / "data"),
           "ALLOWED_HOSTS": "testserver"}
    done = subprocess.run([sys.executable, "-c", SCRIPT, function], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
