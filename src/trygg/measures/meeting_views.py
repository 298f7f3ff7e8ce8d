"""Placeholder until this module is written: every page answers 404."""

from django.http import Http404, HttpRequest, HttpResponse


def meeting_list(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def meeting_this_week(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def meeting_detail(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def meeting_close(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def meeting_pdf(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
