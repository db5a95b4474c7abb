import sys

from django.core.management.base import BaseCommand, CommandError

from aigva.errors import UserFacingError
from learning import sampling, services
from learning.models import TrainingSample
from projects.commands import json_line, resolve_project, resolve_videos, run_here
from projects.models import JobStatus


class Command(BaseCommand):
    help = "Pick frames to label from each video of a project (Cold Label, C-1)."

    def add_arguments(self, parser):
        parser.add_argument("project", help="project id or name")
        parser.add_argument("--per-video", type=int, required=True, help="frames per video")
        parser.add_argument("--method", choices=services.SAMPLE_METHODS,
                            help="representative (the default where a backbone can run here: the typical frame of "
                                 "each kind of picture, the best first model for your answers), unique (a new frame "
                                 "when the picture changes; the default otherwise) or uniform (evenly spread)")
        parser.add_argument("--stride-seconds", type=float, default=1.0, help="unique: look at one frame per S s")
        parser.add_argument("--threshold", type=int, default=8, help="unique: pHash bits a kept frame must differ")
        parser.add_argument("--videos", nargs="*", default=[], help="video ids or file names (default: all)")
        parser.add_argument("--enqueue", action="store_true", help="let the workers sample instead of this process")
        parser.add_argument("--json", action="store_true", help="print the samples as JSON on the last line")

    def handle(self, *args, **options):
        project = resolve_project(options["project"])
        videos = resolve_videos(project, options["videos"])
        try:
            job = services.start_sampling(
                project=project, videos=videos, per_video=options["per_video"], method=options["method"],
                stride_seconds=options["stride_seconds"], threshold=options["threshold"], started_by=None,
                enqueue=options["enqueue"],
            )
        except UserFacingError as exc:
            raise CommandError(str(exc)) from exc
        if options["enqueue"]:
            self.stdout.write(json_line({"job": job.pk}) if options["json"] else f"Queued job {job.pk}.")
            return
        job = run_here(job, sampling.run_sampling, "sampling")
        if job.status != JobStatus.SUCCEEDED:
            self.stderr.write(job.error)
            sys.exit(1)
        samples = TrainingSample.objects.filter(video__in=videos, source=TrainingSample.Source.SAMPLED)
        rows = [{"id": s.pk, "video": s.video.name, "video_id": s.video_id, "frame": s.frame}
                for s in samples.select_related("video").order_by("video_id", "frame")]
        self.stdout.write(json_line({"job": job.pk, "samples": rows}) if options["json"] else "\n".join(
            f"{row['id']}\t{row['video']}\t{row['frame']}" for row in rows))
