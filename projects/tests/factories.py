import json

import factory
from django.contrib.auth import get_user_model

from projects.models import Membership, Project, Role, Track
from projects.services import add_track as add_track_service
from projects.services import create_project
from videos.models import Video, VideoStatus

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_project(*, name: str | None = None, classes=("road", "junction", "parking"), manager=None) -> Project:
    """A project through the real service, as the app makes them."""
    make_project.counter = getattr(make_project, "counter", 0) + 1
    return create_project(
        name=name or f"Project {make_project.counter}", class_names=list(classes), created_by=manager
    )


def add_track(project: Project, name: str, classes: list[str], default: str | None = None) -> Track:
    """A further track with its classes, made through the service (its default: the first class unless named)."""
    return add_track_service(project=project, name=name, class_names=classes, default_class_name=default)


def add_member(project: Project, role: Role = Role.LABELLER, user=None):
    user = user or UserFactory()
    Membership.objects.update_or_create(project=project, user=user, defaults={"role": role})
    return user


def last_json_line(capsys):
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def labelled_video(project, class_ids):
    """A ready video whose current labels are the given class per frame."""
    from labelling.services import create_label_set

    video = Video.objects.create(project=project, name="v.mp4", frame_count=len(class_ids), status=VideoStatus.READY)
    create_label_set(video=video, class_ids=class_ids)
    return video
