from django.contrib import admin
from django.utils import timezone

from reviews.models import ShareGuest, ShareLink


class ShareGuestInline(admin.TabularInline):
    model = ShareGuest
    extra = 0
    readonly_fields = ["name", "user"]


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ["pk", "label_set", "permission", "independent", "expires_at", "revoked_at", "created_by",
                    "created_at"]
    list_filter = ["permission", "independent", "label_set__video__project"]
    search_fields = ["label_set__video__name"]
    readonly_fields = ["label_set", "token_hash", "created_by"]
    inlines = [ShareGuestInline]
    actions = ["revoke"]

    @admin.action(description="Revoke the selected links")
    def revoke(self, request, queryset):
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
