"""Placeholder until this module is written: every page answers 404."""

from django.http import Http404, HttpRequest, HttpResponse


def measure_evaluation(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def yearly_followup(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
