"""The security sweep across every URL (Q-2, issue 6): other projects' ids, CSRF, GETs that change
nothing, hostile names, safe checkpoint loading, export options that never give a 500."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aigva.tests.factories import url_patterns, urls_for
from aigva.tests.world import build_world
from exports.models import Export
from labelling.models import LabelEdit, LabelSet
from learning.models import TrainingSample
from prediction.models import Model
from projects.models import Job, LabelClass, Membership, Project
from reviews.models import ShareLink
from videos.models import Video

pytestmark = pytest.mark.django_db


@pytest.fixture
def worlds(video_files):
    return build_world(video_files["cfr.mp4"], "Ours"), build_world(video_files["cfr.mp4"], "Theirs")


def fingerprint() -> tuple:
    counts = tuple(m.objects.count() for m in (Job, LabelEdit, LabelSet, ShareLink, Export, Video, LabelClass,
                                               Membership, TrainingSample, Model, Project))
    return counts, tuple(LabelSet.objects.order_by("pk").values_list("runs", "reviewed", "is_current")), tuple(
        ShareLink.objects.values_list("revoked_at", flat=True))


def test_every_url_with_another_projects_ids_is_404(client, worlds):
    ours, theirs = worlds
    client.force_login(ours["manager"])
    mixed = ours["ids"] | {k: v for k, v in theirs["ids"].items() if k != "project_id"}  # our project, their rows
    for ids in (theirs["ids"], mixed):
        for name, keys in url_patterns():
            if not keys & (set(ids) - {"frame"}) or keys == {"project_id"} and ids is mixed:
                continue
            url = reverse(name, kwargs={k: ids[k] for k in keys})
            for method in (client.get, client.post):
                assert method(url).status_code in (404, 405), f"{method.__name__.upper()} {url}"


def test_every_post_needs_the_csrf_token(worlds):
    ours, _ = worlds
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(ours["manager"])
    before = fingerprint()
    for url in urls_for(ours["ids"], ours["token"]):
        assert strict.post(url).status_code in (403, 405), url
    assert fingerprint() == before


def test_no_get_changes_anything_and_no_page_is_kept_by_the_browser(client, worlds):
    ours, _ = worlds
    client.force_login(ours["manager"])
    before = fingerprint()
    pages = 0
    for url in urls_for(ours["ids"], ours["token"]):
        response = client.get(url)
        assert response.status_code < 500, url
        if response.get("Content-Type", "").startswith("text/html"):  # Back shows the page as it is now
            pages += 1
            assert "no-store" in response["Cache-Control"], url
    assert fingerprint() == before and pages > 20


def test_checkpoints_are_only_loaded_with_weights_only():
    root = Path(__file__).resolve().parents[2]
    sources = [p for p in root.glob("*/**/*.py") if ".venv" not in p.parts and "tests" not in p.parts]
    calls = [(p, m.group(0)) for p in sources for m in re.finditer(r"torch\.load\([^)]*\)", p.read_text())]
    assert calls and all("weights_only=True" in call for _, call in calls), calls


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(
    st.sampled_from(["videos", "reviewed_only", "frame_skip", "quality", "split", "form"]),
    st.one_of(st.text(max_size=12), st.integers(-10**12, 10**12).map(str), st.floats().map(str)), max_size=6))
def test_export_options_never_give_a_server_error(client, worlds, params):
    ours, _ = worlds
    client.force_login(ours["manager"])
    for name in ("exports:export-preview", "exports:export-labels"):
        response = client.get(reverse(name, args=[ours["project"].pk]), params)
        assert response.status_code in (200, 400), (name, params)
        if response.streaming:
            b"".join(response.streaming_content)
    assert client.post(reverse("exports:export-start", args=[ours["project"].pk]), params).status_code == 302


PARAMETER_NAMES = [
    "frame", "project", "job", "sample", "frame_skip", "page", "reviewed", "source", "form", "videos", "count",
    "class_id", "frames", "start", "end", "name", "model", "smooth", "shots", "per_video", "method", "stride_seconds",
    "threshold", "quality", "split", "permission", "classes", "colour", "shortcut", "label", "map_to", "kind",
    "epochs", "patience", "val_split", "head_only", "username", "role", "custom_name", "overwrite_people",
    "predict", "propagate", "default_class", "reviewed_only", "label_set", "version", "track",
]
HOSTILE_VALUES = st.one_of(
    st.sampled_from(["²", "٣", "9" * 30, "2147483648", "-1", "", "1e9", "0x10", " 1", "NaN", "inf", "1:²",
                     "0:99999999999999999999", "<svg onload=alert(1)>", "\x00", "%", "ﬁ", "1,2"]),
    st.text(max_size=8), st.integers(-(10**20), 10**20).map(str),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(PARAMETER_NAMES), HOSTILE_VALUES, min_size=1, max_size=5))
def test_hostile_query_strings_and_form_bodies_never_give_a_server_error(client, worlds, params):
    ours, _ = worlds
    client.force_login(ours["manager"])
    for url in urls_for(ours["ids"], ours["token"]):
        for response in (client.get(url, params), client.post(url, params)):
            assert response.status_code < 500, (response.request["REQUEST_METHOD"], url, params)
            if response.streaming:
                b"".join(response.streaming_content)


@pytest.mark.parametrize("video_id", ["2147483648", "9999999999", "99999999999999999999", "0"])
def test_ids_beyond_the_database_range_are_404(client, worlds, video_id):
    client.force_login(worlds[0]["manager"])
    for path in (f"/videos/{video_id}/", f"/videos/{video_id}/frames/{video_id}.jpg", f"/projects/{video_id}/videos/"):
        assert client.get(path).status_code == 404, path


def test_pages_carry_a_content_security_policy_without_inline_scripts_or_eval(client, worlds):
    client.force_login(worlds[0]["manager"])
    policy = client.get(reverse("projects:dashboard"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'" and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
