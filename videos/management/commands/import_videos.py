import contextlib
import sys
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand
from tqdm import tqdm

from aigva.errors import UserFacingError
from projects.commands import json_line, resolve_project
from projects.jobs import run_job
from videos import services
from videos.models import Video, VideoStatus


class Command(BaseCommand):
    help = "Import video files and folders into a project, probing each one."

    def add_arguments(self, parser):
        parser.add_argument("project", help="project id or name")
        parser.add_argument("paths", nargs="+", help="video files or folders of them")
        parser.add_argument("--enqueue", action="store_true", help="let the workers probe instead of this process")
        parser.add_argument("--json", action="store_true", help="print the results as JSON on the last line")

    def handle(self, *args, **options):
        project = resolve_project(options["project"])
        paths = services.import_path_list(options["paths"])
        results = [
            self._import(project, path, options["enqueue"])
            for path in tqdm(paths, desc="Importing", unit="file", file=sys.stderr, disable=not paths)
        ]
        if options["json"]:
            self.stdout.write(json_line(results))
        else:
            for result in results:
                detail = result["error"] or f"{result['frame_count']} frames"
                twin = result["duplicate_of"]
                same = f" (the same bytes as {twin['name']}, video {twin['id']})" if twin else ""
                self.stdout.write(f"{result['name']}: {result['status']}, {detail}{same}")
        if any(result["error"] for result in results):
            sys.exit(1)

    def _import(self, project, path: Path, enqueue: bool) -> dict:
        try:
            with path.open("rb") as handle:
                video = services.create_video(
                    project=project, upload=File(handle, name=path.name), name=path.name,
                    created_by=None, enqueue=enqueue,
                )
        except (UserFacingError, OSError) as exc:
            message = str(exc) if isinstance(exc, UserFacingError) else f"Cannot read the file: {exc.strerror}."
            return {"id": None, "name": path.name, "frame_count": None, "fps": None, "status": "rejected",
                    "error": message, "duplicate_of": None}
        if not enqueue:
            # A failure is recorded on the job and the video (and logged); the next file is still tried.
            with contextlib.suppress(Exception):
                run_job(video.probe_job.pk, services.probe_video)
        video = Video.objects.get(pk=video.pk)
        return {
            "id": video.pk, "name": video.name, "frame_count": video.frame_count,
            "fps": str(video.fps) if video.fps else None, "status": video.status,
            "error": video.error or None if video.status == VideoStatus.FAILED else None,
            "duplicate_of": video.duplicate_of and {"id": video.duplicate_of.pk, "name": video.duplicate_of.name},
        }
