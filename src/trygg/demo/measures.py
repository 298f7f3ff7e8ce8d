"""The Älvsjö demo's measures and the year of weekly EST meetings that decided them.

`MEASURES` is the one definition two modules read: `measures_generate` creates the
measures from it, and `demo.reports` leaves out the reports each measure prevented, from
its start, at its place and in its categories. So the dates and places that the evaluation
compares are the same on both sides, and the evaluation finds the effects in the data.

Dates are whole days relative to the day the demo is loaded (negative: in the past), like
the reports, which cover the two years up to that day. A measure is decided at the meeting
`meeting` weeks before this week's; its history is written with the dates and people of a
plausible year, not the moment of loading.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from trygg.core.models import Organisation, User
from trygg.geo.models import City, Place
from trygg.measures import services, workflow
from trygg.measures.models import Measure, Meeting
from trygg.reports.models import Category, Report
from trygg.reports.services import week_start

ALVSJO = "Älvsjö"
COORDINATOR = "anna"
# A year of weekly meetings, this week's included (and still open).
MEETINGS = 52
# The meeting is on Tuesday morning, after the coordinator's Monday round of the review queue.
MEETING_WEEKDAY = 1
MEETING_HOUR = 9
# Every meeting has these at the table; the others come when their questions are up.
REGULARS = (
    "Älvsjö stadsdelsförvaltning",
    "Lokalpolisområde Söderort syd",
    "Fastighets AB Älvsjö Centrum (illustrativ)",
    "SL",
)
OCCASIONAL = (
    ("Trafikkontoret", 0.3),
    ("Nattvandrarna i Älvsjö (illustrativ)", 0.4),
    ("Securitas (illustrativ)", 0.5),
    ("Brf Solbergahöjden (illustrativ)", 0.2),
    ("Preventionsgruppen Älvsjö", 0.15),
)
# Reports linked to a measure: the latest of its categories at its place before the meeting.
LINKED_REPORTS = 10
LINKED_WEEKS = 8

# Each measure: what, where, who and when, the steps of its life, and the effect the demo's
# reports show. A step is (status, day, username, reason); day None is the deciding meeting.
# An effect removes that share of the reports of the measure's categories at its place from
# its start on, optionally only in some hours (local, [from, to)) and on some weekdays
# (Monday = 0); `buffer` is (metres, share) for the ring around the place.
MEASURES: tuple[dict[str, Any], ...] = (
    {
        "key": "lighting",
        "title": "Bättre belysning i gångtunneln vid Älvsjö station",
        "description": (
            "Nya LED-armaturer i gångtunneln och på trapporna upp mot perrongerna; buskarna "
            "vid tunnelmynningarna beskärs så att ljuset når fram."
        ),
        "kind": "lighting",
        "technique": "natural_surveillance",
        "place": "Älvsjö station",
        "categories": ("belysning", "otrygg-plats"),
        "responsible": "Trafikkontoret",
        "person": None,
        "partners": ("SL",),
        "comparison": "Hägersten-Liljeholmen",
        "cost": 240_000,
        "expected_effect": (
            "Färre rapporter om trasig belysning och otrygghet i gångtunneln; fler tar "
            "vägen genom tunneln på kvällen."
        ),
        "indicator": "Rapporter om belysning och otrygga platser vid Älvsjö station",
        "progress": "Armaturerna bytta och buskarna beskurna; ljuset ses över igen efter vintern.",
        "origin": "walk",
        "meeting": 51,
        "start": -350,
        "due": -168,
        "steps": (
            ("decided", None, "anna", ""),
            ("in_progress", -350, "anna", ""),
            ("done", -170, "anna", ""),
            ("followed_up", -120, "anna", ""),
        ),
        "effect": {"reduction": 0.7},
    },
    {
        "key": "police",
        "title": "Ökad polisnärvaro kvällstid vid Älvsjö centrum",
        "description": (
            "Fotpatrull kvällstid (18–24) vid torget, busshållplatserna och gångtunneln, "
            "i samverkan med väktarna och fastighetsägaren."
        ),
        "kind": "patrol",
        "technique": "",
        "place": "Älvsjö centrum",
        "categories": ("narkotika",),
        "responsible": "Lokalpolisområde Söderort syd",
        "person": "petra",
        "partners": ("Securitas (illustrativ)", "Fastighets AB Älvsjö Centrum (illustrativ)"),
        "comparison": "Hägersten-Liljeholmen",
        "cost": None,
        "expected_effect": "Mindre langning vid torget och stationen på kvällarna.",
        "indicator": "Färre narkotikarelaterade rapporter i Älvsjö centrum kvällstid",
        "progress": "Patrull på plats de flesta kvällar; väktarna rapporterar lugnare kvällar.",
        "origin": "hotspot",
        "meeting": 44,
        "start": -300,
        "due": 45,
        "steps": (
            ("decided", None, "anna", ""),
            ("in_progress", -300, "petra", ""),
        ),
        # Diffusion of benefits rather than displacement: dealers who lose the square do
        # not simply move round the corner, as most evaluations of hotspot policing find
        # (Guerette & Bowers 2009), so the ring around the centre sees a small fall too.
        "effect": {"reduction": 0.7, "hours": (18, 24), "buffer": (200.0, 0.25)},
    },
    {
        "key": "graffiti",
        "title": "Klotter saneras inom 24 timmar",
        "description": (
            "Fastighetsägaren tar bort nytt klotter inom ett dygn på fasader, elskåp och i "
            "gångtunneln vid Älvsjö centrum; SL gör detsamma vid sina entréer."
        ),
        "kind": "graffiti",
        "technique": "deny_benefits",
        "place": "Älvsjö centrum",
        "categories": ("klotter",),
        "responsible": "Fastighets AB Älvsjö Centrum (illustrativ)",
        "person": "rut",
        "partners": ("SL",),
        "comparison": "Hägersten-Liljeholmen",
        "cost": 60_000,
        "expected_effect": "Klotter som inte får synas lönar sig inte; mindre nytt klotter.",
        "indicator": "Rapporter om klotter i Älvsjö centrum",
        "progress": "Rutinen är införd; saneringsfirman kommer inom ett dygn.",
        "origin": "report",
        "meeting": 40,
        "start": -270,
        "due": -120,
        "steps": (
            ("decided", None, "anna", ""),
            ("in_progress", -270, "rut", ""),
            ("done", -125, "rut", ""),
        ),
        "effect": {"reduction": 0.6},
    },
    {
        "key": "vegetation",
        "title": "Röjning av sly och buskage i Långbroparken",
        "description": (
            "Sly och täta buskar längs gångvägarna röjs och trädens lägsta grenar kapas, så "
            "att man ser och syns."
        ),
        "kind": "vegetation",
        "technique": "natural_surveillance",
        "place": "Långbroparken",
        "categories": ("otrygg-plats", "belysning"),
        "responsible": "Älvsjö stadsdelsförvaltning",
        "person": "anna",
        "partners": (),
        "comparison": None,
        "cost": 85_000,
        "expected_effect": "Parken upplevs tryggare efter mörkrets inbrott.",
        "indicator": "Rapporter om otrygga platser och belysning i Långbroparken",
        "progress": "Röjt längs gångvägarna; beskärs igen nästa vår.",
        "origin": "walk",
        "meeting": 36,
        "start": -240,
        "due": -150,
        "steps": (
            ("decided", None, "anna", ""),
            ("in_progress", -240, "anna", ""),
            ("done", -155, "anna", ""),
            ("followed_up", -60, "anna", ""),
        ),
        "effect": {"reduction": 0.4},
    },
    {
        "key": "field_work",
        "title": "Fältassistenter vid Älvsjö centrum fredagskvällar",
        "description": (
            "Två fältassistenter vid torget och stationen fredagar 18–24, i samverkan med "
            "nattvandrarna."
        ),
        "kind": "field_work",
        "technique": "",
        "place": "Älvsjö centrum",
        "categories": ("samlingar", "ordningsstorning"),
        "responsible": "Älvsjö stadsdelsförvaltning",
        "person": "anna",
        "partners": ("Nattvandrarna i Älvsjö (illustrativ)",),
        "comparison": "Hägersten-Liljeholmen",
        "cost": 180_000,
        "expected_effect": "Färre stökiga samlingar på fredagskvällarna.",
        "indicator": "Rapporter om samlingar och ordningsstörningar fredagskvällar",
        "progress": "Fältassistenterna känner nu de flesta ungdomarna vid torget.",
        "origin": "meeting",
        "meeting": 20,
        "start": -133,
        "due": 4,
        "steps": (
            ("decided", None, "anna", ""),
            ("in_progress", -133, "anna", ""),
        ),
        "effect": {"reduction": 0.35, "hours": (18, 24), "weekdays": (4,)},
    },
    {
        "key": "cleaning",
        "title": "Extra tömning av papperskorgar vid Älvsjö centrum på helger",
        "description": "Papperskorgarna vid torget töms även lördag och söndag förmiddag.",
        "kind": "cleaning",
        "technique": "place_managers",
        "place": "Älvsjö centrum",
        "categories": ("nedskrapning",),
        "responsible": "Fastighets AB Älvsjö Centrum (illustrativ)",
        "person": "rut",
        "partners": (),
        "comparison": None,
        "cost": 40_000,
        "expected_effect": "Mindre skräp vid torget på måndagsmorgnarna.",
        "indicator": "Rapporter om nedskräpning i Älvsjö centrum",
        "progress": "",
        "origin": "report",
        "meeting": 9,
        "start": -56,
        "due": -14,
        # Decided, never started: it is overdue.
        "steps": (("decided", None, "anna", ""),),
    },
    {
        "key": "burglary_information",
        "title": "Informationsblad om inbrottsskydd till villaägare i Herrängen",
        "description": (
            "Polisen delar ut tips om lås, belysning och grannsamverkan efter inbrotten."
        ),
        "kind": "information",
        "technique": "",
        "place": None,
        "categories": ("inbrott",),
        "responsible": "Lokalpolisområde Söderort syd",
        "person": "petra",
        "partners": ("Älvsjö stadsdelsförvaltning",),
        "comparison": None,
        "cost": 15_000,
        "expected_effect": "Fler villaägare skyddar sig; färre upprepade inbrott i området.",
        "indicator": "Inbrott i Herrängen och Långsjö",
        "progress": "Hälften av gatorna har fått bladet.",
        "origin": "situation",
        "meeting": 12,
        "start": -80,
        "due": -5,
        "steps": (
            ("decided", None, "anna", ""),
            ("in_progress", -78, "petra", ""),
        ),
    },
    {
        "key": "parent_patrol",
        "title": "Nattvandring fredag och lördag kväll",
        "description": "Nattvandrarna går i par mellan Älvsjö centrum och Solberga.",
        "kind": "parent_patrol",
        "technique": "",
        "place": None,
        "categories": ("samlingar",),
        "responsible": "Nattvandrarna i Älvsjö (illustrativ)",
        "person": None,
        "partners": ("Älvsjö stadsdelsförvaltning",),
        "comparison": None,
        "cost": 10_000,
        "expected_effect": "Vuxna på plats när ungdomarna är ute.",
        "indicator": "Rapporter om samlingar fredag och lördag kväll",
        "progress": "",
        "origin": "meeting",
        "meeting": 3,
        "start": 4,
        "due": 60,
        "steps": (("decided", None, "anna", ""),),
    },
    {
        "key": "camera",
        "title": "Kameraövervakning vid Älvsjö stations entréer",
        "description": (
            "SL föreslår kameror vid entréerna; tillstånd behövs inte för SL:s egna ytor."
        ),
        "kind": "camera",
        "technique": "formal_surveillance",
        "place": "Älvsjö station",
        "categories": ("skadegorelse", "vald"),
        "responsible": "SL",
        "person": "sara",
        "partners": (),
        "comparison": None,
        "cost": 450_000,
        "expected_effect": "Färre skadegörelser vid entréerna, lättare att utreda våld.",
        "indicator": "Skadegörelse och våld vid Älvsjö station",
        "progress": "",
        "origin": "meeting",
        "meeting": None,
        "proposed": -3,
        "start": 30,
        "due": 120,
        "steps": (),
    },
    {
        "key": "fencing",
        "title": "Stängsel runt Långbroparken nattetid",
        "description": "Grindar som stängs klockan 22 vid parkens fyra ingångar.",
        "kind": "fencing",
        "technique": "access_control",
        "place": "Långbroparken",
        "categories": ("otrygg-plats",),
        "responsible": "Älvsjö stadsdelsförvaltning",
        "person": "anna",
        "partners": (),
        "comparison": None,
        "cost": 300_000,
        "expected_effect": "",
        "indicator": "",
        "progress": "",
        "origin": "survey",
        "meeting": 30,
        "start": -180,
        "due": -120,
        "steps": (
            (
                "rejected",
                None,
                "anna",
                "Parken ska vara öppen för alla; stängsel försämrar insynen och flyttar "
                "problemen. Röjning och belysning prövas först.",
            ),
        ),
    },
    {
        "key": "youth_activity",
        "title": "Fredagsöppen ungdomsgård i Solberga",
        "description": "Ungdomsgården håller öppet fredagar 18–23 med fältassistenter på plats.",
        "kind": "youth_activity",
        "technique": "",
        "place": "Solberga centrum",
        "categories": ("samlingar",),
        "responsible": "Älvsjö stadsdelsförvaltning",
        "person": "anna",
        "partners": (),
        "comparison": None,
        "cost": 350_000,
        "expected_effect": "Ungdomarna har någonstans att vara på fredagskvällarna.",
        "indicator": "Samlingar vid Solberga centrum fredagskvällar",
        "progress": "",
        "origin": "advisory",
        "meeting": 14,
        "start": 40,
        "due": 200,
        "steps": (
            ("decided", None, "anna", ""),
            (
                "postponed",
                -70,
                "anna",
                "Lokalen blir inte klar förrän i höst; tas upp igen när hyresavtalet är klart.",
            ),
        ),
    },
    {
        "key": "bike_garage",
        "title": "Bättre belysning och nya lås i cykelgaraget",
        "description": (
            "Rörelsestyrd belysning och nya lås med kodbricka i föreningens cykelgarage."
        ),
        "kind": "design",
        "technique": "target_hardening",
        "place": None,
        "categories": ("stold", "skadegorelse"),
        "responsible": "Brf Solbergahöjden (illustrativ)",
        "person": None,
        "partners": (),
        "comparison": None,
        "cost": 120_000,
        "expected_effect": "Färre cykelstölder och inbrott i garaget.",
        "indicator": "Stölder och skadegörelse vid Solberga",
        "progress": "Belysningen är uppsatt; låsen byts i nästa månad.",
        "origin": "meeting",
        "meeting": 6,
        "start": -35,
        "due": 20,
        "steps": (
            ("decided", None, "anna", ""),
            ("in_progress", -35, "bo", ""),
        ),
    },
)


def day_of(today: dt.date, days: int) -> dt.date:
    """A definition's day (relative to the load day) as a date."""
    return today + dt.timedelta(days=days)


