from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aigva.errors import UserFacingError
from learning import imports
from learning.management.commands.import_labels import MAX_FILE_BYTES, labeller
from learning.selectors import list_doubtful_runs
from projects.commands import json_line, resolve_project, resolve_videos
from projects.selectors import get_track


class Command(BaseCommand):
    help = ("The runs a model labelled that are most likely wrong, to check first (--next K), or runs a "
            "person checked as right (--accept FILE: CSV video,start,end), which become that person's labels.")

    def add_arguments(self, parser):
        parser.add_argument("project", help="project id or name")
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--next", type=int, metavar="K", help="the K most doubtful runs (1-10000)")
        action.add_argument("--accept", type=Path, metavar="FILE", help="CSV or JSON rows of video,start,end")
        parser.add_argument("--videos", nargs="+", help="ids or file names (default: every video)")
        parser.add_argument("--track", help="the track whose runs to check (default: the first)")
        parser.add_argument("--user", help="who checked the runs (default: the project's only manager)")
        parser.add_argument("--json", action="store_true", help="one JSON document on the last line")

    def handle(self, *args, **options):
        project = resolve_project(options["project"])
        try:
            track = get_track(project, options["track"])
        except UserFacingError as exc:
            raise CommandError(str(exc)) from exc
        if options["accept"]:
            return self._accept(project, track, options)
        if not 1 <= options["next"] <= 10_000:
            raise CommandError("--next is 1-10000 runs.")
        videos = resolve_videos(project, options["videos"]) if options["videos"] else None
        runs = list_doubtful_runs(project, limit=options["next"], videos=videos, track=track)
        self.stdout.write(json_line(runs) if options["json"] else "\n".join(
            f"{r['video']} frames {r['start']}-{r['end']}: {r['class']}, doubt {r['doubt']:.2f}" for r in runs)
            or "No run a model labelled is left unchecked.")

    def _accept(self, project, track, options) -> None:
        path: Path = options["accept"]
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"No file {path}, or it is over {MAX_FILE_BYTES // 2**20} MB.")
        try:
            text = path.read_text(encoding="utf-8-sig")
            checked = imports.accepted_rows(project, imports.read_rows(text, path.name), track)
            rows = imports.check_rows(project, checked)
            accepted = imports.accept_runs(project=project, rows=rows, user=labeller(project, options["user"]))
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path.name} is not UTF-8 text.") from exc
        except UserFacingError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json_line(accepted) if options["json"] else
                          f"Accepted {accepted['runs']} runs in {accepted['videos']} videos as checked by a person.")
