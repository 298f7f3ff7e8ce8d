from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.reports.models import Category
from trygg.reports.workflow import Status


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > settings.TRYGG_MAX_PHOTOS:
            raise forms.ValidationError(
                _("At most %(n)d photos.") % {"n": settings.TRYGG_MAX_PHOTOS}
            )
        return [super(PhotosField, self).clean(f, initial) for f in files]


def _now_local() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.label


class PositionMixin(forms.Form):
    """A point picked on the map, typed in, taken from the phone, or a place chosen by name."""

    lon = forms.FloatField(
        label=_("Longitude (east)"), required=False, widget=forms.NumberInput(attrs={"step": "any"})
    )
    lat = forms.FloatField(
        label=_("Latitude (north)"), required=False, widget=forms.NumberInput(attrs={"step": "any"})
    )
    place = forms.ModelChoiceField(
        label=_("Or pick a place"), queryset=None, required=False, empty_label="–"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        has_point = data.get("lon") is not None and data.get("lat") is not None
        if not has_point and not data.get("place"):
            raise forms.ValidationError(
                _("Pick the spot on the map, use your position, or pick a place."),
                code="position",
            )
        return data


class ReportForm(PositionMixin):
    organisation = forms.ModelChoiceField(label=_("Reporting for"), queryset=None, empty_label=None)
    category = CategoryChoiceField(label=_("What happened?"), queryset=None, empty_label="–")
    occurred_from = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        initial=_now_local,
    )
    occurred_to = forms.DateTimeField(
        label=_("Until (if it went on for a while)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    description = forms.CharField(
        label=_("Short description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("What did you see? No names or personal details of others."),
    )
    photos = PhotosField(label=_("Photos (optional)"), required=False)

    field_order = [
        "organisation",
        "category",
        "lon",
        "lat",
        "place",
        "occurred_from",
        "occurred_to",
        "description",
        "photos",
    ]

    def __init__(self, *args: Any, organisations: Any, categories: Any, places: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["category"].queryset = categories
        self.fields["place"].queryset = places


class WeekRowForm(forms.Form):
    """One observation of the past week in the weekly list."""

    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    category = CategoryChoiceField(label=_("Category"), queryset=None, empty_label="–")
    place = forms.ModelChoiceField(label=_("Place"), queryset=None, empty_label="–")
    description = forms.CharField(label=_("Description"), max_length=2000)

    def __init__(self, *args: Any, categories: Any, places: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["place"].queryset = places

    def occurred(self) -> dt.datetime:
        data = self.cleaned_data
        moment = dt.datetime.combine(data["day"], data.get("time") or dt.time(12, 0))
        return timezone.make_aware(moment)


class BaseWeekFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, categories: Any, places: Any, **kwargs: Any):
        self.categories, self.places = categories, places
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int) -> dict[str, Any]:
        return {"categories": self.categories, "places": self.places}

    @property
    def empty_form(self) -> forms.Form:
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            categories=self.categories,
            places=self.places,
        )
        self.add_fields(form, None)
        return form


WeekFormSet = forms.formset_factory(WeekRowForm, formset=BaseWeekFormSet, extra=5, max_num=30)


class WeekHeaderForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Reporting for"), queryset=None, empty_label=None)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class NilReturnForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, empty_label=None)
    district = forms.ModelChoiceField(label=_("Area"), queryset=None, empty_label=None)

    def __init__(self, *args: Any, organisations: Any, districts: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["district"].queryset = districts


class QueueFilterForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    category = CategoryChoiceField(
        label=_("Category"), queryset=None, required=False, empty_label=_("All")
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, required=False, empty_label=_("All")
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    place = forms.ModelChoiceField(
        label=_("Place"), queryset=None, required=False, empty_label=_("All")
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args: Any, categories: Any, organisations: Any, places: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["organisation"].queryset = organisations
        self.fields["place"].queryset = places
        self.fields["status"].choices = (
            [("", _("Not yet answered"))]
            + [(value, label) for value, label in Status.choices if value != Status.RECEIVED]
            + [("all", _("All"))]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end lies before the start."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the reporter sees it)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class CorrectForm(forms.Form):
    category = CategoryChoiceField(label=_("Category"), queryset=None)
    lon = forms.FloatField(
        label=_("Longitude (east)"), widget=forms.NumberInput(attrs={"step": "any"})
    )
    lat = forms.FloatField(
        label=_("Latitude (north)"), widget=forms.NumberInput(attrs={"step": "any"})
    )

    def __init__(self, *args: Any, categories: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


class PublicReportForm(PositionMixin):
    category = CategoryChoiceField(label=_("What is it about?"), queryset=None, empty_label="–")
    description = forms.CharField(
        label=_("Describe the problem"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Please do not write names or other personal details."),
    )
    email = forms.EmailField(
        label=_("Your e-mail (optional)"),
        required=False,
        help_text=_("Only to tell you what happens. It is never shown to anyone else."),
    )
    # Humans never see this field; bots that fill every input do.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    field_order = ["category", "lon", "lat", "place", "description", "email", "website"]

    def __init__(self, *args: Any, categories: Any, places: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["place"].queryset = places


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = [
            "name",
            "name_en",
            "code",
            "group",
            "description",
            "answer_days",
            "harm_weight",
            "repeat_prone",
            "public",
            "active",
            "order",
        ]
