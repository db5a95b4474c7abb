"""Numbers from URLs, query strings and forms, parsed once with bounds (an id, a frame, a count).

`str.isdigit()` is true for '²' and '٣', and a valid-looking id can overflow the database's integer:
either used to reach the database as a 500. Here only ASCII digits within range are numbers.
"""

from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**31 - 1  # the largest PostgreSQL integer (and every id column's range)


def parse_int(value, *, limit: int = MAX_ID) -> int | None:
    """The number `value` spells in ASCII digits when it is at most `limit`; None for anything else."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > len(str(limit)):
        return None
    number = int(value)
    return number if number <= limit else None


class IdConverter:
    """`<id:name>` in URLs: like `<int:...>`, but an id the database cannot hold is a 404, not a 500."""

    regex = "[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        number = parse_int(value)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(value)


class IdsField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id that refuses impossible ids with a message instead of querying."""

    def _check_values(self, value):
        for item in value if isinstance(value, list | tuple) else [value]:
            if parse_int(str(item)) is None:
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                      params={"pk": str(item)[:20]})
        return super()._check_values(value)


class IdField(forms.ModelChoiceField):
    """One row by id; an impossible id is "not one of the choices", never a database error."""

    def to_python(self, value):
        if value not in self.empty_values and parse_int(str(value)) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)
