from django.urls import path

from trygg.reports import export_views, import_views, views

app_name = "reports"
urlpatterns = [
    path("new/", views.report_new, name="new"),
    path("week/", views.report_week, name="week"),
    path("mine/", views.report_mine, name="mine"),
    path("nil-return/", views.nil_return, name="nil_return"),
    path("queue/", views.queue, name="queue"),
    path("effort/", views.effort, name="effort"),
    path("import/", import_views.report_import, name="import"),
    path("export.csv", export_views.reports_export_csv, name="export_csv"),
    path("export.geojson", export_views.reports_export_geojson, name="export_geojson"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/review/", views.report_review, name="review"),
    path("photos/<str:token>/", views.photo, name="photo"),
    path("categories/", views.category_list, name="categories"),
    path("categories/<int:city_id>/new/", views.category_edit, name="category_new"),
    path("categories/<int:city_id>/<int:pk>/", views.category_edit, name="category_edit"),
    path("public/", views.public_new, name="public_new"),
    path("public/<int:city_id>/", views.public_new, name="public_new_city"),
    path("public/thanks/", views.public_thanks, name="public_thanks"),
    path("status/<str:token>/", views.public_status, name="status"),
]
