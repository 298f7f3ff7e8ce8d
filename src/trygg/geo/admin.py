from django.contrib import admin

from trygg.geo.models import City, District, Place, PoliceArea


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "illustrative"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "area_m2"]
    list_filter = ["city"]
    search_fields = ["name"]
    readonly_fields = ["geometry"]


@admin.register(PoliceArea)
class PoliceAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "city"]
    filter_horizontal = ["districts"]
    readonly_fields = ["geometry"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "district"]
    list_filter = ["district__city", "district"]
    search_fields = ["name"]
    readonly_fields = ["geometry"]
