"""Reviewers' agreement on pages other apps render (the player shows it once 2+ people reviewed a video)."""

from django import template

from reviews.selectors import get_video_agreement

register = template.Library()


@register.simple_tag
def video_agreement(video) -> dict | None:
    return get_video_agreement(video)
