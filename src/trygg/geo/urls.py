from django.urls import path

from trygg.geo import views

app_name = "geo"
urlpatterns = [
    path("", views.area_list, name="areas"),
    path("districts/<int:pk>/", views.district_detail, name="district"),
    path("places/new/", views.place_create, name="place_create"),
    path("places/<int:pk>/", views.place_detail, name="place"),
    path("import/", views.area_import, name="import"),
]
