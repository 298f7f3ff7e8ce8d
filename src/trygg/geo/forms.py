import json

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from trygg.geo.services import AreaLevel


class AreaImportForm(forms.Form):
    city = forms.ModelChoiceField(label=_("City"), queryset=None, empty_label=None)
    level = forms.ChoiceField(label=_("What the file contains"), choices=AreaLevel.choices)
    file = forms.FileField(
        label=_("GeoJSON file"),
        help_text=_(
            "A FeatureCollection of polygons, each with a “name” property, in WGS84 or "
            "SWEREF 99 TM (EPSG:3006, given as crs). Places may name their “district”."
        ),
    )

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = cities

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.TRYGG_MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.")
                % {"mb": settings.TRYGG_MAX_IMPORT_BYTES // (1024 * 1024)}
            )
        return upload


class PlaceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    district = forms.ModelChoiceField(label=_("District"), queryset=None)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    geometry = forms.CharField(
        label=_("Boundary (GeoJSON)"),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_("Draw the polygon on the map, or paste a GeoJSON Polygon in WGS84 here."),
    )

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts

    def clean_geometry(self):
        raw = self.cleaned_data["geometry"]
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(_("The boundary is not valid GeoJSON.")) from None
        if isinstance(value, dict) and value.get("type") == "Feature":
            value = value.get("geometry")
        if not isinstance(value, dict):
            raise forms.ValidationError(_("The boundary must be a GeoJSON geometry."))
        return value
