from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trygg.core import policy, queries, services
from trygg.core.forms import InviteForm, LanguageForm, MemberRolesForm
from trygg.core.models import ApiToken, Organisation, Role, User
from trygg.geo import queries as geo_queries
from trygg.geo.models import Place
from trygg.reports import queries as report_queries


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


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """A new password set through the e-mailed link also lifts a lockout."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.login_unlock(user=form.user)
        return response
