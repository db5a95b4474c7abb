"""A project's labels in numbers, for pages other apps render (the dashboard)."""

from django import template

from labelling import wording
from labelling.selectors import summarize_project_labels

register = template.Library()


@register.simple_tag
def project_label_summary(project) -> dict:
    """Frames, labelled and reviewed frames, and frames per class over the project's current labels."""
    return summarize_project_labels(project)


register.filter("accuracy_line", wording.accuracy_line)
register.filter("accuracy_short", wording.accuracy_short)

