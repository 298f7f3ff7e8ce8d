"""Placeholder until this module is written: every page answers 404."""

from django.http import Http404, HttpRequest, HttpResponse


def record(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def finding_post(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
