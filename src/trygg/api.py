"""The typed REST API under /api/ (Django Ninja); each app adds its router.

Every endpoint needs a person: a personal API token (`Authorization: Bearer …`,
made on the "My account" page) for scripts and integrations, or the browser's
session (with its CSRF token) for Trygg's own pages. Errors share one shape,
`{"detail": "…", "errors": {"<field>": ["<reason>", …]}}`, whether pydantic
refused the input or a service did.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth
from ninja.throttling import BaseThrottle

from trygg.core.services import api_token_authenticate
from trygg.reports import throttle
from trygg.reports.api import router as reports_router


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the token's person acts as if logged in."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(raw=token)
        if user is None:
            return None
        request.user = user
        # As on the pages, the person's chosen language wins over the client's header.
        if user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return user


class PersonThrottle(BaseThrottle):
    """`TRYGG_API_RATE` requests per person, by token or session, from any address."""

    def allow_request(self, request: HttpRequest) -> bool:
        person = getattr(request, "auth", None) or request.user
        return not throttle.over_limit(
            request, group="api", key=f"user:{person.pk}", rate=settings.TRYGG_API_RATE
        )


api = NinjaAPI(
    title="Trygg API",
    version="1",
    description="Reports of a city's joint safety work, as the permission policy lets you "
    "see them. See docs/api.md.",
    urls_namespace="api",
    auth=[ApiTokenAuth(), django_auth],
    throttle=[PersonThrottle()],
)


def _error_response(request: HttpRequest, errors: dict[str, list[str]], status: int) -> Any:
    return api.create_response(
        request, {"detail": _("The request was not accepted."), "errors": errors}, status=status
    )


def _field_of(location: tuple[Any, ...] | list[Any]) -> str:
    """`("body", "payload", "lon")` → `lon`; `("query", "limit")` → `limit`."""
    parts = [str(p) for p in location[1:] if p != "payload"]
    return ".".join(parts) or str(location[0])


@api.exception_handler(NinjaValidationError)
def _input_refused(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field_of(error.get("loc", ("body",))), []).append(str(error["msg"]))
    return _error_response(request, errors, 422)


@api.exception_handler(DjangoValidationError)
def _service_refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return _error_response(request, errors, 422)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": _("You may not do this.")}, status=403)


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("Too many requests; try again later.")}, status=429
    )


api.add_router("/", reports_router)
