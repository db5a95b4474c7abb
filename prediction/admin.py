from django.contrib import admin

from prediction.models import Model


@admin.register(Model)
class ModelAdmin(admin.ModelAdmin):
    list_display = ["pk", "name", "project", "kind", "backbone", "training_images", "size", "created_by", "created_at"]
    list_filter = ["kind", "backbone", "project"]
    search_fields = ["name", "project__name", "custom_name"]
    readonly_fields = ["backbone_digest", "classes", "file", "size", "metrics", "training_images"]
