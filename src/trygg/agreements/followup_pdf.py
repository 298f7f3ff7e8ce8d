"""An agreement's yearly follow-up as a PDF: A4, in Swedish, typeset with Typst.

As for the meeting minutes, everything printed goes to ``typst/followup.typ`` as one JSON
document in ``sys.inputs``, so no problem text or name is read as markup.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import typst
from django.utils import timezone, translation

from trygg.agreements.models import Agreement
from trygg.agreements.queries import PriorityFollowup

TEMPLATE = Path(__file__).parent / "typst" / "followup.typ"


def followup_data(
    agreement: Agreement,
    year: int,
    rows: list[PriorityFollowup],
    *,
    assessment: str = "",
    reports_begin: dt.date | None = None,
    generated_at: dt.datetime,
) -> dict[str, Any]:
    """Everything the template prints, as plain JSON values, in Swedish."""
    with translation.override("sv"):
        return {
            "title": agreement.title,
            "version": agreement.version,
            "district": agreement.district.name,
            "police_area": agreement.police_area.name,
            "city": agreement.district.city.name,
            "year": year,
            "valid_from": agreement.valid_from.isoformat(),
            "valid_to": agreement.valid_to.isoformat(),
            "signed_on": agreement.signed_on.isoformat() if agreement.signed_on else "",
            "generated": timezone.localtime(generated_at).strftime("%Y-%m-%d %H:%M"),
            "assessment": assessment,
            "reports_begin": reports_begin.isoformat() if reports_begin else "",
            "counted": any(row.count is not None for row in rows),
            "priorities": [
                {
                    "number": row.priority.number,
                    "problem": row.priority.problem,
                    "where": row.priority.place.name
                    if row.priority.place
                    else agreement.district.name,
                    "indicator": row.priority.indicator,
                    "count": "" if row.count is None else str(row.count),
                    "baseline": "" if row.priority.baseline is None else str(row.priority.baseline),
                    "target": "" if row.priority.target is None else str(row.priority.target),
                    "met": "" if row.met is None else ("ja" if row.met else "nej"),
                    "measures": [
                        {
                            "title": m.title,
                            "responsible": m.responsible.name if m.responsible else "",
                            "due": m.due.isoformat() if m.due else "",
                            "status": str(m.get_status_display()),
                        }
                        for m in row.measures
                    ],
                }
                for row in rows
            ],
        }


def followup_pdf(
    agreement: Agreement,
    year: int,
    rows: list[PriorityFollowup],
    *,
    assessment: str = "",
    reports_begin: dt.date | None = None,
    generated_at: dt.datetime,
) -> bytes:
    data = followup_data(
        agreement,
        year,
        rows,
        assessment=assessment,
        reports_begin=reports_begin,
        generated_at=generated_at,
    )
    pdf = typst.compile(
        str(TEMPLATE),
        root=str(TEMPLATE.parent),
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        timestamp=int(generated_at.timestamp()),
    )
    assert isinstance(pdf, bytes)
    return pdf
