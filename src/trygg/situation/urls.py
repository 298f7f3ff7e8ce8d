from django.urls import path

from trygg.situation import download_views, pdf_views, views

app_name = "situation"

urlpatterns = [
    path("", views.situation, name="picture"),
    path("data.csv", download_views.data_csv, name="data_csv"),
    path("data.geojson", download_views.data_geojson, name="data_geojson"),
    path("pdf/", pdf_views.picture_pdf_view, name="picture_pdf"),
]
