from django.contrib import admin

from projects.jobs import request_cancel
from projects.models import Job, LabelClass, Membership, Preference, Project, Track
from projects.services import FIRST_TRACK


class LabelClassInline(admin.TabularInline):
    model = LabelClass
    extra = 0
    fields = ["name", "colour", "shortcut", "order"]
    can_delete = False  # the project's settings page deletes a class, relabelling its frames


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0
    fields = ["name", "order", "default_class"]
    show_change_link = True  # its classes are edited on the track's page
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # tracks are made with the project

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        default_class = formset.form.base_fields["default_class"]
        default_class.queryset = obj.classes.all() if obj else LabelClass.objects.none()
        return formset


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "order"]
    search_fields = ["name", "project__name"]
    fields = ["name", "order", "default_class"]
    inlines = [LabelClassInline]

    def has_add_permission(self, request):
        return False  # a track is made inside its project

    def has_delete_permission(self, request, obj=None):
        return False  # its labels would go with it

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["default_class"].queryset = obj.classes.all() if obj else LabelClass.objects.none()
        return form

    def save_formset(self, request, form, formset, change):
        for label_class in formset.save(commit=False):
            label_class.project_id = form.instance.project_id
            label_class.save()


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "created_by", "created_at"]
    search_fields = ["name", "description"]
    inlines = [TrackInline, MembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            Track.objects.create(project=obj, name=FIRST_TRACK)  # its classes are then added on the track's page


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
