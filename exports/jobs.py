"""The jobs exports runs (J-1)."""

from projects.job_kinds import register_kind

EXPORT = "export"


def register() -> None:
    register_kind(EXPORT, label="Export dataset", actor="exports.actors.export_dataset")
