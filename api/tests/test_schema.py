"""schemathesis generates requests for every operation from the API's own OpenAPI schema and sends them
with a manager's token: no input may cause a 500, and every documented answer must match the schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from aigva.wsgi import application
from api.services import create_token
from exports.jobs import EXPORT
from labelling.tests.factories import make_labelled_video
from prediction.models import Model
from projects.models import Job
from projects.tests.factories import UserFactory, make_project

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
EXAMPLES = 12  # per operation and phase: the whole sweep stays near a minute


@pytest.fixture
def in_process():
    """Requests go straight to Django's WSGI handler in this test's transaction, so, as Django's own test
    client does, the handler must not close the connection when a request starts or ends."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def objects(db, in_process):
    """A project with a labelled video, a model and jobs, and a manager's token: generated requests are
    sent to these ids, so they reach the services and not only the 404s."""
    manager = UserFactory()
    project = make_project(manager=manager)
    video, _ = make_labelled_video(frames=60, project=project)
    model = Model.objects.create(project=project, name="m", kind=Model.Kind.CUSTOM, custom_name="x",
                                 classes=["road", "junction"])
    export = Job.objects.create(project=project, kind=EXPORT)
    ids = {"project_id": project.pk, "video_id": video.pk, "model_id": model.pk, "job_id": export.pk}
    return ids, {"Authorization": f"Bearer {create_token(user=manager, name='schemathesis')[1]}"}


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_request_fails_or_breaks_the_schema(case, objects):
    ids, headers = objects
    for name in case.path_parameters or {}:
        case.path_parameters[name] = ids[name]
    case.call_and_validate(headers=headers,
                           checks=[not_a_server_error, response_schema_conformance, content_type_conformance])
