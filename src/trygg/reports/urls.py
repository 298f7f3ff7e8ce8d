from django.urls import path

from trygg.reports import views

app_name = "reports"
urlpatterns = [
    path("new/", views.report_new, name="new"),
]
