"""How learning answers what other apps announce: a deleted class's answers move to its successor, and a new
prediction renews the model's label at each audit frame."""

from labelling.signals import labels_predicted
from learning.audits import renew_audit_guesses
from learning.models import TrainingSample
from projects.signals import class_replaced


def connect() -> None:
    class_replaced.connect(move_answers, dispatch_uid="learning.move_answers")
    labels_predicted.connect(renew_guesses, dispatch_uid="learning.renew_guesses")


def move_answers(*, project, old, new, **_) -> None:
    TrainingSample.objects.filter(project=project, label=old).update(label=new)


def renew_guesses(*, label_set, class_ids, confidences, **_) -> None:
    renew_audit_guesses(label_set=label_set, class_ids=class_ids, confidences=confidences)
