"""Forms of citizen promises, place collaborations, their contacts and meetings.

The forms only read what was typed and offer the choices the user works with; the
services in ``collaborations`` decide how the fields fit together and name the field,
which the view shows beside it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from trygg.agreements.forms import CategoriesField, date_input
from trygg.agreements.models import (
    CitizenPromise,
    CollaborationContact,
    CollaborationMeeting,
    PlaceCollaboration,
)
from trygg.core.models import Organisation, OrganisationKind
from trygg.core.policy import SENSITIVE_KINDS
from trygg.geo.models import Place, PoliceArea
from trygg.reports.models import Category


class PromiseForm(forms.ModelForm):
    class Meta:
        model = CitizenPromise
        fields = [
            "district",
            "police_area",
            "title",
            "text",
            "activities",
            "valid_from",
            "valid_to",
            "followup",
            "public",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "activities": forms.Textarea(attrs={"rows": 3}),
            "followup": forms.Textarea(attrs={"rows": 3}),
            "valid_from": date_input(),
            "valid_to": date_input(),
        }
        help_texts = {
            "public": _("A public promise is shown to everyone on the district's public page."),
        }

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts.order_by("name")
        self.fields["police_area"].queryset = (
            PoliceArea.objects.filter(districts__in=districts).distinct().order_by("name")
        )

    def _get_validation_exclusions(self) -> set[str]:
        # The period's database constraint would otherwise fail as an error above the form;
        # promise_save checks the period and names valid_to.
        return {*super()._get_validation_exclusions(), "valid_to"}


def _parties(districts: Any) -> Any:
    """Organisations working in the districts, and the city offices of their cities."""
    return (
        Organisation.objects.filter(
            Q(districts__in=districts)
            | Q(kind=OrganisationKind.CITY_OFFICE, city_id__in=districts.values("city_id"))
        )
        .exclude(kind__in=SENSITIVE_KINDS)
        .distinct()
        .order_by("name")
    )


class CollaborationForm(forms.ModelForm):
    """A collaboration's own fields; on a change, the place stays as it is."""

    class Meta:
        model = PlaceCollaboration
        fields = ["place", "goal", "lead", "partners", "started_on", "categories"]
        widgets = {
            "partners": forms.CheckboxSelectMultiple,
            "started_on": date_input(),
        }

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = (
            Place.objects.filter(district__in=districts).select_related("district").order_by("name")
        )
        self.fields["lead"].queryset = _parties(districts)
        self.fields["partners"].queryset = _parties(districts)
        self.fields["categories"] = CategoriesField(
            queryset=Category.objects.filter(city_id__in=districts.values("city_id")).order_by(
                "name"
            ),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=capfirst(PlaceCollaboration._meta.get_field("categories").verbose_name),
        )
        if self.instance.pk:
            # Another place is another collaboration, with other contacts and indicators.
            self.fields["place"].disabled = True


class ContactForm(forms.ModelForm):
    class Meta:
        model = CollaborationContact
        fields = ["organisation", "name", "role", "phone", "email"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel"})}

    def __init__(self, *args: Any, collaboration: PlaceCollaboration, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            Organisation.objects.filter(
                Q(pk=collaboration.lead_id) | Q(collaborations=collaboration)
            )
            .distinct()
            .order_by("name")
        )


class MeetingForm(forms.ModelForm):
    class Meta:
        model = CollaborationMeeting
        fields = ["held_on", "agenda", "minutes", "decisions"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}
        labels = {"held_on": _("Held on")}
