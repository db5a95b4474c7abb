from django.core.management.base import BaseCommand, CommandError

from aigva.errors import UserFacingError
from projects.commands import json_line
from projects.services import create_project, parse_class_names, parse_tracks


class Command(BaseCommand):
    help = "Create a project with its classes: one list of them (--classes), or a track per question (--track)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--classes", help="comma-separated class names: one track, named “class”")
        parser.add_argument("--track", action="append", default=[], metavar="NAME=CLASS,CLASS",
                            help="a track and its classes, e.g. --track weather=sunny,rain (repeat for more)")
        parser.add_argument("--default", help="the class new videos start with on its track (default: the first)")
        parser.add_argument("--description", default="")
        parser.add_argument("--json", action="store_true", help="print the result as JSON on the last line")

    def handle(self, *args, **options):
        if not options["classes"] and not options["track"]:
            raise CommandError("Give the classes (--classes a,b) or one or more tracks (--track name=a,b).")
        try:
            project = create_project(
                name=options["name"], description=options["description"], created_by=None,
                class_names=parse_class_names(options["classes"]) if options["classes"] else None,
                tracks=[track for text in options["track"] for track in parse_tracks(text.replace("=", ":", 1))],
                default_class_name=options["default"],
            )
        except UserFacingError as exc:
            raise CommandError(str(exc)) from exc
        tracks = {track.name: [c.name for c in track.classes.all()] for track in project.tracks.all()}
        result = {"id": project.pk, "name": project.name, "classes": tracks[project.first_track.name],
                  "tracks": tracks}
        if options["json"]:
            self.stdout.write(json_line(result))
        else:
            if len(tracks) == 1:
                described = "classes " + ", ".join(result["classes"])
            else:
                described = "tracks " + "; ".join(f"{name}: {', '.join(classes)}" for name, classes in tracks.items())
            self.stdout.write(f"Created project {project.pk} “{project.name}” with {described}.")
