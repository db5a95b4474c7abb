from django.conf import settings
from django.db import models
from django.utils import timezone


class ShareLink(models.Model):
    """An unguessable link to one label set (S-2). Only a hash of its token is stored."""

    class Permission(models.TextChoices):
        VIEW = "view", "View"
        REVIEW = "review", "Review and label"

    label_set = models.ForeignKey("labelling.LabelSet", on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True)  # sha256 hex of the token
    permission = models.CharField(max_length=10, choices=Permission.choices, default=Permission.VIEW)
    # The link labels a copy of its own, so reviewers' labels can be compared (Y-3).
    independent = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_permission_display()} link to {self.label_set.video}"

    def why_gone(self) -> str:
        """For whoever holds a link that no longer works: what happened, and whom to ask for a new one."""
        what = (f"was revoked on {self.revoked_at:%Y-%m-%d}" if self.revoked_at
                else f"expired on {self.expires_at:%Y-%m-%d}" if self.expires_at else "no longer works")
        who = self.created_by.username if self.created_by else "the person who shared it"
        return f"This link {what}. Ask {who} for a new one."

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class ShareGuest(models.Model):
    """Someone who reviews through a link, under the name they gave; their edits are authored by `user`."""

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(max_length=60)
    # An inactive account that cannot log in: edits and reviews point at users.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_guest")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "name"], name="one_guest_per_name_and_link")]

    def __str__(self) -> str:
        return f"{self.name} via {self.link}"
