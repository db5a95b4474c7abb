"""Shared parts of the management commands (SPEC X-2)."""

import json
import sys

from django.core.management.base import CommandError
from django.http import Http404
from tqdm import tqdm

from aigva.params import parse_int
from projects.jobs import JobReporter, run_job
from projects.models import Job, Project
from projects.selectors import find_videos


def resolve_project(reference: str) -> Project:
    """A project by id or by name (case-insensitive)."""
    pk = parse_int(reference)
    project = Project.objects.filter(pk=pk).first() if pk is not None else None
    project = project or Project.objects.filter(name__iexact=reference.strip()).first()
    if project is None:
        raise CommandError(f"No project with id or name “{reference}”.")
    return project


def json_line(document) -> str:
    """One JSON document on one line: the last line a command prints with --json."""
    return json.dumps(document, separators=(",", ":"), default=str)


def resolve_videos(project: Project, references: list[str]) -> list:
    """Videos of the project by id or file name; all of them when none are named."""
    try:
        return find_videos(project, references) if references else list(project.videos.all())
    except Http404 as exc:
        raise CommandError(str(exc)) from exc


def run_here(job: Job, work, description: str, total: int = 100) -> Job:
    """Run a job in this process with a tqdm bar on stderr; returns it as it ended."""
    with tqdm(total=total, desc=description, file=sys.stderr) as bar:
        run_job(job.pk, lambda job, reporter: work(job, BarReporter(reporter, bar)))
    return Job.objects.get(pk=job.pk)


class BarReporter(JobReporter):
    """The job's reporter that also moves a tqdm bar."""

    def __init__(self, reporter: JobReporter, bar) -> None:
        super().__init__(reporter.job_id)
        self.bar = bar

    def progress(self, fraction: float, message: str = "", seconds_left: float | None = None) -> None:
        self.bar.n = round(fraction * self.bar.total)
        self.bar.refresh()
        super().progress(fraction, message, seconds_left)
