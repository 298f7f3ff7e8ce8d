from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from trygg.api import api
from trygg.core.views import PasswordResetConfirm, healthz, second_factor_verify

auth_patterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("login/verify/", second_factor_verify, name="second_factor_verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

urlpatterns = [
    path("", include("trygg.core.urls")),
    path("areas/", include("trygg.geo.urls")),
    path("reports/", include("trygg.reports.urls")),
    path("situation/", include("trygg.situation.urls")),
    path("measures/", include("trygg.measures.urls")),
    path("walks/", include("trygg.walks.urls")),
    path("agreements/", include("trygg.agreements.urls")),
    path("collaborations/", include("trygg.agreements.collaboration_urls")),
    path("open311/v2/", include("trygg.reports.open311_urls")),
    path("api/", api.urls),
    *auth_patterns,
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
