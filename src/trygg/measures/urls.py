from django.urls import path

from trygg.measures import evaluation_views, meeting_views, views

app_name = "measures"

urlpatterns = [
    path("", views.measure_list, name="list"),
    path("new/", views.measure_new, name="new"),
    path("<int:pk>/", views.measure_detail, name="detail"),
    path("<int:pk>/edit/", views.measure_edit, name="edit"),
    path("<int:pk>/status/", views.measure_status, name="status"),
    path("<int:pk>/progress/", views.measure_progress, name="progress"),
    path("<int:pk>/evaluation/", evaluation_views.measure_evaluation, name="evaluation"),
    path("follow-up/<int:year>/", evaluation_views.yearly_followup, name="followup"),
    path("meetings/", meeting_views.meeting_list, name="meetings"),
    path("meetings/this-week/", meeting_views.meeting_this_week, name="meeting_this_week"),
    path("meetings/<int:pk>/", meeting_views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/close/", meeting_views.meeting_close, name="meeting_close"),
    path("meetings/<int:pk>/pdf/", meeting_views.meeting_pdf, name="meeting_pdf"),
]
