from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from trygg.core import policy
from trygg.core.models import Organisation
from trygg.geo import queries, services
from trygg.geo.forms import AreaImportForm, PlaceForm
from trygg.geo.models import District, Place


@login_required
def area_list(request: HttpRequest) -> HttpResponse:
    districts = list(queries.districts_with_places(user=request.user))
    places = [p for d in districts for p in d.places.all()]
    return render(
        request,
        "geo/area_list.html",
        {
            "districts": districts,
            "map_data": queries.map_features(districts=districts, places=places),
            "illustrative": queries.illustrative(districts=districts),
        },
    )


@login_required
def district_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district = policy.access(request.user, District, pk)
    places = list(policy.visible(request.user, Place).filter(district=district).order_by("name"))
    return render(
        request,
        "geo/district_detail.html",
        {
            "district": district,
            "places": places,
            "police_areas": district.police_areas.order_by("name"),
            "organisations": policy.visible(request.user, Organisation)
            .filter(districts=district)
            .order_by("name"),
            "can_create_place": policy.can(request.user, policy.CREATE_PLACE, district),
            "map_data": queries.map_features(districts=[district], places=places),
            "illustrative": district.city.illustrative,
        },
    )


@login_required
def place_detail(request: HttpRequest, pk: int) -> HttpResponse:
    place = policy.access(request.user, Place, pk)
    return render(
        request,
        "geo/place_detail.html",
        {
            "place": place,
            "map_data": queries.map_features(districts=[place.district], places=[place]),
            "illustrative": place.district.city.illustrative,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def place_create(request: HttpRequest) -> HttpResponse:
    districts = policy.place_districts(request.user).order_by("name")
    if not districts.exists():
        raise PermissionDenied
    form = PlaceForm(
        request.POST or None, districts=districts, initial={"district": request.GET.get("district")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not policy.can(request.user, policy.CREATE_PLACE, data["district"]):
            raise PermissionDenied
        try:
            place = services.place_create(
                by=request.user,
                district=data["district"],
                name=data["name"],
                geometry=data["geometry"],
                description=data["description"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("The place %(name)s is saved.") % {"name": place.name})
            return redirect("geo:place", pk=place.pk)
    return render(
        request,
        "geo/place_form.html",
        {
            "form": form,
            "map_data": queries.map_features(districts=districts, places=[]),
            "illustrative": queries.illustrative(districts=districts),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_import(request: HttpRequest) -> HttpResponse:
    cities = policy.importable_cities(request.user)
    if not cities.exists():
        raise PermissionDenied
    form = AreaImportForm(request.POST or None, request.FILES or None, cities=cities)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        city = form.cleaned_data["city"]
        if not policy.can(request.user, policy.IMPORT_AREAS, city):
            raise PermissionDenied
        try:
            result = services.areas_import(
                city=city,
                level=form.cleaned_data["level"],
                data=form.cleaned_data["file"].read(),
                by=request.user,
            )
        except services.AreaImportError as exc:
            errors = [str(e) for e in exc.errors]
        else:
            messages.success(
                request,
                _("Imported: %(created)s new, %(updated)s updated.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("geo:areas")
    return render(
        request,
        "geo/area_import.html",
        {"form": form, "errors": errors},
        status=400 if request.method == "POST" else 200,
    )