def meeting_week(today: dt.date, weeks_ago: int) -> dt.date:
    """The Monday of the meeting `weeks_ago` weeks before this week's."""
    return week_start(today) - dt.timedelta(weeks=weeks_ago)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _meeting_time(week: dt.date) -> dt.datetime:
    return _at(week + dt.timedelta(days=MEETING_WEEKDAY), MEETING_HOUR)


@transaction.atomic
def measures_generate(*, city: City, today: dt.date, seed: int = 2017) -> int:
    """Add the year of meetings and the measures to the demo city; returns how many measures.

    Adds nothing when the city has measures or Älvsjö has meetings already.
    """
    alvsjo = city.districts.filter(name=ALVSJO).first()
    if alvsjo is None:
        return 0
    if (
        Measure.objects.filter(city=city).exists()
        or Meeting.objects.filter(district=alvsjo).exists()
    ):
        return 0
    rng = np.random.default_rng(seed)
    now = timezone.now()
    organisations = {o.name: o for o in Organisation.objects.filter(city=city)}
    users = {u.username: u for u in User.objects.filter(username__in=_usernames())}
    places = {p.name: p for p in Place.objects.filter(district__city=city)}
    districts = {d.name: d for d in city.districts.all()}
    categories = {c.code: c for c in Category.objects.filter(city=city)}
    coordinator = users[COORDINATOR]

    meetings = {
        k: Meeting.objects.create(district=alvsjo, week=meeting_week(today, k))
        for k in range(MEETINGS)
    }
    measures = []
    for definition in MEASURES:
        meeting = meetings.get(definition["meeting"]) if definition["meeting"] is not None else None
        if meeting is not None:
            proposed = _meeting_time(meeting.week) - dt.timedelta(days=6)
        else:
            proposed = _at(day_of(today, definition["proposed"]), 14)
        proposed += dt.timedelta(minutes=int(rng.integers(0, 180)))
        measure = Measure(
            title=definition["title"],
            description=definition["description"],
            kind=definition["kind"],
            technique=definition["technique"],
            district=alvsjo,
            place=places[definition["place"]] if definition["place"] else None,
            responsible=organisations[definition["responsible"]],
            responsible_person=users[definition["person"]] if definition["person"] else None,
            start=day_of(today, definition["start"]),
            due=day_of(today, definition["due"]),
            cost_estimate=definition["cost"],
            expected_effect=definition["expected_effect"],
            indicator=definition["indicator"],
            comparison_district=(
                districts[definition["comparison"]] if definition["comparison"] else None
            ),
            origin=definition["origin"],
            origin_ref=str(meeting.pk) if meeting and definition["origin"] == "meeting" else "",
            meeting=meeting,
            created_at=proposed,
        )
        # Entered by the coordinator through the same checks as the measures page.
        measure._history_date = proposed  # type: ignore[attr-defined]
        services.measure_save(
            measure=measure,
            by=coordinator,
            categories=[categories[c] for c in definition["categories"]],
            partners=[organisations[p] for p in definition["partners"]],
        )
        _steps(measure, definition, meeting, users, today, now, rng)
        measure.reports.add(*_reports_answered(measure, definition, meeting))
        measures.append(measure)
    _close_meetings(meetings, measures, organisations, coordinator, now, rng)
    return len(measures)


