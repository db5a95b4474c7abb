import threading

import numpy as np
import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aigva.errors import UserFacingError
from labelling import services
from labelling.selectors import confidence_bins, get_current_label_set, get_frame_history, get_timeline
from labelling.tests.factories import frames_of, make_labelled_video
from learning import services as learning_services
from projects.tests.factories import UserFactory, make_project


@pytest.fixture
def labelled(db):
    video, label_set = make_labelled_video()
    road, junction, parking = video.project.classes.all()
    return label_set, road, junction, parking


def test_a_range_edit_labels_exactly_those_frames_with_the_user_as_author(labelled):
    label_set, road, junction, _ = labelled
    user = UserFactory()
    services.label_range(label_set=label_set, start=10, end=19, label_class=junction, user=user)
    classes = frames_of(label_set)
    assert (classes[10:20] == junction.pk).all() and (classes[:10] == road.pk).all() and classes[20] == road.pk
    assert label_set.label_runs.at(15) == (junction.pk, user.pk)
    timeline = get_timeline(label_set)
    assert timeline["starts"] == [0, 10, 20] and timeline["author_names"][user.pk] == user.username


@pytest.mark.parametrize(("start", "end"), [(-1, 5), (5, 100), (50, 40)])
def test_out_of_bounds_or_reversed_ranges_change_nothing(labelled, start, end):
    label_set, _, junction, _ = labelled
    with pytest.raises(UserFacingError, match="outside"):
        services.label_range(label_set=label_set, start=start, end=end, label_class=junction, user=UserFactory())
    assert len(set(frames_of(label_set))) == 1 and not label_set.edits.exists()


def test_a_class_of_another_project_is_refused(labelled):
    label_set, *_ = labelled
    foreign = make_project().classes.first()
    with pytest.raises(UserFacingError, match="another project"):
        services.label_range(label_set=label_set, start=0, end=5, label_class=foreign, user=UserFactory())


def test_undo_goes_back_several_levels(labelled):
    label_set, road, junction, parking = labelled
    user = UserFactory()
    services.label_range(label_set=label_set, start=0, end=49, label_class=junction, user=user)
    services.label_range(label_set=label_set, start=20, end=69, label_class=parking, user=user)
    services.undo_last_edit(label_set=label_set, user=user)
    assert (frames_of(label_set)[:50] == junction.pk).all() and (frames_of(label_set)[50:] == road.pk).all()
    services.undo_last_edit(label_set=label_set, user=user)
    assert (frames_of(label_set) == road.pk).all()
    assert label_set.label_runs.authors.tolist() == [0]
    with pytest.raises(UserFacingError, match="no change of yours"):
        services.undo_last_edit(label_set=label_set, user=user)


def test_undo_never_overwrites_someone_elses_later_edit(labelled):
    label_set, _, junction, parking = labelled
    me, colleague = UserFactory(), UserFactory()
    services.label_range(label_set=label_set, start=0, end=30, label_class=junction, user=me)
    services.label_range(label_set=label_set, start=20, end=40, label_class=parking, user=colleague)
    with pytest.raises(UserFacingError, match="Someone else"):
        services.undo_last_edit(label_set=label_set, user=me)
    assert (frames_of(label_set)[20:41] == parking.pk).all()


def test_history_says_who_set_a_frame_and_when(labelled):
    label_set, _, junction, parking = labelled
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    services.label_range(label_set=label_set, start=0, end=30, label_class=junction, user=alice)
    services.label_range(label_set=label_set, start=25, end=40, label_class=parking, user=bob)
    history = get_frame_history(label_set, 27)
    expected = [("bob", "parking"), ("alice", "junction"), ("default", None)]
    assert [(h["author"], h["class"]) for h in history] == expected
    assert [h["author"] for h in get_frame_history(label_set, 5)] == ["alice", "default"]


def test_review_records_who_and_when(labelled):
    label_set, *_ = labelled
    user = UserFactory()
    services.set_reviewed(label_set=label_set, reviewed=True, user=user)
    label_set.refresh_from_db()
    assert label_set.reviewed and label_set.reviewed_by == user and label_set.reviewed_at
    services.set_reviewed(label_set=label_set, reviewed=False, user=user)
    label_set.refresh_from_db()
    assert not label_set.reviewed and label_set.reviewed_by is None


def test_label_sets_from_predictions_keep_per_frame_confidence(db):
    video, _ = make_labelled_video(frames=2000)
    road, junction, _ = video.project.classes.all()
    classes = np.where(np.arange(2000) < 1000, road.pk, junction.pk)
    confidences = np.full(2000, 0.9, dtype=np.float16)
    confidences[1500] = 0.2
    label_set = services.create_label_set(video=video, class_ids=classes, confidences=confidences, author=-4)
    assert video.label_sets.filter(is_current=True).get() == label_set
    bins = confidence_bins(label_set)
    assert len(bins) == 1000 and bins[750] == pytest.approx(0.2, abs=1e-3) and bins[0] == pytest.approx(0.9, abs=1e-3)
    services.label_range(label_set=label_set, start=1500, end=1999, label_class=junction, user=UserFactory())
    label_set.refresh_from_db()
    bins = confidence_bins(label_set)
    assert bins[750:] == [1.0] * 250 and bins[749] == pytest.approx(0.9, abs=1e-3)  # people's labels are certain


def test_predictions_with_unknown_classes_are_refused(db):
    video, _ = make_labelled_video(frames=10)
    with pytest.raises(UserFacingError, match="not classes of the project"):
        services.create_label_set(video=video, class_ids=np.full(10, 999_999))


