from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aigva.errors import UserFacingError
from learning import audits, imports
from learning.management.commands.import_labels import MAX_FILE_BYTES, labeller
from projects.commands import json_line, resolve_project
from projects.selectors import get_track


class Command(BaseCommand):
    help = ("The audit (issue 31): frames drawn at random from those nobody labelled, to answer blind "
            "(--next N), or the answers (--answers FILE: CSV video,frame,class; a class answers its track's "
            "audit). They are people's labels but never training examples; `accuracy` estimates from them how "
            "right the labels are.")

    def add_arguments(self, parser):
        parser.add_argument("project", help="project id or name")
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--next", type=int, nargs="?", const=0, metavar="N",
                            help="the open audit frames, or a new audit of N draws (without N: the suggested size)")
        action.add_argument("--answers", type=Path, metavar="FILE", help="CSV or JSON rows of video,frame,class")
        parser.add_argument("--track", help="with --next: the track to audit (default: the first)")
        parser.add_argument("--user", help="who answered (default: the project's only manager)")
        parser.add_argument("--json", action="store_true", help="one JSON document on the last line")

    def handle(self, *args, **options):
        project = resolve_project(options["project"])
        try:
            if options["answers"]:
                return self._answers(project, options)
            if not 0 <= options["next"] <= audits.MOST_DRAWS:
                raise CommandError(f"--next is 1-{audits.MOST_DRAWS} frames.")
            track = get_track(project, options["track"])
            if not audits.pending_audit_frames(project, track).exists():
                audits.start_audit(project=project, draws=options["next"] or None, user=None, track=track)
        except UserFacingError as exc:
            raise CommandError(str(exc)) from exc
        frames = [{"video": s.video.name, "video_id": s.video_id, "frame": s.frame}
                  for s in audits.pending_audit_frames(project, track).order_by("video__name", "frame")]
        self.stdout.write(json_line(frames) if options["json"] else "\n".join(
            f"{f['video']} frame {f['frame']}" for f in frames))

    def _answers(self, project, options) -> None:
        path: Path = options["answers"]
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"No file {path}, or it is over {MAX_FILE_BYTES // 2**20} MB.")
        try:
            rows = imports.check_rows(project, imports.read_rows(path.read_text(encoding="utf-8-sig"), path.name))
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path.name} is not UTF-8 text.") from exc
        result = audits.import_audit_answers(project=project, rows=rows, user=labeller(project, options["user"]))
        self.stdout.write(json_line(result) if options["json"] else
                          f"{result['answers']} audit answers taken; {result['open']} audit frames still open.")
