import sys

from django.core.management.base import BaseCommand, CommandError

from aigva.errors import UserFacingError
from prediction import services
from prediction.models import Model
from prediction.selectors import describe_left_out
from projects.commands import json_line, resolve_project, resolve_videos, run_here
from projects.models import Job


class Command(BaseCommand):
    help = ("Predict a label for every frame of a project's videos with a model, on its track (with a model per track, "
            "on each, decoding each video once).")

    def add_arguments(self, parser):
        parser.add_argument("project", help="project id or name")
        parser.add_argument("--model", required=True, type=int, action="append",
                            help="model id; repeat it with a model of each further track to label them in one pass")
        parser.add_argument("--videos", nargs="*", default=[], help="video ids or file names (default: all)")
        parser.add_argument("--frame-skip", type=int, default=1)
        parser.add_argument("--smooth", type=int, default=1, help="a label change must last this many frames")
        parser.add_argument("--frame-by-frame", action="store_true",
                            help="each frame takes its own most probable class (default: decode shots, Viterbi)")
        parser.add_argument("--every-frame", action="store_true",
                            help="classify every frame (default: only where the picture or the label changes)")
        parser.add_argument("--overwrite-people", action="store_true",
                            help="replace people's labels too, and predict reviewed videos (default: keep them)")
        parser.add_argument("--device", choices=["auto", "cpu", "cuda"], help="overrides AIGVA_DEVICE")
        parser.add_argument("--enqueue", action="store_true", help="let the workers predict instead of this process")
        parser.add_argument("--json", action="store_true", help="print the results as JSON on the last line")

    def handle(self, *args, **options):
        project = resolve_project(options["project"])
        models = [Model.objects.filter(pk=pk, project=project).first() for pk in options["model"]]
        if None in models:
            missing = options["model"][models.index(None)]
            raise CommandError(f"Project “{project.name}” has no model {missing}.")
        model, *more_models = models
        if options["device"]:
            from django.conf import settings

            settings.AIGVA_DEVICE = options["device"]
        videos = resolve_videos(project, options["videos"])
        try:
            jobs = services.start_predictions(model=model, videos=videos, frame_skip=options["frame_skip"],
                                              smooth=options["smooth"], shots=not options["frame_by_frame"],
                                              overwrite_people=options["overwrite_people"],
                                              every_frame=options["every_frame"], started_by=None,
                                              enqueue=options["enqueue"], more_models=more_models)
        except UserFacingError as exc:
            raise CommandError(str(exc)) from exc
        left_out = describe_left_out(videos, overwrite_people=options["overwrite_people"], track=model.track)
        if left_out:
            self.stderr.write(f"Left out: {left_out}.")
        if not options["enqueue"]:
            self._run_here(jobs)
        results = [self._result(Job.objects.select_related("video").get(pk=job.pk)) for job in jobs]
        self.stdout.write(json_line(results) if options["json"] else "\n".join(
            f"{r['video']}: {r['status']} {r['error'] or ''}" for r in results))
        if any(r["status"] == "failed" for r in results):
            sys.exit(1)

    def _run_here(self, jobs) -> None:
        from prediction import predicting  # torch loads only when this process predicts

        for job in jobs:
            run_here(job, predicting.run_prediction, job.video.name, total=job.video.frame_count)

    def _result(self, job: Job) -> dict:
        return {"job": job.pk, "video": job.video.name, "video_id": job.video_id, "status": job.status,
                "error": job.error or None, "metrics": job.metrics}
