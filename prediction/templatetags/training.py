"""How a trained model's figures read on the pages: accuracy as a percentage everywhere, the confusion matrix
as rows of the true class."""

from django import template

register = template.Library()


@register.filter
def percent(fraction) -> str:
    """0.5421 -> "54.2 %", as model names say it."""
    return "—" if fraction is None else f"{100 * float(fraction):.1f} %"


@register.filter
def confusion_rows(metrics: dict) -> list[dict]:
    """[{"name", "cells": [{"count", "hit"}], "f1"}] per true class, in the model's class order."""
    names, matrix = list(metrics.get("f1") or {}), metrics.get("confusion") or []
    if len(matrix) != len(names):
        return []
    return [{"name": name, "f1": metrics["f1"][name],
             "cells": [{"count": count, "hit": column == row} for column, count in enumerate(matrix[row])]}
            for row, name in enumerate(names)]
