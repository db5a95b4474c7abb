from django.core.management.base import BaseCommand

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
        lines = [describe(report, "Project")] + [describe(video, video["video"]) for video in report["videos"]]
        self.stdout.write("\n".join(lines + [report["message"]]))


def describe(estimate: dict, name: str) -> str:
    return (f"{name}: {100 * estimate['estimate']:.1f} % right, 95 % CI {100 * estimate['low']:.1f}-"
            f"{100 * estimate['high']:.1f}, about {estimate['wrong_frames']} frames wrong; "
            f"{estimate['audited']} frames audited")
