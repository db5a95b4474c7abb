from django.core.management.base import BaseCommand

from labelling.wording import accuracy_line
from learning.audits import accuracy_report
from projects.commands import json_line, resolve_project


class Command(BaseCommand):
    help = ("How right the project's labels are: the share of frames right, with a 95 % confidence interval, "
            "for the project and each video, from the audit and the model's confidences (issue 31).")

    def add_arguments(self, parser):
        parser.add_argument("project", help="project id or name")
        parser.add_argument("--json", action="store_true", help="one JSON document on the last line")

    def handle(self, *args, **options):
        report = accuracy_report(resolve_project(options["project"]))
        if options["json"]:
            return self.stdout.write(json_line(report))
        lines = [f"Project: {accuracy_line(report)}"] + [f"{video['video']}: {accuracy_line(video)}"
                                                         for video in report["videos"]]
        self.stdout.write("\n".join(lines + [report["message"]]))
