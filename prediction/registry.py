"""Where custom models come from: settings (AIGVA_CUSTOM_MODELS) and the `aigva.models` entry points."""

from collections.abc import Callable
from importlib import import_module
from importlib.metadata import entry_points

from django.conf import settings

from aigva.errors import UserFacingError

ENTRY_POINT_GROUP = "aigva.models"


def available_custom_models() -> dict[str, str]:
    """name -> "module:function" for every registered custom model."""
    found = {entry.name: entry.value for entry in entry_points(group=ENTRY_POINT_GROUP)}
    return {**found, **settings.AIGVA_CUSTOM_MODELS}


def load_custom_model(name: str) -> Callable:
    target = available_custom_models().get(name)
    if target is None:
        raise UserFacingError(f"No custom model called “{name}” is registered (AIGVA_CUSTOM_MODELS or aigva.models).")
    module_name, _, attribute = target.partition(":")
    try:
        function = getattr(import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise UserFacingError(f"The custom model “{name}” points at {target}, which cannot be imported: {exc}") from exc
    if not callable(function):
        raise UserFacingError(f"The custom model “{name}” ({target}) is not a function.")
    return function
