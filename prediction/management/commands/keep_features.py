from django.core.management.base import BaseCommand, CommandError

from aigva.errors import UserFacingError
from prediction import services
from projects.commands import resolve_project
from projects.models import Project


class Command(BaseCommand):
    help = ("Keep the project backbone's features of every ready video that lacks them, in the background (after "
            "AIGVA_BACKBONE changed; make run does this at start). --backbone also makes it the project's.")

    def add_arguments(self, parser):
        parser.add_argument("project", nargs="?", help="project id or name (default: every project)")
        parser.add_argument("--backbone", help="the backbone the project's uploads keep from now on")

    def handle(self, *args, **options):
        projects = [resolve_project(options["project"])] if options["project"] else list(Project.objects.all())
        if options["backbone"] and not options["project"]:
            raise CommandError("Name the project whose backbone to change.")
        jobs = 0
        for project in projects:
            try:
                jobs += len(services.choose_backbone(project=project, backbone=options["backbone"], started_by=None)
                            if options["backbone"] else services.start_feature_fills(project=project))
            except UserFacingError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(f"Videos whose features the workers now keep: {jobs}.")
