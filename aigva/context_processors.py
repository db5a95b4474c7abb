from projects.models import Preference


def theme(request) -> dict:
    """The signed-in person's theme for <html data-theme> (P-3)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"theme": "light"}
    return {"theme": Preference.objects.filter(user=user).values_list("theme", flat=True).first() or "light"}
