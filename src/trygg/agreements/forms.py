"""Forms of agreement pages: a version, a revision, a priority and a responsibility row.

The forms only read what was typed; ``services.agreement_save`` checks how the fields fit
together (period, parties, overlap) and names the field, which the view shows beside it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from trygg.agreements.models import Agreement, Priority, Responsibility
from trygg.agreements.services import PARTY_KINDS
from trygg.core.models import Membership, Organisation, User
from trygg.geo.models import Place, PoliceArea
from trygg.reports.models import Category
from trygg.situation.models import Edition


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class EditionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Edition) -> str:
        return f"{obj.area_name}, {obj.period_label}"


class CategoriesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.label


class AgreementForm(forms.ModelForm):
    """A version's own fields and who signed it, among the parties' members."""

    signatories = PersonChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Signatories"),
    )

    class Meta:
        model = Agreement
        fields = [
            "district",
            "police_area",
            "title",
            "problem_picture",
            "signed_on",
            "valid_from",
            "valid_to",
            "followup_schedule",
        ]
        widgets = {
            "signed_on": date_input(),
            "valid_from": date_input(),
            "valid_to": date_input(),
            "followup_schedule": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts.order_by("name")
        self.fields["police_area"].queryset = PoliceArea.objects.filter(
            districts__in=districts
        ).distinct()
        city_ids = districts.values("city_id")
        self.fields["problem_picture"] = EditionChoiceField(
            queryset=Edition.objects.filter(city_id__in=city_ids).order_by("-published_at"),
            required=False,
            label=capfirst(Agreement._meta.get_field("problem_picture").verbose_name),
        )
        self.fields["signatories"].queryset = (
            User.objects.filter(
                pk__in=Membership.objects.filter(
                    organisation__kind__in=PARTY_KINDS,
                    organisation__districts__in=districts,
                ).values("user_id")
            )
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        roles = (
            {s.user_id: s.role for s in self.instance.signatories.all()} if self.instance.pk else {}
        )
        for user in self.fields["signatories"].queryset:
            self.fields[f"role_{user.pk}"] = forms.CharField(
                label=_("%(name)s signs as") % {"name": user.get_full_name() or user.username},
                max_length=120,
                required=False,
                initial=roles.get(user.pk, ""),
            )
        if self.instance.pk:
            self.initial.setdefault("signatories", list(roles))
            # Another district or police area is another agreement, not a change of this one.
            self.fields["district"].disabled = True
            self.fields["police_area"].disabled = True

    def signatory_rows(self) -> list[tuple[Any, Any]]:
        """Each party member's checkbox beside the field for the title they sign as."""
        return [
            (choice, self[f"role_{choice.data['value']}"])
            for choice in self["signatories"].subwidgets
        ]

    def signed_by(self) -> list[tuple[User, str]]:
        """The ticked signatories with the title each signs as."""
        return [
            (user, self.cleaned_data.get(f"role_{user.pk}", "").strip())
            for user in self.cleaned_data.get("signatories") or []
        ]


class RevisionForm(forms.Form):
    """A revised version: its period; the rest is carried over from the version it revises."""

    valid_from = forms.DateField(label=_("valid from"), widget=date_input())
    valid_to = forms.DateField(label=_("valid until"), widget=date_input())


class AssessmentForm(forms.Form):
    assessment = forms.CharField(
        label=_("The parties' conclusions"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the figures mean, what worked and what happens next."),
    )


class PriorityForm(forms.ModelForm):
    class Meta:
        model = Priority
        fields = ["number", "problem", "place", "categories", "indicator", "baseline", "target"]

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.filter(
            district_id=agreement.district_id
        ).order_by("name")
        self.fields["place"].label = _("place")
        self.fields["categories"] = CategoriesField(
            queryset=Category.objects.filter(city_id=agreement.city_id).order_by("name"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=Priority._meta.get_field("categories").verbose_name,
        )
        if not self.instance.pk and "number" not in self.initial:
            taken = [p.number for p in agreement.priorities.all()]
            self.initial["number"] = max(taken, default=0) + 1


class ResponsibilityForm(forms.ModelForm):
    class Meta:
        model = Responsibility
        fields = ["organisation", "topic", "duty"]
        widgets = {"duty": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            city_id=agreement.city_id, districts=agreement.district
        ).order_by("name")
        self.fields["organisation"].label = _("organisation")
