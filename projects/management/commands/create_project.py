from django.core.management.base import BaseCommand, CommandError

from aigva.errors import UserFacingError
from projects.commands import json_line
from projects.services import create_project, parse_class_names


class Command(BaseCommand):
    help = "Create a project with its classes."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--classes", required=True, help="comma-separated class names")
        parser.add_argument("--default", help="the class new videos start with (default: the first)")
        parser.add_argument("--description", default="")
        parser.add_argument("--json", action="store_true", help="print the result as JSON on the last line")

    def handle(self, *args, **options):
        try:
            project = create_project(
                name=options["name"], description=options["description"], created_by=None,
                class_names=parse_class_names(options["classes"]), default_class_name=options["default"],
            )
        except UserFacingError as exc:
            raise CommandError(str(exc)) from exc
        result = {"id": project.pk, "name": project.name, "classes": [c.name for c in project.classes.all()]}
        if options["json"]:
            self.stdout.write(json_line(result))
        else:
            classes = ", ".join(result["classes"])
            self.stdout.write(f"Created project {project.pk} “{project.name}” with classes {classes}.")
