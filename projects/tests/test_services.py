import pytest

from aigva.errors import UserFacingError
from projects import services
from projects.models import Role
from projects.tests.factories import (
    UserFactory,
    labelled_video,
    make_project,
)

pytestmark = pytest.mark.django_db


def frame_classes(video) -> list[int]:
    return video.label_sets.get(is_current=True).label_runs.to_frames()[0].tolist()


def test_create_project_trims_names_and_makes_the_creator_manager():
    user = UserFactory()
    project = services.create_project(
        name="  Dashcam  ", class_names=services.parse_class_names(" road ,\n junction"), created_by=user,
        default_class_name="JUNCTION",
    )
    assert project.name == "Dashcam"
    assert [c.name for c in project.classes.all()] == ["road", "junction"]
    assert project.first_track.default_class.name == "junction"
    assert project.memberships.get().role == Role.MANAGER
    assert [c.shortcut for c in project.classes.all()] == ["1", "2"]


@pytest.mark.parametrize("text", ["road, Road", "a,\nA ", "", " , "])
def test_class_lists_must_be_unique_ignoring_case_and_not_empty(text):
    with pytest.raises(UserFacingError):
        services.parse_class_names(text)


def test_project_names_are_unique_ignoring_case():
    make_project(name="Ultrasound")
    with pytest.raises(UserFacingError, match="already exists"):
        make_project(name="ULTRASOUND ")


def test_default_class_must_be_one_of_the_classes():
    with pytest.raises(UserFacingError, match="not one of the classes"):
        services.create_project(name="P", class_names=["a"], created_by=None, default_class_name="b")


def test_rename_keeps_the_labels():
    project = make_project()
    road = project.classes.get(name="road")
    video = labelled_video(project, [road.pk] * 5)
    services.update_class(label_class=road, name="Highway", colour="#112233", shortcut="h")
    assert set(frame_classes(video)) == {road.pk}
    assert project.classes.get(pk=road.pk).name == "Highway"


def test_class_names_and_colours_are_checked():
    project = make_project()
    road = project.classes.get(name="road")
    with pytest.raises(UserFacingError, match="already has a class"):
        services.update_class(label_class=road, name="JUNCTION", colour="#112233", shortcut="")
    with pytest.raises(UserFacingError, match="#rrggbb"):
        services.update_class(label_class=road, name="road", colour="red;background:url(x)", shortcut="")
    with pytest.raises(UserFacingError, match="already taken"):
        services.update_class(label_class=road, name="road", colour="#112233", shortcut="2")


def test_deleting_a_class_in_use_needs_a_target_and_moves_its_frames():
    project = make_project()
    road, junction, parking = project.classes.all()
    video = labelled_video(project, [road.pk, junction.pk, junction.pk, parking.pk])
    with pytest.raises(UserFacingError, match="2 frames"):
        services.delete_class(label_class=junction, map_to=None)
    services.delete_class(label_class=junction, map_to=parking)
    assert frame_classes(video) == [road.pk, parking.pk, parking.pk, parking.pk]
    assert not project.classes.filter(pk=junction.pk).exists()


def test_deleting_an_unused_default_class_picks_another_default():
    project = make_project()
    road = project.first_track.default_class
    services.delete_class(label_class=road, map_to=None)
    assert project.first_track.default_class.name == "junction"


def test_the_last_class_cannot_be_deleted():
    project = make_project(classes=["only"])
    with pytest.raises(UserFacingError, match="at least one class"):
        services.delete_class(label_class=project.classes.get(), map_to=None)


def test_the_last_manager_cannot_be_removed():
    user = UserFactory()
    project = make_project(manager=user)
    with pytest.raises(UserFacingError, match="at least one manager"):
        services.remove_membership(membership=project.memberships.get(user=user))
