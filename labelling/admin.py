from django.contrib import admin
from django.utils import timezone

from labelling.models import LabelSet


@admin.register(LabelSet)
class LabelSetAdmin(admin.ModelAdmin):
    list_display = ["video", "frame_count", "is_current", "reviewed", "reviewed_by", "created_by", "created_at"]
    list_filter = ["is_current", "reviewed", "video__project"]
    search_fields = ["video__name", "video__project__name"]
    exclude = ["runs", "confidences"]
    readonly_fields = ["video", "frame_count"]
    actions = ["mark_reviewed", "mark_unreviewed"]

    @admin.action(description="Mark reviewed")
    def mark_reviewed(self, request, queryset):
        queryset.update(reviewed=True, reviewed_by=request.user, reviewed_at=timezone.now())

    @admin.action(description="Mark unreviewed")
    def mark_unreviewed(self, request, queryset):
        queryset.update(reviewed=False, reviewed_by=None, reviewed_at=None)
