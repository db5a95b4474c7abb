from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from aigva.errors import UserFacingError
from learning import imports
from projects.commands import json_line, resolve_project
from projects.models import Role

MAX_FILE_BYTES = 200 * 1024 * 1024


class Command(BaseCommand):
    help = "Import labels from CSV or JSON rows: video,frame,class or video,start,end,class (end inclusive)."

    def add_arguments(self, parser):
        parser.add_argument("project", help="project id or name")
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="who the labels are by (default: the project's only manager)")
        parser.add_argument("--reviewed", action="store_true", help="mark every touched video reviewed")
        parser.add_argument("--json", action="store_true", help="print the counts as JSON on the last line")

    def handle(self, *args, **options):
        project = resolve_project(options["project"])
        user = labeller(project, options["user"])
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{path.name} is over {MAX_FILE_BYTES // 2**20} MB; split it.")
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:  # the CSV reader sees every \r itself
                text = handle.read()
            rows = imports.check_rows(project, imports.read_rows(text, path.name))
            result = imports.import_labels(project=project, rows=rows, user=user, reviewed=options["reviewed"])
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path.name} is not UTF-8 text.") from exc
        except UserFacingError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json_line(result) if options["json"] else (
            f"Imported {result['rows']} rows: {result['samples']} samples and {result['edits']} frame ranges "
            f"labelled in {result['videos']} videos."))


def labeller(project, username: str | None):
    """The user named, or the project's only manager; whose labels a file's rows are."""
    if username:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user “{username}”.")
        return user
    managers = list(project.memberships.filter(role=Role.MANAGER).select_related("user"))
    if len(managers) != 1:
        raise CommandError("Say whose labels these are with --user USERNAME.")
    return managers[0].user
