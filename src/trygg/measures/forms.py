from __future__ import annotations

from typing import Any

import shapely
from django import forms
from django.db.models import Q
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _

from trygg.core import policy
from trygg.core.models import Organisation, OrganisationKind, User
from trygg.geo.geojson import read_geometry
from trygg.geo.models import District, Place
from trygg.measures.kinds import AIMS, Kind
from trygg.measures.models import Measure, Meeting
from trygg.measures.workflow import Status
from trygg.reports.models import Category, Report

# A hotspot outline from the situation picture has a few dozen corners; this is ample.
MAX_AREA_POINTS = 5000


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Place) -> str:
        return f"{obj.name} ({obj.district.name})"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class CategoriesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.label


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def technique_choices() -> list[Any]:
    """The 25 techniques under their five aims, for a select with one optgroup per aim."""
    return [("", "–")] + [
        (aim, [(technique.value, technique.label) for technique in techniques])
        for aim, techniques in AIMS
    ]


class MeasureForm(forms.ModelForm):
    """The fields of a measure; the service checks how they fit together and names the field."""

    class Meta:
        model = Measure
        fields = [
            "title",
            "description",
            "kind",
            "technique",
            "district",
            "place",
            "categories",
            "responsible",
            "responsible_person",
            "partners",
            "start",
            "due",
            "cost_estimate",
            "expected_effect",
            "indicator",
            "comparison_district",
            "target_area",
            "reports",
            "meeting",
            "origin",
            "origin_ref",
        ]
        field_classes = {
            "place": PlaceChoiceField,
            "responsible_person": PersonChoiceField,
            "categories": CategoriesField,
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "expected_effect": forms.Textarea(attrs={"rows": 3}),
            "categories": forms.CheckboxSelectMultiple,
            "partners": forms.CheckboxSelectMultiple,
            "start": _date_input(),
            "due": _date_input(),
            "target_area": forms.HiddenInput,
            "reports": forms.MultipleHiddenInput,
            "meeting": forms.HiddenInput,
            "origin": forms.HiddenInput,
            "origin_ref": forms.HiddenInput,
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        districts = policy.runs_districts(user).order_by("name")
        cities = districts.values("city_id")
        organisations = (
            Organisation.objects.filter(
                Q(districts__in=districts)
                | Q(kind=OrganisationKind.CITY_OFFICE, city_id__in=cities)
            )
            .distinct()
            .order_by("name")
        )
        # People only of organisations whose members the user may see anyway.
        known = organisations.filter(pk__in=policy.visible(user, Organisation).values("pk"))
        chosen = self.instance.categories.all() if self.instance.pk else Category.objects.none()
        fields = self.fields
        fields["kind"].choices = [("", "–"), *Kind.choices]
        fields["technique"].choices = technique_choices()
        fields["district"].queryset = districts
        fields["district"].empty_label = "–"
        fields["place"].queryset = (
            Place.objects.filter(district__in=districts)
            .select_related("district")
            .order_by("district__name", "name")
        )
        fields["place"].empty_label = _("The whole district")
        fields["categories"].queryset = Category.objects.filter(
            Q(city_id__in=cities, active=True) | Q(pk__in=chosen.values("pk"))
        ).order_by("order", "name")
        fields["responsible"].queryset = organisations
        fields["responsible"].empty_label = "–"
        fields["responsible_person"].queryset = (
            User.objects.filter(memberships__organisation__in=known)
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        fields["responsible_person"].empty_label = _("Not named")
        fields["responsible_person"].help_text = _("Someone in the responsible organisation.")
        fields["partners"].queryset = organisations
        fields["comparison_district"].queryset = District.objects.filter(
            city_id__in=cities
        ).order_by("name")
        fields["comparison_district"].empty_label = _("None")
        fields["comparison_district"].help_text = _(
            "A similar district without the measure, to tell its effect from the general trend."
        )
        fields["meeting"].queryset = policy.visible(user, Meeting).filter(district__in=districts)
        fields["reports"].queryset = policy.visible(user, Report)
        if self.instance.pk:
            # Reports are linked when a measure is made from them; editing keeps them.
            del fields["reports"]

    def clean_target_area(self) -> Any:
        area = self.cleaned_data.get("target_area")
        if not area:
            return None
        if isinstance(area, dict) and area.get("type") == "Feature":
            area = area.get("geometry")
        geometry, problem = read_geometry(area)
        if geometry is None:
            raise forms.ValidationError(_("The target area: %(reason)s.") % {"reason": problem})
        if shapely.get_num_coordinates(geometry) > MAX_AREA_POINTS:
            raise forms.ValidationError(_("The target area has too many corners."))
        return area

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        meeting, district = data.get("meeting"), data.get("district")
        if meeting and district and meeting.district_id != district.pk:
            self.add_error("district", _("The meeting that decided it is of another district."))
        return data

    def _post_clean(self) -> None:
        # Only fill in the measure: measure_save validates it as a whole and names the field,
        # where the model's own check would report a broken constraint without naming one.
        opts = self._meta
        self.instance = construct_instance(self, self.instance, opts.fields, opts.exclude)


class MeasureFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    district = forms.ModelChoiceField(
        label=_("District"), queryset=None, required=False, empty_label=_("All")
    )
    responsible = forms.ModelChoiceField(
        label=_("Responsible organisation"), queryset=None, required=False, empty_label=_("All")
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)
    mine = forms.BooleanField(label=_("Only my organisation's"), required=False)

    def __init__(self, *args: Any, districts: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("Not finished")),
            *Status.choices,
            ("all", _("All")),
        ]
        self.fields["district"].queryset = districts
        self.fields["responsible"].queryset = organisations


class TransitionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (needed to reject or postpone)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class ProgressForm(forms.Form):
    note = forms.CharField(
        label=_("How is it going?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text=_("Replaces the earlier note; the earlier ones stay in the history."),
    )
