from __future__ import annotations

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trygg.core import policy, queries, services, two_factor
from trygg.core.forms import (
    InviteForm,
    LanguageForm,
    MemberRolesForm,
    SecondFactorForm,
    TotpConfirmForm,
    apply_errors,
)
from trygg.core.models import ApiToken, Organisation, Role, User
from trygg.geo import queries as geo_queries
from trygg.geo.models import Place
from trygg.reports import queries as report_queries
from trygg.reports import throttle


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    districts = list(geo_queries.home_districts(user=request.user).order_by("name"))
    places = policy.visible(request.user, Place).filter(district__in=districts).order_by("name")
    return render(
        request,
        "core/overview.html",
        {
            "organisations": queries.organisations_of(user=request.user),
            "districts": districts,
            "places": list(places),
            "map_data": geo_queries.map_features(districts=districts, places=places),
            "illustrative": geo_queries.illustrative(districts=districts),
            "waiting": report_queries.waiting(user=request.user)
            if policy.is_reviewer(request.user)
            else None,
        },
    )


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = policy.visible(request.user, Organisation).select_related("city")
    manageable = set(policy.manageable_organisations(request.user).values_list("pk", flat=True))
    return render(
        request,
        "core/organisation_list.html",
        {"organisations": organisations.order_by("name"), "manageable": manageable},
    )


def _role_choices(user: User, organisation: Organisation) -> list[tuple[str, str]]:
    return [(r, Role(r).label) for r in policy.grantable_roles(user, organisation)]


