import csv
import io
import zipfile

import cv2
import numpy as np
import pytest

from aigva.errors import UserFacingError
from exports import services
from exports.models import Export
from exports.selectors import ExportOptions, plan_dataset, preview_dataset, safe_name
from labelling.services import label_range
from projects.jobs import run_job
from projects.models import JobStatus
from projects.services import add_class
from projects.tests.factories import UserFactory, make_project
from videos.tests.factories import ingest
from videos.tests.numbered_video import read_frame_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_with_videos(video_files):
    """cfr.mp4 (48 frames): 0-19 road, 20-47 junction; vp9.webm (48 frames): all parking."""
    project = make_project(name="Dashcam")
    road, junction, parking = project.classes.all()
    cfr, vp9 = ingest(project, video_files["cfr.mp4"]), ingest(project, video_files["vp9.webm"])
    user = UserFactory(username="alice")
    label_range(label_set=cfr.label_sets.get(), start=20, end=47, label_class=junction, user=user)
    label_range(label_set=vp9.label_sets.get(), start=0, end=47, label_class=parking, user=user)
    return project, cfr, vp9


def export_zip(project, **options) -> zipfile.ZipFile:
    job = services.start_dataset_export(project=project, options=ExportOptions(**options), started_by=None,
                                        enqueue=False)
    run_job(job.pk, services.run_dataset_export)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    export = Export.objects.get(job=job)
    return zipfile.ZipFile(io.BytesIO(export.file.read()))


def test_each_image_is_exactly_the_frame_its_name_says_in_its_class_folder(project_with_videos):
    project, _, _ = project_with_videos
    archive = export_zip(project, frame_skip=5, quality=95)
    images = sorted(name for name in archive.namelist() if name.endswith(".jpg"))
    expected = sorted([f"road/cfr_frame{i}.jpg" for i in range(0, 20, 5)]
                      + [f"junction/cfr_frame{i}.jpg" for i in range(20, 48, 5)]
                      + [f"parking/vp9_frame{i}.jpg" for i in range(0, 48, 5)])
    assert images == expected
    for name in images:
        pixels = cv2.imdecode(np.frombuffer(archive.read(name), np.uint8), cv2.IMREAD_COLOR)
        assert pixels.shape == (240, 320, 3)
        assert read_frame_number(pixels[..., ::-1]) == int(name.rsplit("frame", 1)[1][:-4])
    rows = list(csv.DictReader(io.StringIO(archive.read("labels.csv").decode())))
    assert len(rows) == len(images)
    assert rows[0] == {"path": "road/cfr_frame0.jpg", "class": "road", "video": "cfr.mp4", "frame": "0",
                       "confidence": "", "author": "default"}
    assert {"path": "junction/cfr_frame25.jpg", "class": "junction", "video": "cfr.mp4", "frame": "25",
            "confidence": "1", "author": "alice"} in rows


def test_imagefolder_loads_the_split_dataset(project_with_videos, tmp_path):
    from torchvision.datasets import ImageFolder

    project, _, _ = project_with_videos
    export_zip(project, frame_skip=12, split=0.5).extractall(tmp_path)
    train, val = ImageFolder(tmp_path / "train"), ImageFolder(tmp_path / "val")
    assert len(train) + len(val) == 8 and len(train) == len(val) == 4
    folders = {path.split("/")[-2] for path, _ in train.samples + val.samples}
    assert folders == {"road", "junction", "parking"}
    videos = [{path.rsplit("/", 1)[1].split("_frame")[0] for path, _ in part.samples} for part in (train, val)]
    assert len(videos[0]) == len(videos[1]) == 1 and videos[0] != videos[1]  # split by whole videos


def test_preview_counts_what_the_zip_holds(project_with_videos):
    project, _, _ = project_with_videos
    preview = preview_dataset(project, plan_dataset(project, ExportOptions(frame_skip=5)))
    assert preview == {"videos": 2, "images": 20, "tree": {"": {"junction": 6, "parking": 10, "road": 4}}}
    reviewed = preview_dataset(project, plan_dataset(project, ExportOptions(reviewed_only=True)))
    assert reviewed == {"videos": 0, "images": 0, "tree": {}}


def test_hostile_names_stay_inside_their_folder_and_csv_cells_are_not_formulas(project_with_videos, video_files):
    project, cfr, _ = project_with_videos
    formula = add_class(project=project, name="=HYPERLINK(\"x\")")
    evil = ingest(project, video_files["cfr.mp4"], name="../../etc/<b>passwd</b>.mp4")
    label_range(label_set=evil.label_sets.get(), start=0, end=47, label_class=formula, user=UserFactory())
    archive = export_zip(project, frame_skip=24, video_ids=(evil.pk,))
    names = archive.namelist()
    assert all(".." not in name and not name.startswith("/") for name in names)
    stem = safe_name(evil.name.rsplit(".", 1)[0])
    assert f"HYPERLINK_x/{stem}_frame0.jpg" in names and "<" not in stem
    row = next(csv.DictReader(io.StringIO(archive.read("labels.csv").decode())))
    assert row["class"] == "'=HYPERLINK(\"x\")"  # an apostrophe first: text, not a formula


def test_bad_options_and_empty_selections_are_refused(project_with_videos):
    project, cfr, _ = project_with_videos
    for options in (dict(frame_skip=0), dict(quality=101), dict(split=0.9)):
        with pytest.raises(UserFacingError, match="Frame skip"):
            services.start_dataset_export(project=project, options=ExportOptions(**options), started_by=None)
    with pytest.raises(UserFacingError, match="No frames"):
        services.start_dataset_export(project=project, options=ExportOptions(reviewed_only=True), started_by=None)
    with pytest.raises(UserFacingError, match="two videos"):
        plan_dataset(project, ExportOptions(video_ids=(cfr.pk,), split=0.2))


@pytest.mark.parametrize(("name", "safe"), [("../x", "x"), ("", "unnamed"), ("a b/c", "a_b_c"), ("..", "unnamed")])
def test_safe_names(name, safe):
    assert safe_name(name) == safe


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_prefix_is_made_text_in_labels_csv(prefix):
    from exports.dataset import safe_cell

    assert safe_cell(f"{prefix}cmd|' /C calc'!A0") == f"'{prefix}cmd|' /C calc'!A0"
    assert safe_cell("road") == "road"
