"""Placeholder until this module is written: every page answers 404."""

from django.http import Http404, HttpRequest, HttpResponse


def walk_list(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def walk_new(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def walk_detail(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def walk_edit(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def walk_walked(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def walk_publish(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def walk_repeat(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def walk_compare(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def protocol_pdf(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def finding_edit(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def photo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
