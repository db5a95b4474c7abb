"""What each app tells projects about the jobs it runs (J-1): which actor runs one, what a finished one made.
Apps register their kinds in their AppConfig.ready(), so projects knows none of them by name."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Summary = Callable[[dict], str]


@dataclass(frozen=True)
class JobKind:
    label: str  # what people read, e.g. "Probe video"
    actor: Callable[[Any], str]  # the job -> the dotted path of the actor that runs it
    summary: Summary | None = None  # a succeeded job's metrics -> what it made, in a few words


_KINDS: dict[str, JobKind] = {}


def register_kind(kind: str, *, label: str, actor: str | Callable[[Any], str], summary: Summary | None = None) -> None:
    """Say what jobs of `kind` are called and which actor runs them (a dotted path, or a function of the job
    choosing one)."""
    _KINDS[kind] = JobKind(label=label, actor=actor if callable(actor) else (lambda job: actor), summary=summary)


def kinds() -> dict[str, str]:
    """Every registered kind and its label."""
    return {kind: registered.label for kind, registered in _KINDS.items()}


def label_of(kind: str) -> str:
    registered = _KINDS.get(kind)
    return registered.label if registered else kind


def actor_path(job) -> str:
    return _KINDS[job.kind].actor(job)


def summarize(kind: str, metrics: dict) -> str:
    """What a succeeded job of `kind` made, or "" when its app says nothing."""
    registered = _KINDS.get(kind)
    return registered.summary(metrics) if registered and registered.summary else ""
