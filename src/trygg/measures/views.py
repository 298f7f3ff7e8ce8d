"""Placeholder until this module is written: every page answers 404."""

from django.http import Http404, HttpRequest, HttpResponse


def measure_list(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def measure_new(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def measure_detail(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def measure_edit(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def measure_status(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def measure_progress(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
