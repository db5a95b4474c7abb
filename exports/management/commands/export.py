import shutil
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from aigva.errors import UserFacingError
from exports import services
from exports.label_forms import LABEL_FORMS
from exports.models import Export
from exports.selectors import ExportOptions, list_export_label_sets
from projects.commands import json_line, resolve_project, resolve_videos, run_here
from projects.models import JobStatus
from projects.selectors import get_track

FORM_OF = {"json": "frames"}  # --format names that differ from the forms'


class Command(BaseCommand):
    help = ("Export a project's labels as JSON (every frame or segments), CSV or ActivityNet segments, or its "
            "labelled frames as a dataset ZIP.")

    def add_arguments(self, parser):
        parser.add_argument("project", help="project id or name")
        parser.add_argument("--format", choices=["json", "segments", "csv", "activitynet", "zip"], required=True)
        parser.add_argument("--out", required=True, type=Path, help="file to write")
        parser.add_argument("--videos", nargs="*", default=[], help="video ids or file names (default: all)")
        parser.add_argument("--reviewed-only", action="store_true", help="only videos whose labels are reviewed")
        parser.add_argument("--frame-skip", type=int, default=1, help="zip: every k-th frame")
        parser.add_argument("--quality", type=int, default=90, help="zip: JPEG quality 1-100")
        parser.add_argument("--split", type=float, default=0.0, help="zip: share of videos held out as val/")
        parser.add_argument("--track", help="zip: the track whose classes name the folders (default: the first)")
        parser.add_argument("--json", action="store_true", help="print the result as JSON on the last line")

    def handle(self, *args, **options):
        project = resolve_project(options["project"])
        video_ids = tuple(video.pk for video in resolve_videos(project, options["videos"])) if options["videos"] else ()
        out: Path = options["out"]
        if not out.parent.is_dir():
            raise CommandError(f"No folder {out.parent} to write {out.name} into.")
        try:
            track = get_track(project, options["track"])
        except UserFacingError as exc:
            raise CommandError(str(exc)) from exc
        if options["format"] == "zip":
            result = self._zip(project, out, ExportOptions(
                video_ids=video_ids, reviewed_only=options["reviewed_only"], frame_skip=options["frame_skip"],
                quality=options["quality"], split=options["split"], track=track.pk))
        else:
            label_sets = list_export_label_sets(project, video_ids=video_ids, reviewed_only=options["reviewed_only"])
            chunks = LABEL_FORMS[FORM_OF.get(options["format"], options["format"])].stream(project, label_sets)
            with out.open("w", encoding="utf-8", newline="") as handle:
                handle.writelines(tqdm(chunks, desc=f"writing {options['format']}", unit=" chunks", file=sys.stderr))
            result = {"videos": len(label_sets)}
        result |= {"out": str(out), "bytes": out.stat().st_size}
        self.stdout.write(json_line(result) if options["json"] else f"Wrote {out} ({result['bytes']} bytes).")

    def _zip(self, project, out: Path, options: ExportOptions) -> dict:
        try:
            job = services.start_dataset_export(project=project, options=options, started_by=None, enqueue=False)
        except UserFacingError as exc:
            raise CommandError(str(exc)) from exc
        job = run_here(job, services.run_dataset_export, "exporting frames")
        if job.status != JobStatus.SUCCEEDED:
            self.stderr.write(job.error)
            sys.exit(1)
        export = Export.objects.get(job=job)
        with export.file.open("rb") as source, out.open("wb") as target:
            shutil.copyfileobj(source, target, length=8 * 1024**2)
        return {"job": job.pk, "export": export.pk, "images": export.images, "videos": job.metrics["videos"]}