def _usernames() -> set[str]:
    names = {COORDINATOR}
    for definition in MEASURES:
        if definition["person"]:
            names.add(definition["person"])
        names.update(step[2] for step in definition["steps"])
    return names


def _steps(
    measure: Measure,
    definition: dict[str, Any],
    meeting: Meeting | None,
    users: dict[str, User],
    today: dt.date,
    now: dt.datetime,
    rng: np.random.Generator,
) -> None:
    """Walk the measure through its life, each step dated and signed as it happened."""
    last = measure.created_at
    for status, day, username, reason in definition["steps"]:
        if day is None:
            assert meeting is not None, definition["key"]
            at = _meeting_time(meeting.week) + dt.timedelta(minutes=int(rng.integers(15, 80)))
        else:
            at = _at(day_of(today, day), 8) + dt.timedelta(minutes=int(rng.integers(0, 420)))
        assert workflow.allowed(measure.status, status), (definition["key"], status)
        assert last < at <= now, (definition["key"], status, at)
        measure.status = status
        measure.status_reason = reason
        if status in (workflow.Status.IN_PROGRESS, workflow.Status.DONE):
            measure.progress = definition["progress"]
        measure._history_user = users[username]  # type: ignore[attr-defined]
        measure._history_date = at  # type: ignore[attr-defined]
        measure.save()
        last = at


