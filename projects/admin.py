from django.contrib import admin

from projects.jobs import request_cancel
from projects.models import Job, LabelClass, Membership, Preference, Project


class LabelClassInline(admin.TabularInline):
    model = LabelClass
    extra = 0
    fields = ["name", "colour", "shortcut", "order"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "default_class", "created_by", "created_at"]
    search_fields = ["name", "description"]
    inlines = [LabelClassInline, MembershipInline]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        default_class = form.base_fields.get("default_class")
        if default_class is not None:
            default_class.queryset = obj.classes.all() if obj else LabelClass.objects.none()
        return form


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "project", "role"]
    list_filter = ["role", "project"]
    search_fields = ["user__username", "project__name"]
    autocomplete_fields = ["user", "project"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "status", "project", "video", "progress", "message", "created_by", "created_at"]
    list_filter = ["kind", "status", "project"]
    search_fields = ["message", "error", "video__name"]
    readonly_fields = ["heartbeat_at", "started_at", "finished_at", "attempts"]
    actions = ["cancel"]

    @admin.action(description="Cancel selected jobs")
    def cancel(self, request, queryset):
        for job in queryset:
            request_cancel(job)


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "theme"]
    list_filter = ["theme"]
    search_fields = ["user__username"]
