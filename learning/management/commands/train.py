import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aigva.errors import UserFacingError
from learning import sampling, services
from projects.commands import json_line, resolve_project, run_here
from projects.models import JobStatus
from projects.selectors import get_track


class Command(BaseCommand):
    help = ("Train a model of a track on every frame people labelled there (or, with --kind, only the Cold Label or "
            "Blitz samples); prints the model id and metrics.")

    def add_arguments(self, parser):
        parser.add_argument("project", help="project id or name")
        parser.add_argument("--track", help="the track whose classes the model learns (default: the first)")
        parser.add_argument("--every-track", action="store_true",
                            help="a full fine-tune of one network with a head per track: a model per track")
        parser.add_argument("--kind", choices=["human", "cold", "blitz"], default="human",
                            help="human (default): every human label; cold: answered samples; blitz: also reviewed")
        parser.add_argument("--epochs", type=int, default=10)
        parser.add_argument("--val-split", type=float, default=0.2, help="share held out, whole videos if several")
        parser.add_argument("--patience", type=int, default=3, help="epochs without a better validation loss")
        parser.add_argument("--head-only", action="store_true", help="train only the head on frozen features")
        parser.add_argument("--predict", action="store_true",
                            help="with --head-only: then update every unreviewed video's predictions from the cache")
        parser.add_argument("--propagate", action="store_true", help="also learn from neighbouring frames")
        parser.add_argument("--frame-skip", type=int, help="blitz: first collect every k-th frame of reviewed videos")
        parser.add_argument("--backbone", choices=["resnet34", "efficientnet_lite0"], help="overrides AIGVA_BACKBONE")
        parser.add_argument("--device", choices=["auto", "cpu", "cuda"], help="overrides AIGVA_DEVICE")
        parser.add_argument("--enqueue", action="store_true", help="let the workers train instead of this process")
        parser.add_argument("--json", action="store_true", help="print the result as JSON on the last line")

    def handle(self, *args, **options):
        project = resolve_project(options["project"])
        if options["device"]:
            settings.AIGVA_DEVICE = options["device"]
        if options["frame_skip"] is not None:
            if options["kind"] != "blitz" or options["enqueue"]:
                raise CommandError("--frame-skip collects reviewed frames for --kind blitz, in this process.")
            self._collect(project, options["frame_skip"])
        try:
            job = services.start_training(
                project=project, track=get_track(project, options["track"]), started_by=None,
                **{name: options[name] for name in ("kind", "epochs", "val_split", "patience", "head_only",
                                                    "propagate", "predict", "backbone", "enqueue", "every_track")})
        except UserFacingError as exc:
            raise CommandError(str(exc)) from exc
        if options["enqueue"]:
            self.stdout.write(json_line({"job": job.pk}) if options["json"] else f"Queued job {job.pk}.")
            return
        from learning import training  # torch loads only when this process trains

        job = run_here(job, training.run_training, f"training {options['kind']}")
        if job.status != JobStatus.SUCCEEDED:
            self.stderr.write(job.error)
            sys.exit(1)
        result = {"job": job.pk, **{k: v for k, v in job.metrics.items() if k != "history"},
                  "epochs": len(job.metrics["history"])}
        self.stdout.write(json_line(result) if options["json"] else self._text(result))

    def _text(self, result: dict) -> str:
        lines = [f"Model {result['model']}: {result['evaluated_on']} accuracy {result['accuracy']:.3f} "
                 f"({result['validated_by']}) after {result['epochs']} epochs (best {result['best_epoch']}); "
                 f"F1 {result['f1']}"]
        lines[0] = f"{result['track']}: {lines[0]}" if result.get("tracks") else lines[0]
        lines += [f"{part['track']}: model {part['model']}: {part['evaluated_on']} accuracy {part['accuracy']:.3f}; "
                  f"F1 {part['f1']}" for part in result.get("tracks", [])[1:]]
        lines += [f"Warning: {text}." for text in result["warnings"] + result["problems"]]
        if "updated_videos" in result:
            lines.append(f"Updated the predictions of {result['updated_videos']} videos.")
        if result.get("reviewed_left_alone"):
            names = ", ".join(result["reviewed_left_alone"])
            lines.append(f"Left alone, reviewed (a person checked every frame): {names}.")
        return "\n".join(lines)

    def _collect(self, project, frame_skip: int) -> None:
        try:
            job = services.start_collecting(project=project, frame_skip=frame_skip, started_by=None, enqueue=False)
        except UserFacingError as exc:
            raise CommandError(str(exc)) from exc
        job = run_here(job, sampling.run_collecting, "collecting reviewed frames")
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(job.error)
