"""Frame ranges as people read them."""

from django import template

register = template.Library()


@register.simple_tag
def frames(start: int, end: int) -> str:
    """"frame 5" for one frame, "frames 5–9" for several."""
    return f"frame {start}" if start == end else f"frames {start}–{end}"
