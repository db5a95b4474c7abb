"""Shared parts of the management commands (SPEC X-2)."""

import json

from django.core.management.base import CommandError

from projects.models import Project


def resolve_project(reference: str) -> Project:
    """A project by id or by name (case-insensitive)."""
    project = Project.objects.filter(pk=int(reference)).first() if reference.isdigit() else None
    project = project or Project.objects.filter(name__iexact=reference.strip()).first()
    if project is None:
        raise CommandError(f"No project with id or name “{reference}”.")
    return project


def json_line(document) -> str:
    """One JSON document on one line: the last line a command prints with --json."""
    return json.dumps(document, separators=(",", ":"), default=str)
