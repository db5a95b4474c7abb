"""A project's labels in numbers, for pages other apps render (the dashboard)."""

from django import template

from labelling.selectors import summarize_project_labels

register = template.Library()


@register.simple_tag
def project_label_summary(project) -> dict:
    """Frames, labelled and reviewed frames, and frames per class over the project's current labels."""
    return summarize_project_labels(project)


@register.filter
def accuracy_line(estimate: dict | None) -> str:
    """An accuracy estimate (learning.accuracy.Estimate.as_dict()) as a person reads it."""
    if not estimate:
        return ""
    wrong, audited = estimate["wrong_frames"], estimate["audited"]
    if not audited and estimate["low"] < estimate["estimate"]:
        return (f"about {100 * estimate['estimate']:.1f} % right by the model's own confidences; not audited yet, "
                "so nothing has checked them")
    line = (f"{100 * estimate['estimate']:.1f} % right, 95 % CI {100 * estimate['low']:.1f}–"
            f"{100 * estimate['high']:.1f}, about {wrong} frame{'s' if wrong != 1 else ''} wrong")
    return f"{line}; {audited} frame{'s' if audited != 1 else ''} audited"


@register.filter
def percent(share: float) -> str:
    """0.995 as "99.5"."""
    return f"{100 * share:.4g}"
