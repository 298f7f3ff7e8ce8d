"""Placeholder until this module is written: every page answers 404."""

from django.http import Http404, HttpRequest, HttpResponse


def assigned(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def answer(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
