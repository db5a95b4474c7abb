"""Each endpoint's success path, roles (a viewer cannot write, a non-member gets 404), tokens and CSRF."""

import json
from datetime import timedelta

import pytest
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from api.services import create_token, revoke_token
from api.tests.helpers import TokenClient
from exports.jobs import EXPORT
from labelling.models import LabelEdit
from labelling.tests.factories import make_labelled_video
from learning.jobs import TRAIN
from learning.tests.factories import predicted_video
from prediction.models import Model
from projects.models import Job, Role
from projects.tests.factories import PASSWORD, UserFactory, add_member, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory(username="mia")


@pytest.fixture
def project(manager):
    return make_project(name="Dashcam", manager=manager)


@pytest.fixture
def api(manager):
    return TokenClient(manager)


def test_without_a_token_the_api_answers_401_in_json_not_a_login_page():
    response = Client().get("/api/v1/projects")
    assert response.status_code == 401 and "Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bearer"
    assert TokenClient(token="aigva_not-a-token").get("/projects").status_code == 401


def test_an_expired_or_revoked_token_stops_working_and_use_is_noted(manager, project):
    token, text = create_token(user=manager, name="rig", expires_in_days=1)
    client = TokenClient(token=text)
    assert client.get("/projects").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None and token.prefix == text[:12]
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/projects").status_code == 401
    other, other_text = create_token(user=manager, name="laptop")
    revoke_token(token=other)
    assert TokenClient(token=other_text).get("/projects").status_code == 401
    assert not ApiToken.objects.filter(token_hash__contains=text).exists()  # only the hash is kept


def test_a_token_of_a_deactivated_user_is_refused(manager, project, api):
    manager.is_active = False
    manager.save()
    assert api.get("/projects").status_code == 401


