"""Writes of the situation picture: publishing an edition for the meeting."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from trygg.situation import editions
from trygg.situation.figures import Figures, for_partners
from trygg.situation.models import Edition
from trygg.situation.pdf import figures_pdf


def edition_publish(*, shown: Figures, by: Any, note: str = "") -> Edition:
    """Freeze the picture as it stands: exact figures for reviewers, hidden small counts for others.

    Only those who review every district of the area may publish: they see the exact
    figures the shared version is made from.
    """
    area = shown.asked.area
    if not shown.exact or not editions.reviews_all(by, area.city.pk, area.district_ids):
        raise PermissionDenied
    shared = for_partners(shown)
    now = timezone.now()
    local = timezone.localtime(now)
    # Typeset before the transaction: a second or two that need hold no lock.
    pdf = figures_pdf(shown, generated_at=local)
    shared_pdf = figures_pdf(shared, generated_at=local)
    with transaction.atomic():
        return Edition.objects.create(
            city=area.city,
            area_key=area.key,
            area_name=area.name,
            area_query=area.query,
            district_ids=list(area.district_ids),
            period_kind=shown.period.kind,
            period_start=shown.period.start,
            period_end=shown.period.end,
            period_label=shown.period.label,
            categories=list(shown.asked.selected),
            published_at=now,
            published_by=by,
            note=note.strip(),
            figures=editions.snapshot(shown),
            shared_figures=editions.snapshot(shared),
            pdf=pdf,
            shared_pdf=shared_pdf,
        )
