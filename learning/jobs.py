"""The jobs learning runs (J-1): sampling (and the uncertain queue), collecting reviewed videos, training."""

from django.template.defaultfilters import pluralize

from projects.job_kinds import register_kind

SAMPLE = "sample"
COLLECT = "collect"
TRAIN = "train"


def register() -> None:
    register_kind(SAMPLE, label="Sample frames", actor=_sampling_actor, summary=summarize_sampling)
    register_kind(COLLECT, label="Collect reviewed frames", actor="learning.actors.collect_reviewed_frames",
                  summary=summarize_collecting)
    register_kind(TRAIN, label="Train model", actor="learning.actors.train_model")


def _sampling_actor(job) -> str:
    """Finding uncertain frames is a sampling job of its own actor."""
    uncertain = job.options.get("method") == "uncertain"
    return "learning.actors.find_uncertain_frames" if uncertain else "learning.actors.sample_frames"


def summarize_sampling(metrics: dict) -> str:
    if "samples" not in metrics:
        return ""
    samples, asked, notes = metrics["samples"], metrics.get("asked"), metrics.get("notes") or []
    short = f" of {asked} asked: {'; '.join(notes)}" if asked and samples < asked and notes else ""
    return f"{samples} new sample{pluralize(samples)}{short}"


def summarize_collecting(metrics: dict) -> str:
    if "samples" not in metrics:
        return ""
    samples, videos = metrics["samples"], metrics.get("videos", 0)
    return f"{samples} image{pluralize(samples)} from {videos} video{pluralize(videos)}"