def test_the_session_works_for_reads_and_needs_the_csrf_token_for_writes(manager, project):
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(request=HttpRequest(), username=manager.username, password=PASSWORD)  # axes needs one
    assert browser.get("/api/v1/projects").json()["count"] == 1
    body = json.dumps({"name": "Second", "classes": ["a", "b"]})
    refused = browser.post("/api/v1/projects", body, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    browser.get("/settings/")  # the page sets the CSRF cookie
    allowed = browser.post("/api/v1/projects", body, content_type="application/json",
                           headers={"X-CSRFToken": browser.cookies["csrftoken"].value})
    assert allowed.status_code == 201 and allowed.json()["name"] == "Second"


def test_projects_are_listed_created_and_given_classes(manager, project, api):
    listed = api.get("/projects").json()
    assert listed["count"] == 1 and listed["items"][0]["role"] == "manager"
    assert [c["name"] for c in listed["items"][0]["classes"]] == ["road", "junction", "parking"]
    made = api.post("/projects", {"name": "Scans", "classes": ["head", "heart"], "default_class": "heart"})
    assert made.status_code == 201 and made.json()["default_class"] == "heart"
    added = api.post(f"/projects/{made.json()['id']}/classes", {"name": "spine"})
    assert added.status_code == 201 and added.json()["shortcut"]
    assert [c["name"] for c in api.get(f"/projects/{made.json()['id']}/classes").json()] == ["head", "heart", "spine"]
    duplicate = api.post("/projects", {"name": "Scans", "classes": ["a", "b"]})
    assert duplicate.status_code == 400 and "Scans" in duplicate.json()["detail"]
    assert api.post("/projects", {"name": "x", "classes": ["a", "b\x00"]}).status_code == 422


def test_pages_of_a_long_list_are_bounded(manager, api):
    for number in range(3):
        make_project(name=f"P{number}", manager=manager)
    page = api.get("/projects", limit=2, offset=1).json()
    assert page["count"] == 3 and [p["name"] for p in page["items"]] == ["P1", "P2"]
    assert api.get("/projects", limit=10_000).status_code == 422
    assert api.get("/projects", offset=2**40).status_code == 422


def test_a_non_member_gets_404_for_every_id_and_a_viewer_cannot_write(project):
    video, label_set = make_labelled_video(frames=30, project=project)
    model = Model.objects.create(project=project, name="m", kind=Model.Kind.COLD, classes=["road", "junction"])
    job = Job.objects.create(project=project, kind=EXPORT)
    stranger = TokenClient(UserFactory())
    for path in (f"/projects/{project.pk}", f"/projects/{project.pk}/videos", f"/videos/{video.pk}",
                 f"/videos/{video.pk}/labels", f"/jobs/{job.pk}", f"/models/{model.pk}", f"/exports/{job.pk}",
                 f"/projects/{project.pk}/jobs", f"/projects/{project.pk}/models"):
        assert stranger.get(path).status_code == 404, path
    assert stranger.post(f"/videos/{video.pk}/labels/ranges",
                         {"ranges": [{"start": 0, "end": 1, "class": "road"}]}).status_code == 404
    viewer = TokenClient(add_member(project, Role.VIEWER))
    assert viewer.get(f"/videos/{video.pk}/labels").status_code == 200
    writes = [viewer.post(f"/videos/{video.pk}/labels/ranges", {"ranges": [{"start": 0, "end": 1, "class": "road"}]}),
              viewer.post(f"/videos/{video.pk}/labels/reviewed", {"reviewed": True}),
              viewer.post(f"/projects/{project.pk}/training", {}), viewer.post(f"/jobs/{job.pk}/cancel"),
              viewer.post(f"/projects/{project.pk}/classes", {"name": "x"}), viewer.delete(f"/videos/{video.pk}"),
              viewer.post(f"/projects/{project.pk}/exports", {}),
              viewer.post(f"/projects/{project.pk}/predictions", {"model_id": model.pk})]
    assert [response.status_code for response in writes] == [403] * len(writes)
    assert "role" in writes[0].json()["detail"] and not LabelEdit.objects.exists()


def test_ranges_are_labelled_as_the_person_undone_and_reviewed(manager, project, api):
    video, label_set = make_labelled_video(frames=30, project=project)
    labelled = api.post(f"/videos/{video.pk}/labels/ranges", {"ranges": [
        {"start": 5, "end": 9, "class": "Junction"}, {"start": 20, "end": 29, "class": "parking"}]})
    assert labelled.status_code == 200 and len(labelled.json()["edits"]) == 2
    segments = api.labels(f"/videos/{video.pk}/labels", form="segments")["videos"][0]["segments"]
    assert segments == [{"start": 0, "end": 4, "class": "road"}, {"start": 5, "end": 9, "class": "junction"},
                        {"start": 10, "end": 19, "class": "road"}, {"start": 20, "end": 29, "class": "parking"}]
    frames = api.labels(f"/videos/{video.pk}/labels")["videos"][0]["frames"]
    assert frames[7] == {"frame": 7, "class": "junction", "confidence": 1, "author": "mia",
                         "tracks": {"class": {"class": "junction", "confidence": 1, "author": "mia"}}}
    assert api.post(f"/videos/{video.pk}/labels/undo").status_code == 200
    assert api.labels(f"/videos/{video.pk}/labels")["videos"][0]["frames"][25]["class"] == "road"
    bad = api.post(f"/videos/{video.pk}/labels/ranges", {"ranges": [
        {"start": 0, "end": 2, "class": "road"}, {"start": 0, "end": 2, "class": "sky"}]})
    assert bad.status_code == 400 and "sky" in bad.json()["detail"]
    assert LabelEdit.objects.filter(undone=False).count() == 1  # all ranges or none
    outside = api.post(f"/videos/{video.pk}/labels/ranges", {"ranges": [{"start": 0, "end": 30, "class": "road"}]})
    assert outside.status_code == 400 and "0-29" in outside.json()["detail"]
    reviewed = api.post(f"/videos/{video.pk}/labels/reviewed", {"reviewed": True}).json()
    assert reviewed["reviewed"] and reviewed["reviewed_by"] == "mia"


def test_imported_rows_are_checked_whole_and_labelled_as_the_person(manager, project, api):
    video, _ = make_labelled_video(frames=40, project=project)
    refused = api.post(f"/projects/{project.pk}/labels/import", {"rows": [
        {"video": "clip.mp4", "start": 0, "end": 9, "class": "junction"},
        {"video": "nope.mp4", "frame": 3, "class": "road"}]})
    assert refused.status_code == 400 and "nope.mp4" in refused.json()["detail"] and not LabelEdit.objects.exists()
    done = api.post(f"/projects/{project.pk}/labels/import", {"rows": [
        {"video": "clip.mp4", "start": 0, "end": 9, "class": "junction"},
        {"video": str(video.pk), "frame": 30, "class": "parking"}]})
    assert done.status_code == 200 and done.json()["edits"] == 2
    document = api.labels(f"/projects/{project.pk}/labels", video=video.pk)
    assert [f["class"] for f in document["videos"][0]["frames"][8:11]] == ["junction", "junction", "road"]


def test_jobs_are_listed_filtered_read_and_cancelled(manager, project, api):
    export = Job.objects.create(project=project, kind=EXPORT, created_by=manager)
    Job.objects.create(project=project, kind=TRAIN, created_by=manager)
    assert api.get(f"/projects/{project.pk}/jobs").json()["count"] == 2
    assert [j["id"] for j in api.get(f"/projects/{project.pk}/jobs", kind="export").json()["items"]] == [export.pk]
    assert api.get(f"/projects/{project.pk}/jobs", kind="nonsense").status_code == 422
    assert api.get(f"/jobs/{export.pk}").json()["status"] == "queued"
    assert api.post(f"/jobs/{export.pk}/cancel").json()["status"] == "cancelled"
    assert api.get("/jobs/99999999999").status_code == 422 and api.get("/jobs/²").status_code == 422


def test_training_prediction_and_export_start_jobs_or_say_why_not(manager, project, api, broker):
    video, label_set = make_labelled_video(frames=40, project=project)
    too_little = api.post(f"/projects/{project.pk}/training", {"head_only": True})
    assert too_little.status_code == 400 and "two classes" in too_little.json()["detail"]
    model = Model.objects.create(project=project, name="m", kind=Model.Kind.CUSTOM, custom_name="x",
                                 classes=["road", "junction"])
    [predict] = api.post(f"/projects/{project.pk}/predictions", {"model_id": model.pk}).json()
    assert predict["kind"] == "predict" and predict["video_id"] == video.pk
    other = make_project(manager=manager)
    foreign = make_labelled_video(frames=10, project=other)[0]
    wrong = api.post(f"/projects/{project.pk}/predictions", {"model_id": model.pk, "video_ids": [foreign.pk]})
    assert wrong.status_code == 400
    started = api.post(f"/projects/{project.pk}/exports", {"frame_skip": 10})
    assert started.status_code == 202 and started.json()["download_url"] is None
    job_id = started.json()["job"]["id"]
    assert api.get(f"/exports/{job_id}").json()["job"]["kind"] == "export"
    assert api.get(f"/exports/{job_id}/download").status_code == 404
    assert api.get(f"/exports/{predict['id']}").status_code == 404  # not an export job
    assert api.get(f"/projects/{project.pk}/models").json()["items"][0]["name"] == "m"


def test_uploads_are_checked_as_on_the_page(manager, project, api, broker, video_files, bad_files):
    with open(video_files["cfr.mp4"], "rb") as handle:
        uploaded = api.upload(f"/projects/{project.pk}/videos", file=handle)
    assert uploaded.status_code == 201 and uploaded.json()["status"] == "processing"
    assert api.get(f"/videos/{uploaded.json()['id']}").json()["name"] == "cfr.mp4"
    with open(bad_files["notes.mp4"], "rb") as handle:
        refused = api.upload(f"/projects/{project.pk}/videos", file=handle)
    assert refused.status_code == 400 and "notes.mp4" in refused.json()["detail"]
    assert api.upload(f"/projects/{project.pk}/videos").status_code == 422
    assert api.get(f"/projects/{project.pk}/videos").json()["count"] == 1
    video_id = uploaded.json()["id"]
    again = api.post(f"/videos/{video_id}/reprobe")
    assert again.status_code == 400 and "already" in again.json()["detail"]  # its first probe is still queued
    assert api.delete(f"/videos/{video_id}").status_code == 204
    assert api.get(f"/videos/{video_id}").status_code == 404


def test_a_checkpoint_is_registered_by_managers_and_a_foreign_one_refused(manager, project, api, tmp_path):
    from prediction.tests.factories import checkpoint

    with checkpoint(tmp_path, classes=("road", "junction")).open("rb") as handle:
        registered = api.upload(f"/projects/{project.pk}/models", file=handle, name="rig model")
    assert registered.status_code == 201 and registered.json()["classes"] == ["road", "junction"]
    assert api.get(f"/models/{registered.json()['id']}").json()["name"] == "rig model"
    with checkpoint(tmp_path, classes=("cat", "dog")).open("rb") as handle:
        foreign = api.upload(f"/projects/{project.pk}/models", file=handle)
    assert foreign.status_code == 400 and "cat" in foreign.json()["detail"], foreign.json()
    labeller = TokenClient(add_member(project, Role.LABELLER))
    with checkpoint(tmp_path, classes=("road", "junction")).open("rb") as handle:
        assert labeller.upload(f"/projects/{project.pk}/models", file=handle).status_code == 403


def test_the_review_queue_lists_doubtful_runs_and_accepts_checked_ones(project, api, manager):
    video = predicted_video(project)
    runs = api.get(f"/projects/{project.pk}/review/next", k=2).json()
    assert [(r["video_id"], r["start"], r["end"], r["class"]) for r in runs] == [
        (video.pk, 40, 59, project.classes.all()[1].name), (video.pk, 0, 39, project.classes.all()[0].name)]
    assert api.get(f"/projects/{project.pk}/review/next", videos="²").status_code == 404
    assert api.get(f"/projects/{project.pk}/review/next", k=0).status_code == 422
    accept = f"/projects/{project.pk}/review/accept"
    refused = api.post(accept, {"runs": [{"video": "clip.mp4", "start": 30, "end": 50}]})
    assert refused.status_code == 400 and "carry 2 classes" in refused.json()["detail"]
    accepted = api.post(accept, {"runs": [{"video": str(video.pk), "start": 40, "end": 59}]})
    assert accepted.json() == {"runs": 1, "videos": 1}
    assert video.label_sets.get(is_current=True).label_runs.at(45)[1] == manager.pk
    assert [r["start"] for r in api.get(f"/projects/{project.pk}/review/next").json()] == [0, 60]
    viewer = TokenClient(add_member(project, Role.VIEWER))
    assert viewer.post(accept, {"runs": [{"video": "clip.mp4", "start": 0, "end": 9}]}).status_code == 403


def test_an_unexpected_error_is_answered_in_json_and_logged(caplog):
    from django.test import RequestFactory

    from api.api import unexpected

    response = unexpected(RequestFactory().get("/api/v1/projects"), RuntimeError("a bug"))
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    assert "did not expect" in json.loads(response.content)["detail"] and "a bug" not in response.content.decode()
    assert "a bug" in caplog.text


def test_an_upload_of_several_files_at_once_is_refused_and_keeps_nothing(manager, project, api, video_files):
    from videos.models import Video

    handles = [video_files["cfr.mp4"].open("rb") for _ in range(3)]
    try:
        response = api.client.post(f"/api/v1/projects/{project.pk}/videos", {"file": handles},
                                   headers=api._headers())
    finally:
        for handle in handles:
            handle.close()
    assert response.status_code == 400 and "one file per request" in response.json()["detail"]
    assert not Video.objects.exists()


@pytest.mark.parametrize("name", [".", ".."])
def test_an_upload_named_dot_or_dot_dot_is_refused_in_json(manager, project, api, name):
    boundary = "aigva-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: video/mp4\r\n\r\nxxxx\r\n--{boundary}--\r\n").encode()
    response = api.client.post(f"/api/v1/projects/{project.pk}/videos", body, headers=api._headers(),
                                content_type=f"multipart/form-data; boundary={boundary}")
    assert 400 <= response.status_code < 500 and response.json()["detail"]


def test_a_body_over_8_mib_is_refused_in_json(manager, project, api):
    response = api.client.post("/api/v1/projects", b"{" + b" " * (9 * 1024**2) + b"}",
                               content_type="application/json", headers=api._headers())
    assert response.status_code == 413 and "over 8 MB" in response.json()["detail"]