@login_required
@require_http_methods(["GET", "POST"])
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = policy.access(request.user, Organisation, pk)
    can_manage = policy.can(request.user, policy.MANAGE_MEMBERS, organisation)
    choices = _role_choices(request.user, organisation) if can_manage else []
    form = InviteForm(request.POST or None, roles=choices) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form is not None and form.is_valid():
            try:
                person = services.person_invite(
                    by=request.user,
                    organisation=organisation,
                    domain=request.get_host(),
                    use_https=request.is_secure(),
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(
                    request,
                    _("%(name)s now belongs to %(organisation)s.")
                    % {
                        "name": person.get_full_name() or person.email,
                        "organisation": organisation,
                    },
                )
                return redirect("core:organisation", pk=organisation.pk)
    return render(
        request,
        "core/organisation_detail.html",
        {
            "organisation": organisation,
            "members": queries.members_of(user=request.user, organisation=organisation),
            "can_manage": can_manage,
            "role_choices": choices,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def member_roles(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    organisation = policy.access(request.user, Organisation, pk, action=policy.MANAGE_MEMBERS)
    person = get_object_or_404(User, pk=user_pk, memberships__organisation=organisation)
    form = MemberRolesForm(request.POST, roles=_role_choices(request.user, organisation))
    if not form.is_valid():
        messages.error(request, _("Choose roles from the list."))
        return redirect("core:organisation", pk=organisation.pk)
    try:
        services.membership_set_roles(
            by=request.user,
            organisation=organisation,
            user=person,
            roles=form.cleaned_data["roles"],
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("The roles of %(name)s are saved.") % {"name": person})
    return redirect("core:organisation", pk=organisation.pk)


def _account_page(
    request: HttpRequest,
    *,
    form: LanguageForm | None = None,
    new_token: str = "",
    token_name: str = "",
    token_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    response = render(
        request,
        "core/account.html",
        {
            "form": form or LanguageForm(initial={"language": request.user.language}),
            "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at"),
            "new_token": new_token,
            "token_name": token_name,
            "token_errors": token_errors or [],
            "token_name_max": ApiToken._meta.get_field("name").max_length,
        },
        status=status,
    )
    if new_token:
        # The raw token is on this page once; no cache or back button may keep it.
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        services.user_set_language(user=request.user, language=form.cleaned_data["language"])
        return redirect("core:account")
    return _account_page(request, form=form)


@login_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    """Answered with the page itself, not a redirect: the raw token is stored nowhere."""
    name = request.POST.get("name", "")
    try:
        token, raw = services.api_token_create(user=request.user, name=name)
    except ValidationError as exc:
        return _account_page(request, token_name=name, token_errors=exc.messages, status=400)
    return _account_page(request, new_token=raw, token_name=token.name)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.api_token_revoke(user=request.user, token_id=pk)
    except ApiToken.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("The token is revoked; programs using it are refused from now."))
    return redirect("core:account")


# Guesses at the login code, per person from any address: ten in a quarter of an hour.
SECOND_FACTOR_RATE = "10/15m"


def _next_url(request: HttpRequest) -> str:
    """Where to go once logged in: `next` if it stays on this site, else the start page."""
    url = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of logging in, after the password."""
    if request.user.is_verified() or not two_factor.is_on(request.user):
        return redirect(_next_url(request))
    recovery = request.GET.get("method") == "recovery"
    form = SecondFactorForm(request.POST or None, recovery=recovery)
    context = {"form": form, "next": _next_url(request), "recovery": recovery}
    if request.method == "GET":
        return render(request, "registration/second_factor_verify.html", context)
    if throttle.over_limit(
        request, group="otp", key=f"user:{request.user.pk}", rate=SECOND_FACTOR_RATE
    ):
        context["too_many"] = True
        return render(request, "registration/second_factor_verify.html", context, status=429)
    if form.is_valid():
        if two_factor.second_factor_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(_next_url(request))
        form.add_error("token", _("The code is not right. Enter the code the app shows now."))
    return render(request, "registration/second_factor_verify.html", context, status=400)


def _unverified(request: HttpRequest) -> bool:
    """A session that has the password but still owes the code may not change the factor."""
    return two_factor.is_on(request.user) and not request.user.is_verified()


def _two_factor_page(
    request: HttpRequest,
    *,
    form: TotpConfirmForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    device = two_factor.pending_device(user)
    context = {
        "on": two_factor.is_on(user),
        "required": two_factor.is_required(user),
        "codes_left": two_factor.recovery_codes_left(user),
        "device": device,
        "form": form or TotpConfirmForm(),
        "error": error,
    }
    if device is not None:
        context.update(qr=two_factor.qr_data_uri(device), secret=two_factor.secret_base32(device))
    response = render(request, "core/two_factor.html", context, status=status)
    if device is not None:
        # The secret is on the page; no cache may keep it.
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def two_factor_page(request: HttpRequest) -> HttpResponse:
    if _unverified(request):
        return redirect("second_factor_verify")
    return _two_factor_page(request)


@login_required
@require_POST
def two_factor_start(request: HttpRequest) -> HttpResponse:
    if _unverified(request):
        return redirect("second_factor_verify")
    two_factor.totp_start(user=request.user)
    return redirect("core:two_factor")


@login_required
@require_POST
def two_factor_confirm(request: HttpRequest) -> HttpResponse:
    """Answered with the page itself, not a redirect: the recovery codes are shown only here."""
    if _unverified(request):
        return redirect("second_factor_verify")
    device = two_factor.pending_device(request.user)
    if device is None:
        return redirect("core:two_factor")
    form = TotpConfirmForm(request.POST)
    if not form.is_valid():
        return _two_factor_page(request, form=form, status=400)
    try:
        codes = two_factor.totp_confirm(
            user=request.user, device=device, token=form.cleaned_data["token"]
        )
    except ValidationError as exc:
        apply_errors(form, exc)
        return _two_factor_page(request, form=form, status=400)
    # Proven with the code just now: this session counts as fully logged in.
    django_otp.login(request, device)
    response = render(request, "core/two_factor_codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    if _unverified(request):
        return redirect("second_factor_verify")
    try:
        two_factor.second_factor_remove(user=request.user, by=request.user)
    except ValidationError as exc:
        return _two_factor_page(request, error=" ".join(exc.messages), status=400)
    messages.success(request, _("Two-step verification is off. You log in with your password."))
    return redirect("core:two_factor")


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """A new password set through the e-mailed link also lifts a lockout."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.login_unlock(user=form.user)
        return response
