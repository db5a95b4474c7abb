from django.core.management.base import BaseCommand, CommandError

from aigva.errors import UserFacingError
from labelling.wording import accuracy_line
from learning.audits import accuracy_report
from projects.commands import json_line, resolve_project
from projects.selectors import get_track


class Command(BaseCommand):
    help = ("How right the project's labels are: the share of frames right, with a 95 % confidence interval, "
            "for the project and each video, from the audit and the model's confidences (issue 31).")

    def add_arguments(self, parser):
        parser.add_argument("project", help="project id or name")
        parser.add_argument("--track", help="the track whose labels to estimate (default: the first)")
        parser.add_argument("--json", action="store_true", help="one JSON document on the last line")

    def handle(self, *args, **options):
        project = resolve_project(options["project"])
        try:
            report = accuracy_report(project, get_track(project, options["track"]))
        except UserFacingError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            return self.stdout.write(json_line(report))
        whole = f"Project, “{report['track']}”" if project.tracks.count() > 1 else "Project"
        lines = [f"{whole}: {accuracy_line(report)}"] + [f"{video['video']}: {accuracy_line(video)}"
                                                         for video in report["videos"]]
        self.stdout.write("\n".join(lines + [report["message"]]))
