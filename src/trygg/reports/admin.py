"""Operators' view of reports; daily work happens in Trygg's own pages, which apply the policy."""

from django.contrib import admin

from trygg.reports.models import Category, CategoryMapping, Open311Client, Report


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "city", "answer_days", "public", "active"]
    list_filter = ["city", "public", "active"]
    search_fields = ["name", "code"]


@admin.register(CategoryMapping)
class CategoryMappingAdmin(admin.ModelAdmin):
    list_display = ["source_type", "source", "category", "city"]
    list_filter = ["city", "source"]


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    """Keys are made by `trygg manage open311_client`; here they are only switched off."""

    list_display = ["name", "city", "organisation", "active", "created_at"]
    list_filter = ["city", "active"]
    readonly_fields = ["key_digest", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: a report changes only through the workflow, which keeps its history."""

    list_display = ["pk", "category", "district", "status", "source", "occurred_from"]
    list_filter = ["city", "status", "source", "precision"]
    date_hierarchy = "occurred_from"
    exclude = ["contact_email", "public_token"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
