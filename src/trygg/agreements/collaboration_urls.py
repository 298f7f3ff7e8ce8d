from django.urls import path

from trygg.agreements import collaboration_views as views

app_name = "collaborations"

urlpatterns = [
    path("", views.collaboration_list, name="list"),
    path("new/", views.collaboration_new, name="new"),
    path("<int:pk>/", views.collaboration_detail, name="detail"),
    path("<int:pk>/edit/", views.collaboration_edit, name="edit"),
    path("<int:pk>/contacts/", views.collaboration_contacts, name="contacts"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", views.contact_edit, name="contact_edit"),
    path(
        "<int:pk>/contacts/<int:contact_pk>/delete/",
        views.contact_delete,
        name="contact_delete",
    ),
    path("<int:pk>/meetings/new/", views.meeting_add, name="meeting_add"),
    path("promises/", views.promise_list, name="promises"),
    path("promises/new/", views.promise_new, name="promise_new"),
    path("promises/<int:pk>/", views.promise_detail, name="promise"),
    path("promises/<int:pk>/edit/", views.promise_edit, name="promise_edit"),
]
