from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from trygg.core import two_factor


class UserLanguageMiddleware:
    """A logged-in user's chosen language wins over the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class SecondFactorMiddleware:
    """A password alone opens nothing for those with (or obliged to have) a second factor.

    Someone logged in with the password but not yet with the code is sent to the code page
    from every page; staff without a second factor, where it is required, to set it up.
    The REST API answers such a session as not logged in, while a personal API token
    (which never has a session) is unaffected.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return self.get_response(request)
        path = request.path_info
        if _always_open(path):
            return self.get_response(request)
        if two_factor.is_on(user):
            query = urlencode({"next": request.get_full_path()})
            target = f"{reverse('second_factor_verify')}?{query}"
        elif two_factor.is_required(user):
            if path.startswith(reverse("core:two_factor")):
                return self.get_response(request)
            target = reverse("core:two_factor")
            if not path.startswith("/api/"):
                messages.info(
                    request,
                    _(
                        "Your role gives access to information that needs more than a password. "
                        "Set up two-step verification to go on."
                    ),
                )
        else:
            return self.get_response(request)
        if path.startswith("/api/"):
            request.user = AnonymousUser()
            return self.get_response(request)
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return redirect(target)


def _always_open(path: str) -> bool:
    """Pages someone halfway through logging in still needs: the code page, logout, assets."""
    exact = {reverse("second_factor_verify"), reverse("logout"), reverse("healthz")}
    prefixes = (settings.STATIC_URL, settings.MEDIA_URL, "/i18n/")
    return path in exact or path.startswith(prefixes)