def _reports_answered(
    measure: Measure, definition: dict[str, Any], meeting: Meeting | None
) -> list[Report]:
    """The latest reports of its categories at its place that brought it to the meeting."""
    if measure.place is None or meeting is None:
        return []
    until = _meeting_time(meeting.week)
    return list(
        Report.objects.filter(
            places=measure.place,
            category__code__in=definition["categories"],
            created_at__lt=until,
            created_at__gte=until - dt.timedelta(weeks=LINKED_WEEKS),
        ).order_by("-created_at")[:LINKED_REPORTS]
    )


def _close_meetings(
    meetings: dict[int, Meeting],
    measures: list[Measure],
    organisations: dict[str, Organisation],
    coordinator: User,
    now: dt.datetime,
    rng: np.random.Generator,
) -> None:
    """Participants, focus places and minutes for each meeting; all but this week's closed."""
    weeks = sorted(meeting.week for meeting in meetings.values())
    district = meetings[0].district
    first = _meeting_time(weeks[0]) - dt.timedelta(weeks=1)
    reports = list(
        Report.objects.filter(district=district, created_at__gte=first).values_list(
            "pk", "created_at", "category__name"
        )
    )
    placed: dict[int, list[str]] = {}
    for report_id, name in Report.places.through.objects.filter(
        report__district=district, report__created_at__gte=first
    ).values_list("report_id", "place__name"):
        placed.setdefault(report_id, []).append(name)
    places = {p.name: p for p in Place.objects.filter(district=district)}
    history = {
        m.pk: list(m.history.order_by("history_date").values_list("history_date", "status"))
        for m in measures
    }
    for k, meeting in sorted(meetings.items(), reverse=True):
        held = _meeting_time(meeting.week)
        since = held - dt.timedelta(weeks=1)
        week_reports = [r for r in reports if since <= r[1] < held]
        by_category = Counter(name for _, _, name in week_reports)
        by_place = Counter(name for r in week_reports for name in placed.get(r[0], []))
        focus = [name for name, _ in by_place.most_common(2)] or ["Älvsjö centrum"]
        present = [n for n in REGULARS if n in organisations]
        draws = rng.random(len(OCCASIONAL))
        present += [
            n for (n, p), r in zip(OCCASIONAL, draws, strict=True) if r < p and n in organisations
        ]
        meeting.participants.set([organisations[n] for n in present])
        meeting.focus_places.set([places[n] for n in focus if n in places])
        if k == 0:
            continue  # this week's meeting is still to be held, or to be closed
        lines = [
            f"Närvarande: {', '.join(present)}.",
            f"Lägesbild: {len(week_reports)} nya rapporter i Älvsjö sedan förra mötet"
            + (
                ", flest om "
                + ", ".join(f"{name.lower()} ({n})" for name, n in by_category.most_common(3))
                + "."
                if by_category
                else "."
            ),
            f"Fokus kommande vecka: {' och '.join(focus)}.",
        ]
        for measure in measures:
            lines += _minuted(measure, history[measure.pk], meeting, since, held)
        if len(lines) == 3:
            lines.append("Inga nya beslut; pågående åtgärder går enligt plan.")
        meeting.minutes = "\n".join(lines)
        meeting.closed_at = held + dt.timedelta(minutes=90 + int(rng.integers(0, 20)))
        meeting.closed_by = coordinator
        assert meeting.closed_at <= now
        meeting.save(update_fields=["minutes", "closed_at", "closed_by"])


