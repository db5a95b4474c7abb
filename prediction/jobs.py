"""The jobs prediction runs (J-1)."""

from projects.job_kinds import register_kind

PREDICT = "predict"
FEATURES = "features"  # a video's one decode for a backbone chosen after its upload (V-5)


def register() -> None:
    register_kind(PREDICT, label="Predict labels", actor="prediction.actors.predict_video", summary=summarize)
    register_kind(FEATURES, label="Keep features", actor="prediction.actors.keep_features", summary=summarize_features)


def summarize_features(metrics: dict) -> str:
    if not metrics.get("frames"):
        return ""
    return f"{metrics['backbone']}: features of {metrics['gated_frames']:,} of {metrics['frames']:,} frames"


def summarize(metrics: dict) -> str:
    """How much of the video the model looked at (change gating), and how."""
    frames, seen = metrics.get("frames"), metrics.get("model_frames")
    if not frames or seen is None:
        return ""
    source = "from the cache; " if metrics.get("from_cache") else ""
    precision = ", in bfloat16" if metrics.get("bf16") else ""
    return f"{source}the model saw {seen:,} of {frames:,} frames ({seen / frames:.0%}){precision}"