def test_a_deleted_videos_labels_cannot_be_edited(labelled):
    label_set, _, junction, _ = labelled
    label_set.video.delete()
    with pytest.raises(UserFacingError, match="no longer exist"):
        services.label_range(label_set=label_set, start=0, end=5, label_class=junction, user=UserFactory())


@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_of_different_ranges_both_survive():
    video, label_set = make_labelled_video(frames=1000)
    _, junction, parking = video.project.classes.all()
    users = [UserFactory(), UserFactory()]
    barrier = threading.Barrier(2)

    def edit(start: int, label_class, user) -> None:
        try:
            barrier.wait()
            for offset in range(0, 100, 10):
                services.label_range(label_set=label_set, start=start + offset, end=start + offset + 9,
                                     label_class=label_class, user=user)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(0, junction, users[0])),
               threading.Thread(target=edit, args=(500, parking, users[1]))]
    [thread.start() for thread in threads]
    [thread.join() for thread in threads]
    classes = frames_of(label_set)
    assert (classes[:100] == junction.pk).all() and (classes[500:600] == parking.pk).all()
    assert label_set.edits.count() == 20


def test_a_sample_answer_is_the_persons_label_of_that_frame_and_can_be_undone(labelled):
    from learning.models import TrainingSample

    label_set, road, junction, _ = labelled
    user = UserFactory()
    sample = TrainingSample.objects.create(project=label_set.video.project, video=label_set.video, frame=42)
    learning_services.label_sample(sample=sample, label_class=junction, user=user)
    assert frames_of(label_set)[41] == road.pk and label_set.label_runs.at(42) == (junction.pk, user.pk)
    learning_services.label_sample(sample=sample, label_class=None, user=user)  # skipping later keeps the answer given
    assert frames_of(label_set)[42] == junction.pk
    services.undo_last_edit(label_set=label_set, user=user)
    assert frames_of(label_set)[42] == road.pk and label_set.label_runs.at(42) == (road.pk, 0)


def test_an_edit_sent_to_a_replaced_set_lands_on_the_current_one(labelled):
    label_set, road, junction, parking = labelled
    user = UserFactory()
    services.label_range(label_set=label_set, start=0, end=4, label_class=parking, user=user)
    video = label_set.video
    predicted = services.create_label_set(video=video, class_ids=np.full(100, junction.pk), author=-1,
                                          keep_people=True)
    label_set.refresh_from_db()
    assert label_set.replaced_by == predicted and not label_set.is_current
    edit = services.label_range(label_set=label_set, start=50, end=59, label_class=road, user=user)  # a stale page
    assert edit.label_set == predicted
    classes = frames_of(predicted)
    assert (classes[:5] == parking.pk).all() and (classes[50:60] == road.pk).all() and classes[60] == junction.pk
    assert (frames_of(label_set)[50:60] == road.pk).all()  # the old set is not where the edit went


def test_edits_can_still_be_undone_after_a_prediction_replaced_their_set(labelled):
    label_set, road, junction, parking = labelled
    user = UserFactory()
    first = services.label_range(label_set=label_set, start=10, end=20, label_class=parking, user=user)
    services.label_range(label_set=label_set, start=15, end=25, label_class=junction, user=user)
    predicted = services.create_label_set(video=label_set.video, class_ids=np.full(100, road.pk), author=-7,
                                          keep_people=True)
    assert [e.created_at for e in predicted.edits.order_by("pk")][0] == first.created_at
    services.undo_last_edit(label_set=predicted, user=user)  # Ctrl+Z in the player, now on the new set
    predicted.refresh_from_db()
    runs = predicted.label_runs
    # 15-20 go back to the person's first edit, 21-25 to the new prediction (not the replaced labels).
    assert runs.at(15) == (parking.pk, user.pk) and runs.at(21) == (road.pk, -7) and runs.at(26) == (road.pk, -7)
    services.undo_last_edit(label_set=predicted, user=user)
    predicted.refresh_from_db()
    assert predicted.label_runs.at(10) == (road.pk, -7)
    with pytest.raises(UserFacingError, match="no change of yours"):
        services.undo_last_edit(label_set=predicted, user=user)
    label_set.refresh_from_db()
    assert label_set.edits.count() == 2  # the replaced set keeps its own history


def test_a_reviewers_own_copy_keeps_its_edits(labelled):
    label_set, _, junction, _ = labelled
    copy = services.fork_label_set(label_set=label_set, created_by=None)
    edit = services.label_range(label_set=copy, start=0, end=3, label_class=junction, user=UserFactory())
    assert edit.label_set == copy and (frames_of(copy)[:4] == junction.pk).all()
    assert (frames_of(label_set)[:4] != junction.pk).all()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ranges=st.lists(st.tuples(st.integers(0, 99), st.integers(0, 99), st.integers(0, 2)), max_size=8),
       predicted=st.lists(st.integers(0, 2), min_size=100, max_size=100))
def test_predicting_never_changes_a_frame_a_person_labelled(labelled, ranges, predicted):
    label_set, *classes = labelled
    video, user = label_set.video, UserFactory()
    for a, b, index in ranges:
        services.label_range(label_set=get_current_label_set(video), start=min(a, b), end=max(a, b),
                             label_class=classes[index], user=user)
    before = get_current_label_set(video).label_runs.to_frames()
    services.create_label_set(video=video, class_ids=np.asarray([classes[i].pk for i in predicted]), author=-3,
                              confidences=np.full(100, 0.5), keep_people=True)
    after = get_current_label_set(video).label_runs.to_frames()
    people = before[1] > 0
    assert np.array_equal(after[0][people], before[0][people]) and np.array_equal(after[1][people], before[1][people])
    assert (after[1][~people] == -3).all()
