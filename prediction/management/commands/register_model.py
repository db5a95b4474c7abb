from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aigva.errors import UserFacingError
from prediction import services
from projects.commands import json_line, resolve_project


class Command(BaseCommand):
    help = "Register a checkpoint file, or a custom model from the registry, as a model of a project."

    def add_arguments(self, parser):
        parser.add_argument("project", help="project id or name")
        parser.add_argument("path", nargs="?", help="checkpoint file ({'config', 'state_dict'})")
        parser.add_argument("--custom", help="name of a custom model (AIGVA_CUSTOM_MODELS or aigva.models)")
        parser.add_argument("--name", default="", help="display name (default: the file name)")
        parser.add_argument("--json", action="store_true", help="print the result as JSON on the last line")

    def handle(self, *args, **options):
        project = resolve_project(options["project"])
        if bool(options["path"]) == bool(options["custom"]):
            raise CommandError("Give either a checkpoint PATH or --custom NAME.")
        try:
            if options["custom"]:
                model = services.register_custom(project=project, custom_name=options["custom"], created_by=None)
            else:
                model = services.register_checkpoint(project=project, path=Path(options["path"]),
                                                      name=options["name"], created_by=None)
        except UserFacingError as exc:
            raise CommandError(str(exc)) from exc
        result = {"id": model.pk, "name": model.name, "kind": model.kind, "classes": model.classes}
        self.stdout.write(json_line(result) if options["json"] else f"Registered model {model.pk} “{model.name}”.")
