"""The minutes of a weekly meeting as a PDF: A4, in Swedish, typeset with Typst.

Everything printed goes to the template (``typst/minutes.typ``) as one JSON document in
``sys.inputs``, as for the situation picture, so no name or minutes text is read as
markup. The agenda printed is the one given: the frozen one for a closed meeting.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import typst
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from trygg.measures.meetings import labelled, week_of
from trygg.measures.models import Meeting

TEMPLATE = Path(__file__).parent / "typst" / "minutes.typ"


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _moment(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _measures(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            "title": m["title"],
            "responsible": m["responsible"],
            "person": m["responsible_person"],
            "place": m["place"],
            "due": _day(m["due"]),
            "status": str(m["status_label"]),
        }
        for m in items
    ]


def _reports(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            "category": r["category"],
            "where": ", ".join(r["places"]) or r["address"],
            "occurred": _moment(r["occurred"]),
            "received": _moment(r["received"]),
            "answer_due": _moment(r["answer_due"]),
            "status": str(r["status_label"]),
        }
        for r in items
    ]


def minutes_data(
    meeting: Meeting, agenda: dict[str, Any], *, generated_at: dt.datetime, draft: bool
) -> dict[str, Any]:
    """Everything the template prints, as plain JSON values, in Swedish."""
    with translation.override("sv"):
        shown = labelled(agenda)
        situation = shown.get("situation", {})
        period = week_of(meeting)
        last_week = shown.get("last_week", {})
        return {
            "draft": draft,
            "city": meeting.district.city.name,
            "district": meeting.district.name,
            "week": period.label,
            "start": period.start.isoformat(),
            "end": (period.end - dt.timedelta(days=1)).isoformat(),
            "generated": _moment(generated_at),
            "closed": _moment(meeting.closed_at),
            "closed_by": (
                meeting.closed_by.get_full_name() or meeting.closed_by.username
                if meeting.closed_by
                else ""
            ),
            "participants": [o["name"] for o in shown.get("participants", [])],
            "focus_places": [p["name"] for p in shown.get("focus_places", [])],
            "situation": {
                "available": bool(situation.get("available")),
                "summary": list(situation.get("summary", [])),
                "hotspots": situation.get("hotspots", 0),
                "compared_with": situation.get("compared_with", ""),
                "edition": (situation.get("edition") or {}).get("period", ""),
                "new_hotspots": [
                    ", ".join(p["name"] for p in h["places"]) or _("outside the places")
                    for h in situation.get("new_hotspots", [])
                ],
            },
            "repeated_places": [
                {"name": p["name"], "count": p["count"]} for p in shown.get("repeated_places", [])
            ],
            "overdue_measures": _measures(shown.get("overdue_measures", {}).get("items", [])),
            "overdue_measures_more": shown.get("overdue_measures", {}).get("more", 0),
            "overdue_reports": _reports(shown.get("overdue_reports", {}).get("items", [])),
            "overdue_reports_more": shown.get("overdue_reports", {}).get("more", 0),
            "last_week_held": last_week.get("meeting") is not None,
            "last_week": _measures(last_week.get("decisions", [])),
            "new_reports": _reports(shown.get("new_reports", {}).get("items", [])),
            "new_reports_more": shown.get("new_reports", {}).get("more", 0),
            "decided": _measures(shown.get("decided", [])),
            "minutes": meeting.minutes.splitlines(),
        }


def minutes_pdf(
    meeting: Meeting, agenda: dict[str, Any], *, generated_at: dt.datetime, draft: bool = False
) -> bytes:
    """The meeting's minutes typeset as an A4 PDF in Swedish."""
    data = minutes_data(meeting, agenda, generated_at=generated_at, draft=draft)
    pdf = typst.compile(
        str(TEMPLATE),
        root=str(TEMPLATE.parent),
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        timestamp=int(generated_at.timestamp()),
    )
    assert isinstance(pdf, bytes)
    return pdf
