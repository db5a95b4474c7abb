"""The dataset ZIP loads in Hugging Face `datasets` as it is (issue 33): the images with every track's labels
from metadata.jsonl, with and without a validation split."""

import os
import zipfile

import pytest
from django.core.management import call_command

from labelling import services
from labelling.selectors import get_current_label_set
from projects.models import Role, Track
from projects.services import add_class
from projects.tests.factories import add_member, make_project
from videos.tests.factories import ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def dashcam(video_files):
    """Two tracks over two videos; a person labels frames 16-47 of the first as junction and as rain."""
    project = make_project(classes=["road", "junction"], name="Dashcam")
    weather = Track.objects.create(project=project, name="weather", order=1)
    weather.default_class = add_class(project=project, name="sunny", track=weather)
    weather.save()
    rain = add_class(project=project, name="rain", track=weather)
    first = ingest(project, video_files["cfr.mp4"])
    ingest(project, video_files["vp9.webm"])
    user = add_member(project, Role.LABELLER)
    services.label_range(label_set=get_current_label_set(first), start=16, end=47,
                         label_class=project.classes.get(name="junction"), user=user)
    services.label_range(label_set=get_current_label_set(first, weather), start=16, end=47, label_class=rain,
                         user=user)
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
