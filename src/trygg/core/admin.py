from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from trygg.core.models import Membership, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["organisation"]
    exclude = ["granted_by"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (None, {"fields": ("language",)}))
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city"]
    list_filter = ["kind", "city"]
    search_fields = ["name"]
    filter_horizontal = ["districts"]
