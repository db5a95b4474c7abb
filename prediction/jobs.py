"""The jobs prediction runs (J-1)."""

from projects.job_kinds import register_kind

PREDICT = "predict"


def register() -> None:
    register_kind(PREDICT, label="Predict labels", actor="prediction.actors.predict_video", summary=summarize)


def summarize(metrics: dict) -> str:
    """How much of the video the model looked at (change gating), and how."""
    frames, seen = metrics.get("frames"), metrics.get("model_frames")
    if not frames or seen is None:
        return ""
    source = "from the cache; " if metrics.get("from_cache") else ""
    precision = ", in bfloat16" if metrics.get("bf16") else ""
    return f"{source}the model saw {seen:,} of {frames:,} frames ({seen / frames:.0%}){precision}"
