"""The dataset ZIP loads in Hugging Face `datasets` as it is (issue 33): the images with every track's labels
from metadata.jsonl, with and without a validation split."""

import os
import zipfile

import pytest
from django.core.management import CommandError, call_command

from labelling.tests.factories import label_as
from projects.models import Role
from projects.tests.factories import add_member, add_track, make_project
from videos.tests.factories import ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def dashcam(video_files):
    """Two tracks over two videos; a person labels frames 16-47 of the first as junction and as rain."""
    project = make_project(classes=["road", "junction"], name="Dashcam")
    add_track(project, "weather", ["sunny", "rain"])
    first, _ = ingest(project, video_files["cfr.mp4"]), ingest(project, video_files["vp9.webm"])
    user = add_member(project, Role.LABELLER)
    label_as(user, first, "junction", 16, 47)
    label_as(user, first, "rain", 16, 47)
    return user


def load(tmp_path, split: str):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from datasets import load_dataset

    call_command("export", "Dashcam", "--format", "zip", "--frame-skip", "16", "--split", split,
                 "--out", str(tmp_path / "dataset.zip"))
    zipfile.ZipFile(tmp_path / "dataset.zip").extractall(tmp_path / "dataset")
    return load_dataset("imagefolder", data_dir=str(tmp_path / "dataset"), cache_dir=str(tmp_path / "cache"))


def test_the_zip_loads_with_every_track(tmp_path, dashcam):
    rows = load(tmp_path, "0")["train"]
    assert len(rows) == 6
    by_image = {(row["video"], row["frame"]): row for row in rows}
    assert set(by_image) == {(video, frame) for video in ("cfr.mp4", "vp9.webm") for frame in (0, 16, 32)}
    labelled = by_image[("cfr.mp4", 32)]
    assert (labelled["class"], labelled["weather"]) == ("junction", "rain")
    assert labelled["weather_author"] == labelled["class_author"] == dashcam.username
    assert labelled["class_confidence"] == 1.0
    untouched = by_image[("vp9.webm", 0)]
    assert (untouched["class"], untouched["weather"], untouched["weather_confidence"]) == ("road", "sunny", 0.0)
    assert {row["image"].filename.split("/")[-2] for row in rows if row["class"] == "junction"} == {"junction"}
    assert rows[0]["image"].size == (320, 240)


def test_a_split_loads_as_train_and_validation(tmp_path, dashcam):
    loaded = load(tmp_path, "0.5")
    assert sorted(loaded) == ["train", "validation"]
    assert sum(len(part) for part in loaded.values()) == 6
    assert {row["video"] for row in loaded["validation"]}.isdisjoint({row["video"] for row in loaded["train"]})


def test_the_folders_may_be_another_tracks_classes(tmp_path, dashcam):
    call_command("export", "Dashcam", "--format", "zip", "--frame-skip", "16", "--track", "weather",
                 "--out", str(tmp_path / "weather.zip"))
    names = zipfile.ZipFile(tmp_path / "weather.zip").namelist()
    folders = {name.split("/")[0] for name in names if name.endswith(".jpg")}
    assert folders == {"sunny", "rain"} and sum(name.startswith("rain/") for name in names) == 2
    with pytest.raises(CommandError, match="“mood” is not a track of this project; its tracks: class, weather."):
        call_command("export", "Dashcam", "--format", "zip", "--track", "mood", "--out", str(tmp_path / "x.zip"))
