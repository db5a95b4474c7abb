import dataclasses
import tempfile

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.db import transaction

from aigva.errors import UserFacingError
from exports import dataset
from exports.jobs import EXPORT
from exports.models import Export
from exports.selectors import ExportOptions, class_folders, plan_dataset
from projects.jobs import JobReporter, create_job, enqueue_job
from projects.models import Job, Project


@transaction.atomic
def start_dataset_export(
    *, project: Project, options: ExportOptions, started_by: AbstractBaseUser | None, enqueue: bool = True
) -> Job:
    """A job that writes the project's labelled frames as an ImageFolder ZIP (E-2)."""
    plans = plan_dataset(project, options)  # bad options and empty selections are refused now
    if not sum(len(plan.frames) for plan in plans):
        raise UserFacingError("No frames to export: no ready video matches (reviewed only?).")
    job = create_job(project_id=project.pk, kind=EXPORT, created_by=started_by,
                     options=dataclasses.asdict(options))
    if enqueue:
        enqueue_job(job)
    return job


def run_dataset_export(job: Job, reporter: JobReporter) -> dict:
    """Decode, encode and zip the chosen frames; the Export row appears only when the ZIP is whole."""
    options = job.options | {"video_ids": tuple(job.options.get("video_ids", ()))}
    plans = plan_dataset(job.project, ExportOptions(**options))
    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as out:
        names = dict(job.project.classes.values_list("pk", "name"))
        images = dataset.write_dataset(plans, class_folders(job.project), names, options["quality"], out,
                                       reporter.progress)
        size = out.tell()
        out.seek(0)
        export = Export(job=job, size=size, images=images)
        export.file.save("dataset.zip", File(out), save=False)
    export.save()
    return {"export": export.pk, "images": images, "videos": len(plans), "bytes": size}


def delete_export(*, export: Export) -> None:
    """Remove the ZIP from storage and its row."""
    export.file.delete(save=False)
    export.delete()
