"""Reads of the prediction app."""

from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404

from prediction.models import Model
from projects.models import Role
from projects.selectors import require_role


def get_member_model(user: AbstractBaseUser, model_id: int, min_role: Role = Role.VIEWER) -> Model:
    """404 unless the user may see the model's project (other projects' ids stay secret)."""
    model = Model.objects.filter(pk=model_id).select_related("project").first()
    if model is None:
        raise Http404("No such model.")
    require_role(user, model.project, min_role)
    return model
