from django.urls import path

from trygg.situation import download_views, edition_views, pdf_views, views

app_name = "situation"

urlpatterns = [
    path("", views.situation, name="picture"),
    path("start/", views.start, name="start"),
    path("data.csv", download_views.data_csv, name="data_csv"),
    path("data.geojson", download_views.data_geojson, name="data_geojson"),
    path("pdf/", pdf_views.picture_pdf_view, name="picture_pdf"),
    path("publish/", edition_views.publish, name="publish"),
    path("editions/", edition_views.edition_list, name="editions"),
    path("editions/<int:pk>/", edition_views.edition_detail, name="edition"),
    path("editions/<int:pk>/pdf/", edition_views.edition_pdf, name="edition_pdf"),
]
