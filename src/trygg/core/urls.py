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
    path("account/two-factor/", views.two_factor_page, name="two_factor"),
    path("account/two-factor/start/", views.two_factor_start, name="two_factor_start"),
    path("account/two-factor/confirm/", views.two_factor_confirm, name="two_factor_confirm"),
    path("account/two-factor/off/", views.two_factor_remove, name="two_factor_remove"),
    path("account/tokens/", views.api_token_create, name="api_token_create"),
    path("account/tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
