"""The Älvsjö demo's safety walks: Älvsjö centrum and the station after dark in November,
with the residents' and partners' findings, each owner's answers, and the repeat walk a
year later.

The first walk is on the second Thursday of last November (the calendar year before the
load day's); the repeat is on this November's, walked and published if that evening has
passed, else planned. Everything is entered through the walks' own services, by the demo
users of the organisations that took part, so the permission policy is exercised as in use.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from trygg.core.models import Organisation, User
from trygg.demo.measures import MEASURES
from trygg.geo.models import City, Place
from trygg.measures.models import Measure
from trygg.walks import services
from trygg.walks.models import Finding, Signup, Walk

ALVSJO = "Älvsjö"
COORDINATOR = "anna"
TITLE = "Trygghetsvandring Älvsjö centrum och stationen"
MEETING_POINT = "Vid fontänen på torget"
START_HOUR = 18

DISTRICT = "Älvsjö stadsdelsförvaltning"
POLICE = "Lokalpolisområde Söderort syd"
PROPERTY = "Fastighets AB Älvsjö Centrum (illustrativ)"
COOPERATIVE = "Brf Solbergahöjden (illustrativ)"
TRANSPORT = "SL"
TRAFFIC = "Trafikkontoret"
INVITED = (DISTRICT, POLICE, PROPERTY, COOPERATIVE, TRANSPORT, TRAFFIC)
# Who answers for each organisation, and who records for it on the walk.
ANSWERER = {
    DISTRICT: "anna",
    POLICE: "petra",
    PROPERTY: "rut",
    COOPERATIVE: "bo",
    TRANSPORT: "sara",
    TRAFFIC: "tove",
}

# The numbered stops, walked in this order; the route runs through them.
STOPS = (
    ("Torget vid fontänen", 18.0098, 59.2786),
    ("Gångvägen mot Solberga", 18.0082, 59.2794),
    ("Busshållplatserna", 18.0106, 59.2776),
    ("Pendeltågsentrén", 18.0117, 59.2768),
    ("Gångtunneln under spåren", 18.0124, 59.2761),
    ("Södra uppgången och cykelparkeringen", 18.0130, 59.2754),
)
# The stops whose lighting was mended between the walks.
LIT_STOPS = (4, 5)

RESIDENTS = (
    ("Karin", "karin.demo@example.org"),
    ("Ahmed", "ahmed.demo@example.org"),
    ("Lena", "lena.demo@example.org"),
    ("Johan", "johan.demo@example.org"),
    ("Fatima", "fatima.demo@example.org"),
)

# Each finding of the first walk: (stop, who noted it, factors, felt by, score, text,
# owner (None: as suggested), answer, answer text, days from the walk to the promised date).
# Those noted by the coordinator are the residents' words, written down as they spoke.
# fmt: off
FINDINGS: tuple[tuple[Any, ...], ...] = (
    (1, "anna", ["lighting"], ["women", "elderly"], 2,
     "Boende: torget är mörkt mellan fontänen och butikerna när affärerna har stängt.",
     PROPERTY, "will_do", "Skyltfönstren lyses upp till midnatt och två nya stolpar sätts upp.",
     90),
    (1, "petra", ["people"], ["women", "children"], 2,
     "Ungdomar samlas vid bänkarna på kvällarna; flera säger att de går en omväg.",
     None, "will_do", "Fotpatrull kvällstid vid torget, tillsammans med fastighetsägarens "
     "väktare.", 60),
    (1, "rut", ["maintenance"], [], 3,
     "Papperskorgarna vid torget är fulla på söndagkvällen.",
     None, "already_done", "Extra tömning på helgerna är redan beställd.", None),
    (1, "anna", ["people", "help"], ["elderly"], 3,
     "Boende: ingen att fråga om hjälp när vakten har gått för dagen.",
     DISTRICT, "wont_do", "Vi har ingen möjlighet att bemanna torget kvällstid; "
     "nattvandrarna och polisen finns på plats fredag och lördag.", None),
    (2, "bo", ["lighting", "vegetation"], ["women"], 1,
     "Gångvägen mot Solberga är helt mörk förbi föreningens gård; buskarna skymmer.",
     COOPERATIVE, "will_do", "Föreningen sätter upp belysning på gaveln och beskär häcken.",
     120),
    (2, "anna", ["vegetation", "sightlines"], ["women", "children"], 2,
     "Boende: höga buskar vid kröken, man ser inte vem som kommer.",
     TRAFFIC, "will_do", "Buskarna längs gångvägen beskärs i vårens röjning.", 150),
    (2, "tove", ["signage"], [], 3,
     "Skylten mot Solberga och bussen saknas sedan i somras.",
     None, "already_done", "Ny skylt sattes upp veckan efter vandringen.", None),
    (3, "sara", ["help"], ["elderly", "disabled"], 3,
     "Realtidsskylten vid hållplatsen är släckt; svårt att veta när bussen kommer.",
     None, "will_do", "Skylten byts ut.", 45),
    (3, "anna", ["lighting", "sightlines"], ["women"], 2,
     "Boende: väderskyddet är mörkt och reklamtavlan skymmer sikten mot torget.",
     TRANSPORT, "wont_do", "Reklamtavlan är avtalad till 2027; belysningen i skyddet ses "
     "över i stället.", None),
    (3, "petra", ["people"], [], 3,
     "Mopeder kör på trottoaren mellan hållplatserna.",
     None, "will_do", "Riktade kontroller under vintern.", 75),
    (4, "tove", ["lighting"], ["women", "elderly"], 1,
     "Tre armaturer trasiga vid entrén; det är mörkt hela vägen till trappan.",
     None, "will_do", "Armaturerna byts som en del av åtgärden med belysningen vid stationen.",
     30),
    (4, "anna", ["graffiti", "maintenance"], [], 2,
     "Boende: klotter på elskåpen och glasrutorna vid entrén, det ser övergivet ut.",
     PROPERTY, "will_do", "Klotter saneras inom ett dygn från och med årsskiftet.", 50),
    (4, "sara", ["help", "people"], ["women"], 2,
     "Spärrvakten går klockan 21; efter det finns ingen personal.",
     TRANSPORT, "wont_do", "Bemanningen styrs av avtalet med trafikföretaget och ändras inte "
     "nu; nödtelefonen vid spärren är testad.", None),
    (5, "anna", ["lighting", "escape"], ["women", "children", "elderly"], 1,
     "Boende: gångtunneln är det otryggaste stället, mörk och utan flyktväg.",
     TRAFFIC, "will_do", "Ny LED-belysning i hela tunneln och i trapporna.", 40),
    (5, "petra", ["people"], ["women"], 2,
     "Personer uppehåller sig i tunneln sent; anmälningar om rån i området i höstas.",
     None, "already_done", "Tunneln ingår redan i kvällspatrullens runda.", None),
    (5, "rut", ["graffiti"], [], 2,
     "Mycket klotter på tunnelns väggar.",
     TRAFFIC, "will_do", "Tunneln saneras och får klotterskyddande färg.", 60),
    (6, "sara", ["lighting"], ["women"], 2,
     "Cykelparkeringen vid södra uppgången har ingen egen belysning.",
     TRANSPORT, "will_do", "Belysning monteras på perrongtakets utsida.", 100),
    (6, "anna", ["maintenance"], ["elderly", "disabled"], 3,
     "Boende: trappan är hal och saltas sent på morgonen.",
     TRAFFIC, "already_done", "Trappan ingår nu i den första halkbekämpningsrundan.", None),
    (6, "bo", ["escape", "signage"], ["children"], 3,
     "Barnen hittar inte genvägen hem till Solberga från södra uppgången.",
     TRAFFIC, "wont_do", "En skylt där hjälper inte; vägvisningen ses över med SL vid "
     "ombyggnaden av uppgången.", None),
    (2, "anna", ["people"], ["women"], 2,
     "Boende: parkeringen bakom centrum är öde på kvällen.",
     PROPERTY, "will_do", "Väktarna går förbi parkeringen på sin kvällsrunda.", 30),
)

# The repeat walk: better where the light was mended, much as before elsewhere.
REPEAT_FINDINGS: tuple[tuple[Any, ...], ...] = (
    (1, "anna", ["people"], ["women"], 3,
     "Boende: torget känns lugnare, men fortfarande folktomt efter nio.",
     DISTRICT, "already_done", "Fältassistenterna finns på torget fredagskvällar.", None),
    (2, "bo", ["lighting"], ["women"], 3,
     "Gaveln är upplyst nu; buskarna vid kröken är fortfarande höga.",
     TRAFFIC, "will_do", "Kröken röjs i vår.", 150),
    (3, "sara", ["help"], [], 4,
     "Realtidsskylten fungerar.", TRANSPORT, "already_done", "Utbytt i våras.", None),
    (4, "tove", ["lighting"], ["women"], 4,
     "Entrén är väl upplyst; inget trasigt.", TRAFFIC, "already_done",
     "Belysningen ses över varje höst.", None),
    (5, "anna", ["lighting"], ["women", "elderly"], 4,
     "Boende: tunneln är ljus nu, många säger att de går igenom den igen.",
     TRAFFIC, "already_done", "Ny LED-belysning sedan förra vintern.", None),
    (5, "petra", ["people"], [], 4,
     "Inga personer som uppehåller sig i tunneln under vandringen.",
     POLICE, "already_done", "Patrullen fortsätter sin runda.", None),
    (6, "sara", ["lighting"], ["women"], 2,
     "Cykelparkeringen är fortfarande mörk; belysningen är försenad.",
     TRANSPORT, "will_do", "Monteras före jul.", 30),
)
# fmt: on

# Two of the first walk's findings became the demo's measures that came from a walk.
MEASURE_OF = {13: "lighting", 11: "graffiti"}


def walk_day(year: int) -> dt.date:
    """The second Thursday of November."""
    first = dt.date(year, 11, 1)
    return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 7)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@transaction.atomic
def walks_generate(*, city: City, today: dt.date) -> int:
    """Add the November walk and its repeat to the demo city; returns how many walks.

    Adds nothing when the walk is there already.
    """
    alvsjo = city.districts.filter(name=ALVSJO).first()
    if alvsjo is None or Walk.objects.filter(district=alvsjo, title__startswith=TITLE).exists():
        return 0
    organisations = {o.name: o for o in Organisation.objects.filter(city=city)}
    users = {u.username: u for u in User.objects.filter(username__in=set(ANSWERER.values()))}
    place = Place.objects.filter(district=alvsjo, name="Älvsjö centrum").first()
    now = timezone.now()

    first_day = walk_day(today.year - 1)
    first = _walk(alvsjo, place, first_day, organisations, users, previous=None)
    _signups(first, RESIDENTS)
    findings = _record(first, FINDINGS, organisations, users)
    _answer_and_publish(first, findings, FINDINGS, organisations, users, now)
    _link_measures(city, findings)

    repeat = _walk(alvsjo, place, walk_day(today.year), organisations, users, previous=first)
    _signups(repeat, RESIDENTS[:3])
    if repeat.starts_at + dt.timedelta(hours=2) <= now:
        found = _record(repeat, REPEAT_FINDINGS, organisations, users)
        _answer_and_publish(repeat, found, REPEAT_FINDINGS, organisations, users, now)
    return 2


def _walk(
    district: Any,
    place: Place | None,
    day: dt.date,
    organisations: dict[str, Organisation],
    users: dict[str, User],
    *,
    previous: Walk | None,
) -> Walk:
    starts = _at(day, START_HOUR)
    route = {"type": "LineString", "coordinates": [[lon, lat] for _name, lon, lat in STOPS]}
    walk = Walk(
        district=district,
        place=place,
        title=f"{TITLE}, {day:%Y}" if previous is None else f"{TITLE}, {day:%Y} (uppföljning)",
        starts_at=starts,
        after_dark=True,
        meeting_point=MEETING_POINT,
        route=route,
        public_places=12,
        introduction_at=starts - dt.timedelta(days=14),
        introduction_notes=(
            "Boende vid introduktionsmötet pekade ut gångtunneln, gångvägen mot Solberga och "
            "torget efter stängning."
            if previous is None
            else "Genomgång av förra årets protokoll och svaren från varje ansvarig."
        ),
        feedback_at=starts + dt.timedelta(weeks=3),
        previous=previous,
    )
    return services.walk_save(
        walk=walk,
        by=users[COORDINATOR],
        invited=[organisations[name] for name in INVITED if name in organisations],
        stops=STOPS,
    )


def _signups(walk: Walk, residents: tuple[tuple[str, str], ...]) -> None:
    # Stored as they were, without the confirmation mails the public page sends.
    Signup.objects.bulk_create(Signup(walk=walk, name=n, email=e) for n, e in residents)


def _record(
    walk: Walk,
    definitions: tuple[tuple[Any, ...], ...],
    organisations: dict[str, Organisation],
    users: dict[str, User],
) -> list[Finding]:
    """Note the findings as they were noted on the way, then assign those the coordinator moved."""
    stops = {s.number: s for s in walk.stops.all()}
    coordinator = users[COORDINATOR]
    findings = []
    for n, (number, username, factors, felt_by, score, text, owner, *_answer) in enumerate(
        definitions
    ):
        stop = stops[number]
        # A few metres apart around the stop, as thumbs on a phone place them.
        finding, _new = services.finding_record(
            walk=walk,
            by=users[username],
            key=f"demo-{walk.pk}-{n}",
            lon=stop.lon + 0.00012 * ((n % 3) - 1),
            lat=stop.lat + 0.00006 * ((n % 2) * 2 - 1),
            score=score,
            factors=factors,
            felt_by=felt_by,
            text=text,
            stop=stop,
            recorded_at=walk.starts_at + dt.timedelta(minutes=5 + 4 * n),
        )
        if owner is not None and finding.owner_id != organisations[owner].pk:
            services.finding_edit(
                finding=finding,
                by=coordinator,
                text=finding.text,
                score=finding.score,
                factors=finding.factors,
                owner=organisations[owner],
                stop=finding.stop,
            )
        findings.append(finding)
    services.walked(walk=walk, by=coordinator)
    return findings


def _answer_and_publish(
    walk: Walk,
    findings: list[Finding],
    definitions: tuple[tuple[Any, ...], ...],
    organisations: dict[str, Organisation],
    users: dict[str, User],
    now: dt.datetime,
) -> None:
    """Each owner answers before the feedback meeting, where the protocol is published."""
    answerer = {organisations[org].pk: users[name] for org, name in ANSWERER.items()}
    for n, (finding, definition) in enumerate(zip(findings, definitions, strict=True)):
        answer, text, days = definition[7], definition[8], definition[9]
        services.finding_answer(
            finding=finding,
            by=answerer[finding.owner_id],
            answer=answer,
            text=text,
            date=walk.starts_at.date() + dt.timedelta(days=days) if days is not None else None,
        )
        answered = min(walk.starts_at + dt.timedelta(days=4 + n % 12, hours=-8), now)
        Finding.objects.filter(pk=finding.pk).update(answered_at=answered)
    services.walk_publish(walk=walk, by=users[COORDINATOR])
    published = min(walk.feedback_at or now, now)
    Walk.objects.filter(pk=walk.pk).update(published_at=published)


def _link_measures(city: City, findings: list[Finding]) -> None:
    """The demo's measures that came from a walk came from these findings, and say so."""
    titles = {d["key"]: d["title"] for d in MEASURES}
    for index, key in MEASURE_OF.items():
        measure = Measure.objects.filter(city=city, title=titles[key]).first()
        if measure is None:
            continue
        finding = findings[index]
        # Rewritten in place: the measures' dated history stays as it was written.
        Measure.objects.filter(pk=measure.pk).update(
            origin="walk_finding", origin_ref=str(finding.pk)
        )
        Finding.objects.filter(pk=finding.pk).update(measure=measure)
