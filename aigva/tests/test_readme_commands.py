"""The command line page's lines run as written (issue 29): from a copy of the checkout with a fresh data dir
and no environment variable set but HOME and PATH, top to bottom, as a researcher pastes them."""

import json
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import numpy as np
import pytest

from videos.tests.numbered_video import write_numbered_video

ROOT = Path(__file__).resolve().parents[2]
NOT_COPIED = shutil.ignore_patterns(".venv", "var", ".git", "__pycache__", ".pytest_cache", ".ruff_cache",
                                    ".hypothesis", "test-results", "node_modules", "*.egg-info", "bench")


COMMAND_LINE = ROOT / "docs" / "command-line.md"


def shell_lines(markdown: str) -> list[str]:
    blocks = re.findall(r"^```sh\n(.*?)^```", markdown, flags=re.M | re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip() and not line.startswith("#")]


def command_lines() -> tuple[list[str], list[str]]:
    """(the command line page's shell lines, manage.py lines in shell blocks of any other page)."""
    others = [ROOT / "README.md", ROOT / "bench" / "README.md", *(ROOT / "docs").glob("*.md")]
    elsewhere = [line for page in others if page != COMMAND_LINE for line in shell_lines(page.read_text())
                 if "manage.py" in line]
    return shell_lines(COMMAND_LINE.read_text()), elsewhere


def backgrounds(colour: tuple[int, int, int]):
    return lambda index: np.full((240, 320, 3), colour if index < 60 else (230, 230, 230), dtype=np.uint8)


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A copy of the checkout beside a home with ~/footage/, sharing this one's virtual environment."""
    copy = tmp_path / "aigva"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED)
    (copy / ".venv").symlink_to(ROOT / ".venv")
    footage = tmp_path / "home" / "footage"
    footage.mkdir(parents=True)
    write_numbered_video(footage / "morning.mp4", count=120, fps=24, backgrounds=backgrounds((40, 40, 40)))
    write_numbered_video(footage / "evening.mp4", count=120, fps=24, backgrounds=backgrounds((120, 30, 20)))
    return copy


def run(line: str, checkout: Path) -> str:
    clean = {"HOME": str(checkout.parent / "home"), "PATH": os.defpath}
    done = subprocess.run(["bash", "-c", line], cwd=checkout, env=clean, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_every_documented_command_line_runs_as_written_on_a_fresh_data_dir(checkout):
    lines, elsewhere = command_lines()
    assert elsewhere == [], "every manage.py line belongs on docs/command-line.md, which this test runs"
    assert len([line for line in lines if "manage.py" in line]) >= 12
    results = {}
    for line in lines:
        output = run(line, checkout)
        if "--json" in line and ">" not in line:  # a document written to a file is read by the next line
            command = re.search(r"manage\.py (\w+)", line)[1]
            results.setdefault(command, []).append(json.loads(output.strip().splitlines()[-1]))
    assert results["create_project"] == [{"id": 1, "name": "Dashcam", "classes": ["road", "junction", "parking"],
                                          "tracks": {"class": ["road", "junction", "parking"],
                                                     "weather": ["sunny", "rain"]}}]
    assert [(v["name"], v["status"], v["frame_count"]) for v in results["import_videos"][0]] == [
        ("evening.mp4", "ready", 120), ("morning.mp4", "ready", 120)]
    assert len(results["sample_frames"][0]["samples"]) == 20
    assert results["import_labels"][0]["rows"] == 4  # one of them on the weather track
    head, network = results["train"]
    assert (head["model"], head["updated_videos"], network["model"]) == (1, 2, 2)
    assert [job["status"] for job in results["predict"][0]] == ["succeeded", "succeeded"]
    doubtful = results["review"][0]
    assert 1 <= len(doubtful) <= 5 and all(0 <= run["doubt"] <= 1 for run in doubtful)
    assert [run["doubt"] for run in doubtful] == sorted((run["doubt"] for run in doubtful), reverse=True)
    assert results["audit"] == [{"answers": len(json.loads((checkout / "audit.json").read_text())), "open": 0}]
    accuracy = results["accuracy"][0]
    assert accuracy["audited"] >= 1 and accuracy["low"] <= accuracy["estimate"] <= accuracy["high"]
    assert {video["video"] for video in accuracy["videos"]} == {"evening.mp4", "morning.mp4"}
    assert results["register_model"][0]["kind"] == "custom"
    assert results["export"][1]["images"] > 0 and (checkout / "dataset.zip").stat().st_size > 0
    assert json.loads((checkout / "segments.json").read_text())
    key = checkout / "var" / "secret_key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_text().strip()) >= 50
    shown = run(".venv/bin/python manage.py shell -c 'from django.conf import settings as s; "
                "print(s.DEBUG, s.SECRET_KEY == open(\"var/secret_key\").read().strip())'", checkout)
    assert shown.split()[-2:] == ["False", "True"]  # debug pages stay off; the data dir's key is used
