"""How learning answers what other apps announce: a deleted class's answers move to its successor."""

from learning.models import TrainingSample
from projects.signals import class_replaced


def connect() -> None:
    class_replaced.connect(move_answers, dispatch_uid="learning.move_answers")


def move_answers(*, project, old, new, **_) -> None:
    TrainingSample.objects.filter(project=project, label=old).update(label=new)
