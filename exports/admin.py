from django.contrib import admin

from exports.models import Export


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = ["pk", "project", "images", "size", "created_at"]
    list_filter = ["job__project"]
    search_fields = ["job__project__name"]
    readonly_fields = ["job", "file", "size", "images"]

    @admin.display(ordering="job__project__name")
    def project(self, export: Export):
        return export.job.project