def _minuted(
    measure: Measure,
    history: list[tuple[dt.datetime, str]],
    meeting: Meeting,
    since: dt.datetime,
    held: dt.datetime,
) -> list[str]:
    """What the minutes say of a measure: decided here, or reported on since the last meeting."""
    lines = []
    for at, status in history:
        if measure.meeting_id == meeting.pk and status in (
            workflow.Status.DECIDED,
            workflow.Status.REJECTED,
        ):
            if status == workflow.Status.DECIDED and held <= at:
                lines.append(
                    f"Beslut: {measure.title}. Ansvarig: {measure.responsible.name}; "
                    f"start {measure.start:%Y-%m-%d}, klart senast {measure.due:%Y-%m-%d}."
                )
            elif status == workflow.Status.REJECTED and held <= at:
                lines.append(f"Avslag: {measure.title}. {measure.status_reason}")
        elif since < at <= held and status in (
            workflow.Status.IN_PROGRESS,
            workflow.Status.DONE,
            workflow.Status.FOLLOWED_UP,
            workflow.Status.POSTPONED,
        ):
            said = {
                workflow.Status.IN_PROGRESS: "har startat",
                workflow.Status.DONE: "är genomförd",
                workflow.Status.FOLLOWED_UP: "är uppföljd; effekten redovisas i utvärderingen",
                workflow.Status.POSTPONED: "skjuts upp",
            }[workflow.Status(status)]
            lines.append(f"Rapport: {measure.title} {said}.")
    return lines
