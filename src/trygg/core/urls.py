from django.urls import path

from trygg.core import views

app_name = "core"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path(
        "organisations/<int:pk>/members/<int:user_pk>/roles/",
        views.member_roles,
        name="member_roles",
    ),
    path("account/", views.account, name="account"),
]
