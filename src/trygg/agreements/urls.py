from django.urls import path

from trygg.agreements import views

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("new/", views.agreement_new, name="new"),
    path("overview/", views.city_overview, name="overview"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/edit/", views.agreement_edit, name="edit"),
    path("<int:pk>/revise/", views.agreement_revise, name="revise"),
    path("<int:pk>/changes/", views.agreement_diff, name="diff"),
    path("<int:pk>/priorities/", views.priority_save, name="priority_new"),
    path("<int:pk>/priorities/<int:priority_pk>/", views.priority_edit, name="priority_edit"),
    path(
        "<int:pk>/priorities/<int:priority_pk>/save/",
        views.priority_save,
        name="priority_save",
    ),
    path("<int:pk>/responsibilities/", views.responsibility_save, name="responsibility_new"),
    path(
        "<int:pk>/responsibilities/<int:row_pk>/delete/",
        views.responsibility_delete,
        name="responsibility_delete",
    ),
    path("<int:pk>/follow-up/<int:year>/", views.agreement_followup, name="followup"),
    path("<int:pk>/follow-up/<int:year>/pdf/", views.agreement_followup_pdf, name="followup_pdf"),
]
