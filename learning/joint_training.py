"""Django glue of a full fine-tune of every track at once (issue 33): one network, a head per track, learnt from
every frame a person labelled on any of them; then a model per track (the shared backbone with its head), so a
prediction of every track decodes and runs the backbone once.

Imported only by actors and commands (through learning.training), so torch stays out of web processes.
"""

from django.conf import settings

from learning.selectors import training_classes
from learning.training_data import build_joint_training_set
from learning.training_report import IMAGE_SIZE, epoch_reporter, result_metrics, store_model, thin_class_warnings
from prediction.features import pretrained_model
from prediction.ml import device as devices
from prediction.ml.joint import split_heads, train_jointly
from prediction.ml.model import ModelConfig
from prediction.ml.training import TrainConfig
from projects.jobs import JobReporter
from projects.models import Job


def run_joint_training(job: Job, reporter: JobReporter) -> dict:
    """Train the job's tracks as one network and store a Model per track; the metrics are the first track's,
    with every track's under "tracks"."""
    options, project = job.options, job.project
    tracks = list(project.tracks.filter(pk__in=options["tracks"]))
    classes = [training_classes(project, options["kind"], track)[0] for track in tracks]
    sizes = [len(track_classes) for track_classes in classes]
    reporter.progress(0.0, "Reading labelled frames")
    device = devices.pick_device(settings.AIGVA_DEVICE)
    where = devices.describe(device, devices.use_all_cores())
    names = tuple(label_class.name for track_classes in classes for label_class in track_classes)
    model = pretrained_model(ModelConfig(options.get("backbone") or settings.AIGVA_BACKBONE, names, IMAGE_SIZE))
    data = build_joint_training_set(project, options["kind"], classes, IMAGE_SIZE)
    history: list[dict] = []
    config = TrainConfig(epochs=options["epochs"], patience=options["patience"], seed=options.get("seed", 0),
                         precision=devices.precision_for(device, settings.AIGVA_BF16))
    results = train_jointly(model, data.inputs, data.labels, sizes, data.groups, options["val_split"], config, device,
                            epoch_reporter(reporter, history, where, share=1.0))
    per_track = []
    for track, network, result in zip(tracks, split_heads(model.cpu(), sizes), results, strict=True):
        metrics = result_metrics(result, network.config.classes) | {
            "history": history, "device": where, "track": track.name, "left_out": [],
            "warnings": thin_class_warnings(project, options["kind"], track), "human_labelled": data.human_labelled,
            "training_images": len(data.labels), "propagated": 0, "joint": [t.name for t in tracks]}
        stored = store_model(job, track, network, metrics, len(data.labels))
        per_track.append({**metrics, "model": stored.pk})
    summary = [{key: part[key] for key in ("track", "model", "accuracy", "validated_by", "problems", "f1",
                                           "confusion", "evaluated_on")} for part in per_track]
    return {**per_track[0], "tracks": summary}
