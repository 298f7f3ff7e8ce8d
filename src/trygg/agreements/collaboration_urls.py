from django.urls import path

from trygg.agreements import collaboration_views as views

app_name = "collaborations"

urlpatterns = [
    path("", views.collaboration_list, name="list"),
    path("<int:pk>/", views.collaboration_detail, name="detail"),
    path("<int:pk>/contacts/", views.collaboration_contacts, name="contacts"),
    path("<int:pk>/meetings/new/", views.meeting_add, name="meeting_add"),
    path("promises/", views.promise_list, name="promises"),
    path("promises/<int:pk>/", views.promise_detail, name="promise"),
]
