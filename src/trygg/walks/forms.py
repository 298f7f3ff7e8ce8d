"""Forms of the walk pages: the plan, a finding tidied after the walk, a resident's sign-up."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from trygg.core.models import Organisation
from trygg.geo.models import District, Place
from trygg.walks.models import Factor, Finding, Stop, Walk

MAX_STOPS = 40
MAX_ROUTE_POINTS = 2000


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Place) -> str:
        return f"{obj.name} ({obj.district.name})"


def _moment_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _number(value: Any, low: float, high: float) -> float:
    number = float(str(value).strip().replace(",", "."))
    if not low <= number <= high:
        raise ValueError
    return number


def read_stops(text: str) -> list[tuple[str, float, float]]:
    """The stops as the map writes them (JSON ``[[name, lon, lat], …]``) or typed by hand,
    one a line: ``name; longitude; latitude``.

    >>> read_stops("Entrén; 18.006; 59.2775")
    [('Entrén', 18.006, 59.2775)]
    """
    text = text.strip()
    if not text:
        return []
    if text.startswith("["):
        rows = json.loads(text)
        if not isinstance(rows, list):
            raise ValueError
    else:
        rows = [line.split(";") for line in text.splitlines() if line.strip()]
    stops = []
    for row in rows:
        if not isinstance(row, list | tuple) or len(row) != 3:
            raise ValueError
        name = str(row[0]).strip()
        if not name:
            raise ValueError
        stops.append((name[:120], _number(row[1], -180, 180), _number(row[2], -90, 90)))
    return stops


class WalkForm(forms.ModelForm):
    """The plan of a walk; the service checks how the fields fit together and names the field."""

    route_text = forms.CharField(
        label=_("Route (GeoJSON LineString)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_(
            "Drawn with the line tool on the map, or typed by hand. "
            "Leave empty for a walk without a route: findings are then placed by position."
        ),
    )
    stops_text = forms.CharField(
        label=_("Numbered stops"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_(
            "Placed with the marker tool on the map, in order; or typed one a line as "
            "“name; longitude; latitude”."
        ),
    )

    class Meta:
        model = Walk
        fields = [
            "title",
            "district",
            "place",
            "starts_at",
            "after_dark",
            "meeting_point",
            "invited",
            "public_places",
            "introduction_at",
            "introduction_notes",
            "feedback_at",
        ]
        field_classes = {"place": PlaceChoiceField}
        widgets = {
            "starts_at": _moment_input(),
            "introduction_at": _moment_input(),
            "feedback_at": _moment_input(),
            "introduction_notes": forms.Textarea(attrs={"rows": 4}),
            "invited": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, districts: QuerySet[District], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts.order_by("name")
        self.fields["place"].queryset = (
            Place.objects.filter(district__in=districts).select_related("district").order_by("name")
        )
        district_ids = [self.instance.district_id] if self.instance.pk else districts.values("pk")
        self.fields["invited"].queryset = (
            Organisation.objects.filter(districts__in=district_ids).distinct().order_by("name")
        )
        for name in ("starts_at", "introduction_at", "feedback_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if self.instance.pk and not self.is_bound:
            if self.instance.route:
                self.initial["route_text"] = json.dumps(self.instance.route)
            stops = [[s.name, s.lon, s.lat] for s in self.instance.stops.all()]
            if stops:
                self.initial["stops_text"] = json.dumps(stops, ensure_ascii=False)

    def clean_route_text(self) -> dict[str, Any] | None:
        text = self.cleaned_data["route_text"].strip()
        if not text:
            return None
        try:
            route = json.loads(text)
        except ValueError:
            raise forms.ValidationError(
                _("The route could not be read: draw it again or give a GeoJSON LineString.")
            ) from None
        if isinstance(route, dict) and route.get("type") == "Feature":
            route = route.get("geometry")
        if not isinstance(route, dict) or route.get("type") != "LineString":
            raise forms.ValidationError(_("The route must be a GeoJSON LineString."))
        if len(route.get("coordinates") or []) > MAX_ROUTE_POINTS:
            raise forms.ValidationError(_("The route has too many points."))
        return {"type": "LineString", "coordinates": route.get("coordinates")}

    def clean_stops_text(self) -> list[tuple[str, float, float]]:
        try:
            stops = read_stops(self.cleaned_data["stops_text"])
        except (ValueError, TypeError):
            raise forms.ValidationError(
                _("The stops could not be read: give one a line as “name; longitude; latitude”.")
            ) from None
        if len(stops) > MAX_STOPS:
            raise forms.ValidationError(_("At most %(n)d stops.") % {"n": MAX_STOPS})
        return stops


class FindingForm(forms.Form):
    """A finding tidied after the walk and given to the organisation that owns the spot."""

    text = forms.CharField(
        label=_("What was seen"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    score = forms.TypedChoiceField(
        label=_("Feeling (1 very unsafe – 5 safe)"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
    )
    factors = forms.MultipleChoiceField(
        label=_("Factors"),
        choices=Factor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = forms.ModelChoiceField(
        label=_("Responsible organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("– none yet –"),
    )
    stop = forms.ModelChoiceField(
        label=_("Stop"), queryset=Stop.objects.none(), required=False, empty_label="–"
    )

    def __init__(
        self, *args: Any, owners: QuerySet[Organisation], stops: QuerySet[Stop], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["stop"].queryset = stops

    @classmethod
    def for_finding(
        cls, finding: Finding, owners: QuerySet[Organisation], data: Any = None
    ) -> FindingForm:
        return cls(
            data,
            owners=owners,
            stops=finding.walk.stops.all(),
            prefix=f"f{finding.pk}",
            initial={
                "text": finding.text,
                "score": finding.score,
                "factors": finding.factors,
                "owner": finding.owner_id,
                "stop": finding.stop_id,
            },
        )


class SignupForm(forms.Form):
    """A resident's place on a walk: a first name and an e-mail address, nothing more."""

    name = forms.CharField(label=_("First name"), max_length=80, required=False)
    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Only for the confirmation of your place; never shown on any page."),
    )
