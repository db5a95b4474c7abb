from django.contrib import admin, messages
from django.template.defaultfilters import pluralize

from videos.models import Video
from videos.services import reprobe_video


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "status", "frame_count", "fps_num", "fps_den", "duration", "codec", "size"]
    list_filter = ["status", "project", "codec"]
    search_fields = ["name", "project__name"]
    exclude = ["frame_pts"]
    readonly_fields = ["frame_count", "fps_num", "fps_den", "duration", "width", "height", "display_width",
                       "display_height", "quarter_turns", "codec", "mime_type", "note"]
    actions = ["reprobe"]

    @admin.action(description="Re-probe selected videos")
    def reprobe(self, request, queryset):
        for video in queryset:
            reprobe_video(video=video, requested_by=request.user)
        messages.success(request, f"Re-probing {queryset.count()} video{pluralize(queryset.count())}.")
