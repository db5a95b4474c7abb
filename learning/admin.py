from django.contrib import admin

from learning.models import TrainingSample


@admin.register(TrainingSample)
class TrainingSampleAdmin(admin.ModelAdmin):
    list_display = ["video", "frame", "source", "label", "skipped", "labelled_by", "labelled_at", "confidence"]
    list_filter = ["source", "skipped", "project"]
    search_fields = ["video__name", "project__name"]
    readonly_fields = ["project", "video", "frame", "source", "image", "confidence"]
