"""The report import page: check a file first (a dry run), then confirm to store it.

Between the two steps the upload waits in a file under DATA_DIR/imports, named by
a random token kept in the session, and is deleted once imported or replaced; a
20 MB file has no place in a form field or the session itself.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from trygg.core import policy
from trygg.core.models import Organisation
from trygg.geo.models import City
from trygg.reports import imports

SESSION_KEY = "reports_import"
# A checked file nobody confirmed is removed after this long.
PENDING_SECONDS = 24 * 60 * 60
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


class ReportImportForm(forms.Form):
    city = forms.ModelChoiceField(label=gettext_lazy("City"), queryset=None, empty_label=None)
    format = forms.ChoiceField(
        label=gettext_lazy("What the file is"), choices=imports.ImportFormat.choices
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("The organisation whose reports these are, if any."),
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV: a header row with time, category, lon and lat (or tid, kategori, longitud, "
            "latitud), optionally description, id and end; comma or semicolon separated, "
            "UTF-8 or Excel's Latin-1. GeoJSON: a FeatureCollection of points with the "
            "properties time, category, description and id."
        ),
    )

    def __init__(self, *args: Any, user: Any, cities: list[City], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["city"].queryset = City.objects.filter(pk__in=[c.pk for c in cities])
        allowed: set[int] = set()
        for city in cities:
            allowed.update(imports.importing_organisations(user, city).values_list("pk", flat=True))
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=allowed).order_by(
            "name"
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.TRYGG_MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.")
                % {"mb": settings.TRYGG_MAX_IMPORT_BYTES // (1024 * 1024)}
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        city, organisation = data.get("city"), data.get("organisation")
        if city and organisation and organisation.city_id != city.pk:
            self.add_error(
                "organisation",
                _("%(org)s is not an organisation of %(city)s.")
                % {"org": organisation.name, "city": city.name},
            )
        return data


def _folder() -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _pending_path(token: str) -> Path | None:
    return _folder() / f"{token}.upload" if _TOKEN.fullmatch(token or "") else None


def _discard(pending: dict[str, Any] | None) -> None:
    path = _pending_path(pending.get("token", "")) if pending else None
    if path is not None:
        path.unlink(missing_ok=True)


def _keep(upload: Any) -> str:
    """Store an upload until it is confirmed, and clear out checks nobody confirmed."""
    folder = _folder()
    cutoff = time.time() - PENDING_SECONDS
    for old in folder.glob("*.upload"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    with (folder / f"{token}.upload").open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def _importable_cities(user: Any) -> list[City]:
    return [
        city
        for city in policy.visible(user, City).order_by("name")
        if policy.can(user, policy.IMPORT_REPORTS, city)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def report_import(request: HttpRequest) -> HttpResponse:
    cities = _importable_cities(request.user)
    if not cities:
        raise Http404
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, cities)
    if request.method == "POST" and "cancel" in request.POST:
        _discard(request.session.pop(SESSION_KEY, None))
        return redirect("reports:import")
    form = ReportImportForm(
        request.POST or None, request.FILES or None, user=request.user, cities=cities
    )
    result, file_error, token, file_name = None, "", "", ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        file_name = data["file"].name
        _discard(request.session.pop(SESSION_KEY, None))
        token = _keep(data["file"])
        path = _pending_path(token)
        assert path is not None
        try:
            result = imports.reports_import(
                city=data["city"],
                by=request.user,
                data=path.read_bytes(),
                format=data["format"],
                dry_run=True,
                organisation=data["organisation"],
            )
        except imports.ImportFileError as exc:
            file_error = str(exc)
            path.unlink(missing_ok=True)
        except ValidationError as exc:
            file_error = " ".join(exc.messages)
            path.unlink(missing_ok=True)
        else:
            request.session[SESSION_KEY] = {
                "token": token,
                "city": data["city"].pk,
                "format": data["format"],
                "organisation": data["organisation"].pk if data["organisation"] else None,
                "name": file_name,
            }
    failed = request.method == "POST" and (not form.is_valid() or bool(file_error))
    return render(
        request,
        "reports/import.html",
        {
            "form": form,
            "result": result,
            "file_error": file_error,
            "token": token,
            "file_name": file_name,
        },
        status=400 if failed else 200,
    )


def _confirm(request: HttpRequest, cities: list[City]) -> HttpResponse:
    """Store the file checked a moment ago; a stale or foreign token finds nothing."""
    pending = request.session.get(SESSION_KEY)
    if not pending or request.POST.get("token") != pending.get("token"):
        messages.error(request, _("The checked file is no longer here; check it again."))
        return redirect("reports:import")
    del request.session[SESSION_KEY]
    path = _pending_path(pending["token"])
    city = next((c for c in cities if c.pk == pending["city"]), None)
    if path is None or city is None or not path.exists():
        _discard(pending)
        messages.error(request, _("The checked file is no longer here; check it again."))
        return redirect("reports:import")
    organisation = (
        Organisation.objects.filter(pk=pending["organisation"]).first()
        if pending["organisation"]
        else None
    )
    try:
        result = imports.reports_import(
            city=city,
            by=request.user,
            data=path.read_bytes(),
            format=pending["format"],
            dry_run=False,
            organisation=organisation,
        )
    except imports.ImportFileError as exc:
        messages.error(request, _("Nothing was imported: %(reason)s") % {"reason": exc})
    except ValidationError as exc:
        reason = " ".join(exc.messages)
        messages.error(request, _("Nothing was imported: %(reason)s") % {"reason": reason})
    else:
        messages.success(
            request,
            _(
                "Imported %(created)s reports from %(name)s; %(skipped)s were there already "
                "and %(rejected)s rows were left out."
            )
            % {
                "created": result.created,
                "name": pending["name"],
                "skipped": result.skipped,
                "rejected": result.rejected_count,
            },
        )
    finally:
        path.unlink(missing_ok=True)
    return redirect("reports:import")
