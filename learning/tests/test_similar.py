"""Find similar frames (Y-2): nearest neighbours in the embeddings cache, then label the chosen ones."""

import numpy as np
import pytest
from django.urls import reverse

from learning.similar import find_similar
from learning.tests.factories import SHOT_OF, SHOTS
from projects.models import Role
from projects.tests.factories import add_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("random_init")]


def test_similar_frames_come_from_the_same_scene_in_any_video(predicted):
    project, first, second = predicted
    # Shot 2 of the first video (frames 40-69): 9 frames of it lie over a second away from 50, and the second
    # video shows the same scene for 30 frames, so the 39 best matches are exactly those, from both videos.
    matches, key = find_similar(first, 50, count=39)
    assert key and len(matches) == 39
    second_shot_of = np.repeat([3, 2, 1, 0], SHOTS[::-1])  # the same backgrounds, in reverse order
    for match in matches:
        shot = SHOT_OF[match.frame] if match.video == first else second_shot_of[match.frame]
        assert shot == 2, (match.video.name, match.frame)
        assert match.video != first or abs(match.frame - 50) > 10  # not the frames right next to it
    assert {match.video for match in matches} == {first, second}


def test_the_player_lists_similar_frames_and_labels_the_chosen_ones(client, predicted):
    project, first, second = predicted
    user = add_member(project, Role.LABELLER)
    client.force_login(user)
    page = client.get(reverse("learning:similar-frames", args=[first.pk]), {"frame": 50}).content.decode()
    assert page.count('name="frames"') == 24 and f'value="{second.pk}:' in page
    image = client.get(reverse("videos:video-frame-image", args=[second.pk, 30]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    bright = project.classes.get(name="bright")
    response = client.post(reverse("learning:apply-label", args=[project.pk]),
                           {"frames": [f"{second.pk}:30", f"{first.pk}:45"], "class_id": bright.pk})
    assert "Labelled 2 frames" in response.content.decode()
    classes, authors = second.label_sets.get(is_current=True).label_runs.to_frames()
    assert classes[30] == bright.pk and authors[30] == user.pk and authors[29] != user.pk
    response = client.post(reverse("learning:apply-label", args=[project.pk]),
                           {"frames": ["999999:1"], "class_id": bright.pk})
    assert "not all from videos of this project" in response.content.decode()
    assert client.get(reverse("videos:video-frame-image", args=[second.pk, 90])).status_code == 404
