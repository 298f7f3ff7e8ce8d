"""Two years of synthetic reports for the Älvsjö demo, drawn from one seed number.

The data must look like a working EST area so that every page of the demo has
something to show: hotspots at Älvsjö centrum and the station in the evenings,
weekend littering and vandalism, lighting complaints in the dark months,
near-repeat burglaries, summer mopeds, a review queue, nil returns and one
organisation that went quiet. Everything is drawn from a numpy Generator made
from the seed and passed along explicitly, so the same seed and period give
the same reports (category, time, position) on any machine and database.

Public tokens are the one exception: a token lets whoever holds it reopen a
report, so it comes from `secrets`, never from a seed that is printed in the code.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from django.db import transaction
from django.utils import timezone
from numpy.typing import NDArray
from shapely.geometry import shape

from trygg.core.models import Organisation, User
from trygg.demo import geography
from trygg.demo.measures import MEASURES
from trygg.geo.locator import Locator
from trygg.geo.models import City, District, Locality, Place
from trygg.geo.projection import to_sweref, to_wgs84
from trygg.reports.catalogue import POLICE_TYPES
from trygg.reports.models import Category, NilReturn, Precision, Report, ReportEvent, Source
from trygg.reports.services import week_start
from trygg.reports.workflow import Status

# The demo shows the two years up to the day it is loaded: the situation picture opens on
# "this week", and a demo fixed in 2016–2017 would open on an empty map.
REPORT_PERIOD = dt.timedelta(days=730)

ALVSJO = "Älvsjö"
HAGERSTEN_LILJEHOLMEN = "Hägersten-Liljeholmen"

# ---------------------------------------------------------------------------------------------
# Who reports. Organisations without a demo user who may report (the housing cooperative's
# partner cannot, by the policy) still report, through a reporter the demo does not show.


@dataclass(frozen=True)
class Who:
    organisation: str | None  # None: a resident
    username: str | None = None


WHO = {
    "anna": Who("Älvsjö stadsdelsförvaltning", "anna"),
    "olle": Who("Hägersten-Liljeholmens stadsdelsförvaltning", "olle"),
    "petra": Who("Lokalpolisområde Söderort syd", "petra"),
    "rut": Who("Fastighets AB Älvsjö Centrum (illustrativ)", "rut"),
    "sara": Who("SL", "sara"),
    "brf": Who("Brf Solbergahöjden (illustrativ)"),
    "trafik": Who("Trafikkontoret"),
    "natt": Who("Nattvandrarna i Älvsjö (illustrativ)"),
    "securitas": Who("Securitas (illustrativ)"),
    "resident": Who(None),
}
# Who reviews a district's reports, and on which weekday (Monday = 0) they work the queue.
REVIEWERS = {ALVSJO: ("anna", 0), HAGERSTEN_LILJEHOLMEN: ("olle", 3)}
# The organisations that send nil returns, and the one that stops reporting for a month.
NIL_REPORTERS = ("anna", "olle", "petra", "rut", "sara")
SILENT = "sara"
SILENT_DAYS = 31

# ---------------------------------------------------------------------------------------------
# Rhythms: weights by hour of day (0–23), weekday (Monday first) and month (January first).


def _day(am: tuple[float, ...], pm: tuple[float, ...]) -> tuple[float, ...]:
    """An hour-of-day profile written as its twelve morning and twelve afternoon hours."""
    assert len(am) == len(pm) == 12
    return am + pm


EVENING_HOURS = _day(
    am=(2, 1, 0.6, 0.3, 0.2, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 1),
    pm=(1.2, 1.3, 1.5, 2, 2.5, 4, 10, 13, 14, 13, 10, 4),
)
DAY_HOURS = _day(
    am=(0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 1, 3, 5, 6, 6, 6),
    pm=(6, 6, 6, 5, 4, 3, 2, 1.5, 1, 0.6, 0.3, 0.2),
)
NIGHT_HOURS = _day(
    am=(8, 6, 4, 2, 1, 0.5, 0.3, 0.3, 0.3, 0.3, 0.3, 0.4),
    pm=(0.5, 0.5, 0.6, 0.8, 1, 1.5, 2, 3, 4, 6, 8, 9),
)
DARK_HOURS = _day(
    am=(0.2, 0.1, 0.1, 0.1, 0.3, 1, 4, 5, 2, 0.5, 0.3, 0.3),
    pm=(0.3, 0.3, 0.5, 2, 5, 6, 6, 5, 4, 3, 1.5, 0.5),
)
ALL_DAY_HOURS = _day(
    am=(0.5, 0.3, 0.2, 0.2, 0.2, 0.4, 1, 2, 3, 3.5, 4, 4),
    pm=(4, 4, 4, 4, 4, 4, 4, 3.5, 3, 2, 1.5, 1),
)

EVERY_DAY = (1.0,) * 7
WEEKENDS = (0.6, 0.6, 0.6, 0.7, 1.1, 2.2, 2.0)
EVENINGS_OUT = (0.8, 0.8, 0.9, 1.0, 1.3, 1.5, 0.9)
WORKDAYS = (1.3, 1.3, 1.3, 1.3, 1.1, 0.4, 0.3)

ALL_YEAR = (1.0,) * 12
DARK_MONTHS = (3, 2.4, 1, 0.3, 0.1, 0.05, 0.05, 0.1, 0.5, 2, 3, 3.5)
SUMMER = (0, 0, 0.1, 0.5, 1.5, 2.6, 3, 2.6, 0.9, 0.2, 0, 0)
OUTDOORS = (0.6, 0.6, 0.8, 1, 1.3, 1.5, 1.4, 1.3, 1.1, 0.9, 0.7, 0.6)
DUSK = (1.4, 1.2, 1, 0.8, 0.7, 0.6, 0.6, 0.7, 0.9, 1.2, 1.4, 1.5)

# ---------------------------------------------------------------------------------------------
# Where: places (their polygons), localities (their points) and Hägersten-Liljeholmen's spots.

CENTRE = (("Älvsjö centrum", 0.6), ("Älvsjö station", 0.4))
RESIDENTIAL = tuple(
    (name, 1.0) for name, *_ in geography.LOCALITIES if name not in ("Liseberg", "Örby slott")
) + (("Liseberg", 0.6), ("Örby slott", 0.4))
PARKS = (("Långbroparken", 0.6), ("Herrängens gård", 0.4))
HAGERSTEN = tuple((name, 1.0) for name, *_ in geography.HAGERSTEN_LILJEHOLMEN_SPOTS)

BURGLARY_STREETS = ("villagata", "radhusgata", "återvändsgränd", "gångväg mellan husen")

# ---------------------------------------------------------------------------------------------
# What: short, plainly invented descriptions without names of persons.

TEXTS = {
    "narkotika": (
        "Misstänkt langning vid busshållplatsen, samma personer som tidigare i veckan",
        "Stark lukt av cannabis vid entrén",
        "Överlämning av något litet mellan två personer, den ena cyklade iväg",
        "Kanyl och folieremsor hittade i buskaget",
        "Bil stannar kort, någon går fram till rutan, bilen åker igen",
        "Ungdomar som verkar sälja, en håller utkik mot gångtunneln",
        "Små plastpåsar hittade vid papperskorgen",
    ),
    "samlingar": (
        "Ungdomar samlas vid trappan, högljudda",
        "Grupp på 10–15 personer vid torget, förbipasserande väljer en annan väg",
        "Ungdomar samlas i gångtunneln och spelar hög musik",
        "Gäng vid busshållplatsen kastar saker efter bussen",
        "Samling vid entrén, några ropar efter förbipasserande",
        "Större grupp vid bänkarna efter stängning, krossat glas",
    ),
    "ordningsstorning": (
        "Högljudda personer vid torget sent på kvällen",
        "Bråk mellan två grupper, lugnade sig efter en stund",
        "Berusad person skriker åt förbipasserande",
        "Fyrverkerier avfyrade mot fasaden",
        "Hög musik från bil på parkeringen mitt i natten",
    ),
    "nedskrapning": (
        "Mycket skräp vid bänkarna efter helgen",
        "Överfulla papperskorgar, skräp blåser ut på gångvägen",
        "Pizzakartonger och flaskor kvar vid lekplatsen",
        "Nedskräpat vid busshållplatsen, glassplitter på marken",
        "Dumpade sopsäckar bakom återvinningsstationen",
        "Engångsgrillar och skräp lämnade på gräsmattan",
    ),
    "skadegorelse": (
        "Sönderslagen ruta i busskuren",
        "Papperskorg nedriven och slängd i buskaget",
        "Sparkad dörr vid entrén, låset trasigt",
        "Sönderslagna glasrutor i cykelgaraget",
        "Bänk uppriven och blomlådor välta",
        "Skyltar nedrivna vid gångvägen",
    ),
    "klotter": (
        "Klotter på elskåpet vid busshållplatsen",
        "Nytt klotter på väggen i gångtunneln",
        "Taggar på fasaden mot torget",
        "Klotter på bullerplanket längs spåret",
        "Klotter på lekstugan vid lekplatsen",
        "Klotter på glasväggarna vid entrén",
    ),
    "belysning": (
        "Trasig belysning i gångtunneln",
        "Flera lyktstolpar släckta längs gångvägen, helt mörkt",
        "Lampan vid busshållplatsen blinkar och slocknar",
        "Mörkt vid trappan, belysningen har varit trasig i en vecka",
        "Buskar skymmer belysningen vid gångstigen",
        "Ingen belysning på parkeringen, känns otryggt",
    ),
    "vardslos-korning": (
        "Mopeder kör i hög fart på gångvägen",
        "Två mopeder kör om varandra på cykelbanan, nära barn",
        "A-traktor kör i hög hastighet genom bostadsområdet",
        "Moped utan lyse kör i parken sent på kvällen",
        "Mopedåkare gör wheelies på parkeringen",
    ),
    "otrygg-plats": (
        "Känns otryggt att gå genom gångtunneln på kvällen",
        "Igenvuxna buskar längs gångvägen, svårt att se vem som kommer",
        "Ensligt och mörkt stråk mellan stationen och bostäderna",
        "Undviker parken när det har blivit mörkt",
        "Trappan saknar insyn, folk står och väntar där",
        "Mörkt i gångtunneln vid stationen, tar hellre en omväg hem",
    ),
    "inbrott": (
        "Inbrott i villa, altandörren uppbruten",
        "Försök till inbrott, brytmärken på ytterdörren",
        "Inbrott i källarförråd, flera förråd uppbrutna",
        "Okända personer gick runt och kände på dörrhandtag",
        "Fönster uppbrutet på baksidan, huset genomsökt",
        "Inbrott i garage, verktyg stulna",
    ),
    "stold": (
        "Cykel stulen från cykelparkeringen trots lås",
        "Ficktjuv i trängseln vid busshållplatsen",
        "Stöld ur bil, sidorutan krossad",
        "Snatteri i butiken, gärningspersonen sprang mot stationen",
        "Leveranspaket stulet från entrén",
    ),
    "vald": (
        "Slagsmål mellan flera personer vid torget",
        "Person knuffades omkull vid entrén",
        "Misshandel vid busshållplatsen, ambulans på plats",
        "Bråk som övergick i slagsmål utanför stationen",
    ),
    "hot": (
        "Personal hotades när de bad en grupp att lämna entrén",
        "Hotfull person följde efter förbipasserande",
        "Busschaufför hotad vid hållplatsen",
        "Väktare hotades vid torget",
    ),
    "ran": (
        "Ungdom rånad på mobiltelefon vid gångtunneln",
        "Rån mot person på väg hem från pendeltåget",
        "Försök till rån vid bankomaten",
    ),
    "brand": (
        "Brand i papperskorg",
        "Containerbrand vid återvinningsstationen",
        "Anlagd brand i soprum",
        "Brinnande moped på parkeringen",
    ),
    "trakasserier": (
        "Grupp ropade efter förbipasserande",
        "Unga tjejer förföljdes och kommenterades på väg till pendeltåget",
        "Trakasserier mot personal i butiken",
        "Personer filmade förbipasserande och skrek efter dem",
    ),
    "skadad-egendom": (
        "Trasigt staket vid lekplatsen",
        "Nedriven skylt vid gångvägen",
        "Sönderslagen parkbänk",
        "Trasig trappa, lösa stenar",
    ),
    "ovrigt": (
        "Övergiven cykel har stått länge vid stationen",
        "Kundvagnar kvarlämnade på gångvägen",
        "Lös hund i parken skällde på barn",
        "Vattenläcka vid gångtunneln, risk för is",
    ),
}

CLOSE_REASONS = {
    "klotter": ("Klottret sanerat.", "Sanerat av fastighetsägaren inom ett dygn."),
    "belysning": ("Belysningen lagad av trafikkontoret.", "Lampan bytt."),
    "nedskrapning": ("Städat och papperskorgar tömda.", "Extra tömning på helger införd."),
    "skadegorelse": ("Skadan lagad.", "Polisanmält och lagat."),
    "narkotika": ("Polisen har ökat närvaron kvällstid.", "Överlämnat till polisen."),
    "samlingar": ("Fältassistenter och nattvandrare har varit på plats.",),
}
GENERIC_CLOSE = (
    "Ingår i veckans lägesbild, ingen ytterligare åtgärd.",
    "Hanterat vid EST-mötet.",
    "Överlämnat till fastighetsägaren, som har åtgärdat.",
)
REJECT_REASONS = (
    "Gäller inte trygghetsarbetet; hänvisad till stadens felanmälan.",
    "För lite information för att kunna hanteras.",
    "Privat tvist, hanteras inte i EST.",
)

# (type in the police feed, summary). Where a summary names a place the import places the
# event there; the others the feed puts only in "Stockholm".
POLICE_EVENTS = (
    ("Narkotikabrott", "En person greps misstänkt för narkotikabrott vid Älvsjö centrum."),
    ("Narkotikabrott", "Två personer greps misstänkta för försäljning vid Älvsjö station."),
    ("Misshandel", "En person fördes till sjukhus efter ett bråk vid Älvsjö station."),
    ("Rån", "En ungdom rånades på sin mobiltelefon i Älvsjö centrum. Ingen gripen."),
    ("Skadegörelse", "Flera rutor krossade under natten i Solberga centrum."),
    ("Bråk", "Bråk mellan flera personer vid Liljeholmstorget, en omhändertogs."),
    ("Ordningslagen", "Polisen avvisade en grupp som störde ordningen i Älvsjö centrum."),
    ("Brand", "Brand i en papperskorg vid Herrängens gård, släckt av räddningstjänsten."),
    ("Inbrott", "Flera villainbrott i Söderort, polisen söker vittnen."),
    ("Trafikbrott", "Mopedister stoppade vid en kontroll i södra Stockholm."),
    ("Olaga hot", "En person hotades, gärningspersonen okänd."),
    ("Stöld", "Flera cykelstölder anmälda i Söderort under helgen."),
)

# ---------------------------------------------------------------------------------------------
# The streams: each a category, a rate per day and its rhythms, places and reporters.


@dataclass(frozen=True)
class Stream:
    code: str
    per_day: float
    spots: tuple[tuple[str, float], ...]
    who: tuple[tuple[str, float], ...]
    hours: tuple[float, ...] = ALL_DAY_HOURS
    weekdays: tuple[float, ...] = EVERY_DAY
    months: tuple[float, ...] = ALL_YEAR
    trend: tuple[float, float] = (1.0, 1.0)
    lasts: tuple[int, int] = (0, 0)  # minutes; (0, 0) for a moment in time


def _w(weight: float, spots: tuple[tuple[str, float], ...]) -> tuple[tuple[str, float], ...]:
    total = sum(w for _, w in spots)
    return tuple((name, weight * w / total) for name, w in spots)


STREAMS = (
    # The seed's hotspot: drug dealing at Älvsjö centrum and the station in the evenings. It
    # eases only where and when the demo's measures work (`_prevented`), so that the
    # evaluation finds their effect rather than a trend of the whole stream.
    Stream(
        "narkotika",
        0.7,
        CENTRE,
        (("petra", 0.45), ("resident", 0.25), ("rut", 0.1), ("natt", 0.1), ("securitas", 0.1)),
        EVENING_HOURS,
        EVENINGS_OUT,
    ),
    Stream(
        "narkotika",
        0.12,
        _w(0.7, RESIDENTIAL) + _w(0.3, PARKS),
        (("petra", 0.5), ("resident", 0.4), ("anna", 0.1)),
    ),
    Stream(
        "samlingar",
        0.6,
        CENTRE + (("Solberga centrum", 0.2),),
        (("petra", 0.2), ("sara", 0.25), ("natt", 0.15), ("resident", 0.25), ("securitas", 0.15)),
        EVENING_HOURS,
        EVENINGS_OUT,
        lasts=(20, 120),
    ),
    Stream(
        "ordningsstorning",
        0.25,
        _w(0.7, CENTRE) + _w(0.3, RESIDENTIAL),
        (("petra", 0.4), ("resident", 0.5), ("securitas", 0.1)),
        NIGHT_HOURS,
        WEEKENDS,
        lasts=(10, 60),
    ),
    Stream(
        "nedskrapning",
        0.5,
        _w(0.35, (("Älvsjö centrum", 1.0),))
        + _w(0.35, PARKS + (("Solberga centrum", 0.4),))
        + _w(0.3, RESIDENTIAL),
        (("rut", 0.25), ("anna", 0.3), ("resident", 0.35), ("brf", 0.1)),
        DAY_HOURS,
        WEEKENDS,
        OUTDOORS,
    ),
    Stream(
        "skadegorelse",
        0.32,
        _w(0.6, CENTRE) + _w(0.25, RESIDENTIAL) + _w(0.15, PARKS),
        (("sara", 0.25), ("rut", 0.2), ("trafik", 0.15), ("resident", 0.3), ("brf", 0.1)),
        NIGHT_HOURS,
        WEEKENDS,
    ),
    Stream(
        "klotter",
        0.36,
        _w(0.6, (("Älvsjö station", 0.6), ("Älvsjö centrum", 0.4)))
        + _w(0.2, RESIDENTIAL)
        + _w(0.2, PARKS),
        (("sara", 0.3), ("rut", 0.2), ("trafik", 0.2), ("anna", 0.1), ("resident", 0.2)),
        NIGHT_HOURS,
        WEEKENDS,
    ),
    Stream(
        "belysning",
        0.28,
        _w(0.3, PARKS) + _w(0.2, (("Älvsjö station", 1.0),)) + _w(0.5, RESIDENTIAL),
        (("trafik", 0.35), ("resident", 0.45), ("anna", 0.2)),
        DARK_HOURS,
        WORKDAYS,
        DARK_MONTHS,
    ),
    Stream(
        "vardslos-korning",
        0.25,
        _w(0.5, RESIDENTIAL) + _w(0.3, PARKS) + _w(0.2, (("Solberga centrum", 1.0),)),
        (("petra", 0.3), ("resident", 0.55), ("trafik", 0.15)),
        EVENING_HOURS,
        EVENINGS_OUT,
        SUMMER,
    ),
    Stream(
        "otrygg-plats",
        0.18,
        _w(0.45, PARKS) + _w(0.25, (("Älvsjö station", 1.0),)) + _w(0.3, RESIDENTIAL),
        (("resident", 0.7), ("anna", 0.3)),
        DARK_HOURS,
        months=DUSK,
    ),
    # The dark underpass at the station, which the lighting measure answers.
    Stream(
        "otrygg-plats",
        0.12,
        (("Älvsjö station", 1.0),),
        (("resident", 0.75), ("sara", 0.25)),
        DARK_HOURS,
        months=DUSK,
    ),
    Stream(
        "inbrott",
        0.04,
        RESIDENTIAL,
        (("resident", 0.6), ("petra", 0.4)),
        DAY_HOURS,
    ),
    Stream(
        "stold",
        0.14,
        _w(0.6, CENTRE) + _w(0.4, RESIDENTIAL),
        (("petra", 0.4), ("resident", 0.4), ("securitas", 0.2)),
        DAY_HOURS,
    ),
    Stream(
        "vald",
        0.05,
        CENTRE,
        (("petra", 0.8), ("resident", 0.2)),
        NIGHT_HOURS,
        WEEKENDS,
    ),
    Stream(
        "hot",
        0.04,
        CENTRE,
        (("petra", 0.6), ("resident", 0.2), ("securitas", 0.2)),
        EVENING_HOURS,
    ),
    Stream("ran", 0.015, CENTRE, (("petra", 0.8), ("resident", 0.2)), EVENING_HOURS),
    Stream(
        "brand",
        0.03,
        _w(0.5, RESIDENTIAL) + _w(0.3, PARKS) + _w(0.2, (("Älvsjö centrum", 1.0),)),
        (("petra", 0.3), ("resident", 0.5), ("brf", 0.2)),
        NIGHT_HOURS,
        WEEKENDS,
    ),
    Stream(
        "trakasserier",
        0.04,
        CENTRE,
        (("resident", 0.7), ("natt", 0.3)),
        EVENING_HOURS,
    ),
    Stream(
        "skadad-egendom",
        0.1,
        _w(0.4, PARKS) + _w(0.4, RESIDENTIAL) + _w(0.2, (("Älvsjö station", 1.0),)),
        (("trafik", 0.5), ("anna", 0.3), ("resident", 0.2)),
        DAY_HOURS,
        WORKDAYS,
    ),
    Stream(
        "ovrigt",
        0.06,
        _w(0.5, CENTRE) + _w(0.5, RESIDENTIAL),
        (("anna", 0.3), ("resident", 0.7)),
        DAY_HOURS,
    ),
    # Hägersten-Liljeholmen: the neighbour, sparser.
    *(
        Stream(
            code,
            rate,
            (("Liljeholmstorget", 1.0),),
            (("olle", 0.3), ("petra", 0.3), ("sara", 0.15), ("resident", 0.25)),
            hours,
            weekdays,
        )
        for code, rate, hours, weekdays in (
            ("samlingar", 0.12, EVENING_HOURS, EVENINGS_OUT),
            ("nedskrapning", 0.1, DAY_HOURS, WEEKENDS),
            ("klotter", 0.08, NIGHT_HOURS, WEEKENDS),
            ("narkotika", 0.25, EVENING_HOURS, EVENINGS_OUT),
        )
    ),
    Stream(
        "otrygg-plats",
        0.08,
        HAGERSTEN,
        (("olle", 0.3), ("resident", 0.7)),
        DARK_HOURS,
        months=DUSK,
    ),
    Stream("nedskrapning", 0.06, HAGERSTEN, (("olle", 0.4), ("resident", 0.6)), DAY_HOURS),
    Stream(
        "belysning",
        0.08,
        HAGERSTEN,
        (("trafik", 0.4), ("resident", 0.6)),
        DARK_HOURS,
        WORKDAYS,
        DARK_MONTHS,
    ),
    Stream(
        "skadegorelse",
        0.05,
        HAGERSTEN,
        (("olle", 0.3), ("resident", 0.7)),
        NIGHT_HOURS,
        WEEKENDS,
    ),
    Stream(
        "vardslos-korning",
        0.05,
        HAGERSTEN,
        (("petra", 0.4), ("resident", 0.6)),
        EVENING_HOURS,
        months=SUMMER,
    ),
)

# Near-repeat burglaries: clusters a month, houses per cluster, how far the street lies from
# the neighbourhood's point and the houses from the street's (m), mean days between them.
BURGLARY_CLUSTERS_PER_MONTH = 1.1
BURGLARY_HOUSES = (3, 6)
BURGLARY_STREET_M = 250.0
BURGLARY_SPREAD_M = 70.0
BURGLARY_DAYS_APART = 2.0
# Categories that the same scene often brings in twice, and how often.
DUPLICATED = frozenset({"narkotika", "samlingar", "klotter", "skadegorelse", "nedskrapning"})
DUPLICATE_SHARE = 0.03
RESIDENT_EMAIL_SHARE = 0.2
# Reviews that slip past the weekly round: they are what makes a report overdue.
SLIP_SHARE = 0.12


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spot:
    name: str
    district_id: int
    x: float
    y: float
    sigma: float  # metres


@dataclass
class Draft:
    code: str
    who: str
    occurred_from: dt.datetime
    x: float
    y: float
    district_id: int | None
    address: str
    description: str
    occurred_to: dt.datetime | None = None
    source: str = Source.REPORTER
    source_id: str = ""
    precision: str = Precision.POINT
    created_at: dt.datetime | None = None
    duplicate_of: Draft | None = None
    place_ids: tuple[int, ...] | None = None  # None: the places that hold the point


@dataclass
class Context:
    city: City
    locator: Locator
    spots: dict[str, Spot]
    district_names: dict[int, str]
    days: list[dt.date]
    until: dt.datetime


def _p(weights: Sequence[float]) -> NDArray[np.float64]:
    array = np.asarray(weights, dtype=float)
    return array / array.sum()


def _spots(city: City, locator: Locator) -> dict[str, Spot]:
    """Places scatter by their own size; neighbourhoods, which are points, by a few hundred m."""
    spots: dict[str, Spot] = {}
    for place in Place.objects.filter(district__city=city):
        geometry = shape(place.geometry_sweref)
        centre = geometry.centroid
        spots[place.name] = Spot(
            place.name,
            place.district_id,
            centre.x,
            centre.y,
            0.65 * float(np.sqrt(geometry.area / np.pi)),
        )
    points = [(lo.name, lo.lon, lo.lat) for lo in Locality.objects.filter(city=city)]
    points += geography.HAGERSTEN_LILJEHOLMEN_SPOTS
    for name, lon, lat in points:
        x, y = to_sweref(np.array([lon]), np.array([lat]))
        district_id = int(locator.districts_of(x, y)[0])
        if district_id:
            spots[name] = Spot(name, district_id, float(x[0]), float(y[0]), 350.0)
    return spots


def _scatter(
    rng: np.random.Generator,
    locator: Locator,
    cx: NDArray[np.float64],
    cy: NDArray[np.float64],
    sigma: NDArray[np.float64],
    district_ids: NDArray[np.int64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Normal scatter around each centre, redrawn until every point lies in its own district."""
    x = cx + rng.normal(0.0, 1.0, len(cx)) * sigma
    y = cy + rng.normal(0.0, 1.0, len(cy)) * sigma
    for _ in range(100):
        bad = np.flatnonzero(locator.districts_of(x, y) != district_ids)
        if not len(bad):
            return x, y
        x[bad] = cx[bad] + rng.normal(0.0, 1.0, len(bad)) * sigma[bad]
        y[bad] = cy[bad] + rng.normal(0.0, 1.0, len(bad)) * sigma[bad]
    bad = locator.districts_of(x, y) != district_ids
    x[bad], y[bad] = cx[bad], cy[bad]
    return x, y


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _pick(options: Sequence[str], index: int) -> str:
    return options[index % len(options)]


def _stream(rng: np.random.Generator, stream: Stream, ctx: Context) -> list[Draft]:
    days = ctx.days
    weekday = np.array([d.weekday() for d in days])
    month = np.array([d.month - 1 for d in days])
    rate = (
        stream.per_day
        * np.asarray(stream.weekdays)[weekday]
        * np.asarray(stream.months)[month]
        * np.linspace(*stream.trend, len(days))
    )
    day_index = np.repeat(np.arange(len(days)), rng.poisson(rate))
    n = len(day_index)
    hours = rng.choice(24, size=n, p=_p(stream.hours))
    minutes = rng.integers(0, 60, size=n)
    spot_names = [name for name, _ in stream.spots]
    spots = [
        ctx.spots[spot_names[i]]
        for i in rng.choice(len(spot_names), n, p=_p([w for _, w in stream.spots]))
    ]
    who = rng.choice(len(stream.who), size=n, p=_p([w for _, w in stream.who]))
    texts = rng.integers(0, 1 << 30, size=n)
    lasts = rng.integers(stream.lasts[0], stream.lasts[1] + 1, size=n)
    x, y = _scatter(
        rng,
        ctx.locator,
        np.array([s.x for s in spots]),
        np.array([s.y for s in spots]),
        np.array([s.sigma for s in spots]),
        np.array([s.district_id for s in spots], dtype=np.int64),
    )
    drafts = []
    for i in range(n):
        start = _at(days[day_index[i]], int(hours[i]), int(minutes[i]))
        drafts.append(
            Draft(
                code=stream.code,
                who=stream.who[who[i]][0],
                occurred_from=start,
                occurred_to=start + dt.timedelta(minutes=int(lasts[i])) if lasts[i] else None,
                x=float(x[i]),
                y=float(y[i]),
                district_id=spots[i].district_id,
                address=spots[i].name,
                description=_pick(TEXTS[stream.code], int(texts[i])),
            )
        )
    return drafts


def _burglaries(rng: np.random.Generator, ctx: Context) -> list[Draft]:
    """Near repeats: after one burglary the houses on the same street run a higher risk."""
    areas = [(name, w) for name, w in RESIDENTIAL + _w(0.25, HAGERSTEN) if name in ctx.spots]
    if not areas:
        return []
    clusters = rng.poisson(BURGLARY_CLUSTERS_PER_MONTH * len(ctx.days) / 30.4)
    drafts = []
    for _ in range(clusters):
        spot = ctx.spots[areas[rng.choice(len(areas), p=_p([w for _, w in areas]))][0]]
        first = int(rng.integers(0, len(ctx.days)))
        size = int(rng.integers(BURGLARY_HOUSES[0], BURGLARY_HOUSES[1] + 1))
        street = f"{spot.name}, {_pick(BURGLARY_STREETS, int(rng.integers(0, 1 << 30)))}"
        centre_x, centre_y = _scatter(
            rng,
            ctx.locator,
            np.array([spot.x]),
            np.array([spot.y]),
            np.array([BURGLARY_STREET_M]),
            np.array([spot.district_id], dtype=np.int64),
        )
        x, y = _scatter(
            rng,
            ctx.locator,
            np.repeat(centre_x, size),
            np.repeat(centre_y, size),
            np.full(size, BURGLARY_SPREAD_M),
            np.full(size, spot.district_id, dtype=np.int64),
        )
        gaps = rng.exponential(BURGLARY_DAYS_APART, size - 1)
        offsets = np.concatenate([[0], np.cumsum(gaps)]).astype(int)
        hours = rng.choice(24, size=size, p=_p(DAY_HOURS))
        minutes = rng.integers(0, 60, size=size)
        who = rng.random(size)
        texts = rng.integers(0, 1 << 30, size=size)
        for i in range(size):
            day = first + int(offsets[i])
            if day >= len(ctx.days):
                break
            reporter = "resident" if who[i] < 0.6 else "petra"
            if spot.name == "Solberga" and who[i] > 0.9:
                reporter = "brf"
            drafts.append(
                Draft(
                    code="inbrott",
                    who=reporter,
                    occurred_from=_at(ctx.days[day], int(hours[i]), int(minutes[i])),
                    x=float(x[i]),
                    y=float(y[i]),
                    district_id=spot.district_id,
                    address=street,
                    description=_pick(TEXTS["inbrott"], int(texts[i])),
                    # A street, not a house: the point must not lead anyone to a home.
                    precision=Precision.STREET,
                )
            )
    return drafts


def _police_feed(rng: np.random.Generator, ctx: Context) -> list[Draft]:
    """Events as the public feed gives them, placed as `reports.imports` places them: at a
    place its summary names, else at the feed's point for "Stockholm" with no district."""
    x0, y0 = to_sweref(
        np.array([geography.POLICE_FEED_STOCKHOLM[0]]),
        np.array([geography.POLICE_FEED_STOCKHOLM[1]]),
    )
    days = rng.integers(0, len(ctx.days), size=len(POLICE_EVENTS))
    hours = rng.choice(24, size=len(POLICE_EVENTS), p=_p(EVENING_HOURS))
    minutes = rng.integers(0, 60, size=len(POLICE_EVENTS))
    drafts = []
    for i, (kind, summary) in enumerate(POLICE_EVENTS):
        named = ctx.locator.named_in(summary)
        draft = Draft(
            code=POLICE_TYPES[kind],
            who="petra",
            occurred_from=_at(ctx.days[days[i]], int(hours[i]), int(minutes[i])),
            x=float(x0[0]),
            y=float(y0[0]),
            district_id=None,
            address="",
            description=summary,
            source=Source.POLICE_FEED,
            source_id=f"demo-{101 + i}",
            precision=Precision.MUNICIPALITY,
            place_ids=(),
        )
        if named is not None and named.kind == "place":
            x, y = to_sweref(np.array([named.lon]), np.array([named.lat]))
            draft.x, draft.y, draft.district_id = float(x[0]), float(y[0]), named.district_id
            draft.precision, draft.place_ids = Precision.PLACE, (named.pk,)
        drafts.append(draft)
    return drafts


def _prevented(rng: np.random.Generator, ctx: Context, drafts: list[Draft]) -> list[Draft]:
    """Leave out the reports that the demo's measures prevented.

    From a measure's start (`demo.measures.MEASURES`, in days before the last day), its
    effect removes a share of the reports of its categories at its place, in its hours and
    on its weekdays, and another share in the ring around the place. The place is the
    Locator's, which links the reports to places, so that the evaluation, counting the
    reports linked to the measure's place, finds what was removed; the comparison
    district is left as it is.
    """
    draws = rng.random(len(drafts))
    if not drafts:
        return drafts
    places = dict(Place.objects.filter(district__city=ctx.city).values_list("name", "pk"))
    shapes = dict(zip(ctx.locator.place_ids.tolist(), ctx.locator.place_shapes, strict=True))
    points = shapely.points(np.array([d.x for d in drafts]), np.array([d.y for d in drafts]))
    codes = np.array([d.code for d in drafts])
    local = [timezone.localtime(d.occurred_from) for d in drafts]
    hours = np.array([t.hour for t in local])
    weekdays = np.array([t.weekday() for t in local])
    survival = np.ones(len(drafts))
    for measure in MEASURES:
        effect = measure.get("effect")
        if not effect or measure["place"] not in places:
            continue
        geometry = shapes[places[measure["place"]]]
        start = _at(ctx.days[-1] + dt.timedelta(days=measure["start"]), 0, 0)
        hit = np.isin(codes, measure["categories"]) & np.array([t >= start for t in local])
        if "hours" in effect:
            hit &= (hours >= effect["hours"][0]) & (hours < effect["hours"][1])
        if "weekdays" in effect:
            hit &= np.isin(weekdays, effect["weekdays"])
        inside = shapely.contains(geometry, points)
        survival[hit & inside] *= 1 - effect["reduction"]
        if "buffer" in effect:
            metres, share = effect["buffer"]
            ring = ~inside & (shapely.distance(geometry, points) <= metres)
            survival[hit & ring] *= 1 - share
    return [d for d, draw, alive in zip(drafts, draws, survival, strict=True) if draw < alive]


def _duplicates(rng: np.random.Generator, ctx: Context, drafts: list[Draft]) -> list[Draft]:
    """The same scene seen by a second person, minutes later and a few metres away."""
    candidates = [d for d in drafts if d.code in DUPLICATED and d.precision == Precision.POINT]
    draws = rng.random(len(candidates))
    chosen = [d for d, r in zip(candidates, draws, strict=True) if r < DUPLICATE_SHARE]
    if not chosen:
        return []
    x, y = _scatter(
        rng,
        ctx.locator,
        np.array([d.x for d in chosen]),
        np.array([d.y for d in chosen]),
        np.full(len(chosen), 25.0),
        np.array([d.district_id or 0 for d in chosen], dtype=np.int64),
    )
    later = rng.integers(5, 150, size=len(chosen))
    texts = rng.integers(0, 1 << 30, size=len(chosen))
    copies = []
    for i, original in enumerate(chosen):
        copies.append(
            Draft(
                code=original.code,
                who="resident" if original.who != "resident" else "petra",
                occurred_from=original.occurred_from + dt.timedelta(minutes=int(later[i])),
                x=float(x[i]),
                y=float(y[i]),
                district_id=original.district_id,
                address=original.address,
                description=_pick(TEXTS[original.code], int(texts[i])),
                duplicate_of=original,
            )
        )
    return copies


def _arrive(rng: np.random.Generator, drafts: list[Draft], until: dt.datetime) -> None:
    """Residents write within hours; trained reporters often at the end of a shift or next day."""
    mean_hours = {Source.RESIDENT: 3.0, Source.REPORTER: 20.0, Source.POLICE_FEED: 1.0}
    delays = rng.exponential(1.0, size=len(drafts))
    for draft, delay in zip(drafts, delays, strict=True):
        hours = 10 / 60 + delay * mean_hours.get(draft.source, 6.0)
        draft.created_at = min(draft.occurred_from + dt.timedelta(hours=hours), until)
        if draft.occurred_to is not None:
            draft.occurred_to = min(draft.occurred_to, until)
    for draft in drafts:
        if draft.duplicate_of is not None:
            assert draft.created_at and draft.duplicate_of.created_at
            earliest = draft.duplicate_of.created_at + dt.timedelta(minutes=10)
            draft.created_at = min(max(draft.created_at, earliest), until)


@dataclass(frozen=True)
class Step:
    at: dt.datetime
    from_status: str
    to_status: str
    reason: str = ""


def _review_day(created: dt.datetime, weekday: int, minutes: int) -> dt.datetime:
    """The coordinator works the queue once a week; a report needs a few hours to be seen."""
    seen = created + dt.timedelta(hours=6)
    local = timezone.localtime(seen).date()
    at = _at(local + dt.timedelta(days=(weekday - local.weekday()) % 7), 8, 0)
    at += dt.timedelta(minutes=minutes)
    return at if at >= seen else at + dt.timedelta(days=7)


def _histories(rng: np.random.Generator, drafts: list[Draft], ctx: Context) -> list[list[Step]]:
    """Old reports are mostly done or closed, the last week's mostly still received.

    Some reviews slip a week or more, which leaves a handful overdue.
    """
    n = len(drafts)
    target, branch, slip = rng.random(n), rng.random(n), rng.random(n)
    slip_weeks = rng.choice([1, 2, 3], size=n, p=[0.6, 0.3, 0.1])
    minutes = rng.integers(0, 180, size=n)
    later, last = rng.exponential(9.0, size=n), rng.exponential(14.0, size=n)
    reasons = rng.integers(0, 1 << 30, size=n)
    R, A, MP, D, C = (
        Status.RECEIVED,
        Status.ACCEPTED,
        Status.MEASURE_PLANNED,
        Status.DONE,
        Status.CLOSED,
    )
    histories = []
    for i, draft in enumerate(drafts):
        assert draft.created_at is not None
        district = ctx.district_names.get(draft.district_id or 0, ALVSJO)
        weekday = REVIEWERS.get(district, REVIEWERS[ALVSJO])[1]
        t1 = _review_day(draft.created_at, weekday, int(minutes[i]))
        if slip[i] < SLIP_SHARE:
            t1 += dt.timedelta(days=7 * int(slip_weeks[i]))
        t2 = t1 + dt.timedelta(hours=1, days=float(later[i]))
        t3 = t2 + dt.timedelta(hours=1, days=float(last[i]))
        close = _pick(CLOSE_REASONS.get(draft.code, GENERIC_CLOSE), int(reasons[i]))
        if draft.source == Source.POLICE_FEED:
            steps = []
        elif draft.duplicate_of is not None:
            steps = [Step(t1, R, Status.DUPLICATE)]
        elif target[i] < 0.04:
            steps = [Step(t1, R, Status.REJECTED, _pick(REJECT_REASONS, int(reasons[i])))]
        elif target[i] < 0.12:
            steps = [Step(t1, R, A)]
        elif target[i] < 0.18:
            steps = [Step(t1, R, A), Step(t2, A, MP)]
        elif target[i] < 0.48 and branch[i] < 0.3:
            steps = [Step(t1, R, A), Step(t2, A, MP), Step(t3, MP, D)]
        elif target[i] < 0.48:
            steps = [Step(t1, R, A), Step(t2, A, D)]
        elif branch[i] < 0.35:
            steps = [Step(t1, R, A), Step(t2, A, D), Step(t3, D, C, close)]
        else:
            steps = [Step(t1, R, A), Step(t2, A, C, close)]
        histories.append([step for step in steps if step.at <= ctx.until])
    return histories


def _silence(rng: np.random.Generator, days: list[dt.date]) -> tuple[dt.date, dt.date] | None:
    """A month in the second year in which one partner neither reports nor sends nil returns."""
    low, high = len(days) // 2, len(days) - SILENT_DAYS - 14
    if high <= low:
        return None
    first = days[int(rng.integers(low, high))]
    return first, first + dt.timedelta(days=SILENT_DAYS)


def _nil_returns(
    rng: np.random.Generator,
    drafts: list[Draft],
    ctx: Context,
    silence: tuple[dt.date, dt.date] | None,
    organisations: dict[str, Organisation],
    users: dict[str, User],
) -> list[NilReturn]:
    """Most weeks without a report get a nil return on Friday; some are simply forgotten."""
    reported = {
        (d.who, d.district_id, week_start(timezone.localdate(d.created_at)))
        for d in drafts
        if d.created_at is not None
    }
    weeks = []
    monday = week_start(ctx.days[0])
    monday += dt.timedelta(days=7) if monday < ctx.days[0] else dt.timedelta()
    while _at(monday + dt.timedelta(days=4), 16, 0) <= ctx.until:
        weeks.append(monday)
        monday += dt.timedelta(days=7)
    demo_districts = set(ctx.district_names)
    nils = []
    for key in NIL_REPORTERS:
        who = WHO[key]
        organisation = organisations.get(who.organisation or "")
        user = users.get(who.username or "")
        if organisation is None or user is None:
            continue
        district_ids = sorted(
            pk for pk in organisation.districts.values_list("pk", flat=True) if pk in demo_districts
        )
        for district_id in district_ids:
            draws = rng.random(len(weeks))
            minutes = rng.integers(0, 120, size=len(weeks))
            for week, draw, minute in zip(weeks, draws, minutes, strict=True):
                silent = (
                    key == SILENT
                    and silence is not None
                    and week + dt.timedelta(days=7) > silence[0]
                    and week < silence[1]
                )
                if silent or (key, district_id, week) in reported or draw > 0.85:
                    continue
                nils.append(
                    NilReturn(
                        organisation=organisation,
                        district_id=district_id,
                        week=week,
                        by=user,
                        created_at=_at(week + dt.timedelta(days=4), 14, 0)
                        + dt.timedelta(minutes=int(minute)),
                    )
                )
    return nils


def _drafts(
    rng: np.random.Generator, ctx: Context, codes: set[str]
) -> tuple[list[Draft], tuple[dt.date, dt.date] | None]:
    """Every report to be, in the order it arrived, and the partner's silent month."""
    # Like a feed import, events that are already there are not taken twice.
    imported = set(
        Report.objects.filter(city=ctx.city, source=Source.POLICE_FEED).values_list(
            "source_id", flat=True
        )
    )
    drafts: list[Draft] = []
    for stream in STREAMS:
        if all(name in ctx.spots for name, _ in stream.spots):
            drafts += _stream(rng, stream, ctx)
    drafts += _burglaries(rng, ctx)
    drafts = _prevented(rng, ctx, drafts)
    drafts += _duplicates(rng, ctx, drafts)
    drafts += _police_feed(rng, ctx)
    for draft in drafts:
        if draft.who == "resident":
            draft.source = Source.RESIDENT
    silence = _silence(rng, ctx.days)
    _arrive(rng, drafts, ctx.until)
    drafts = [
        d
        for d in drafts
        if d.code in codes
        and d.occurred_from <= ctx.until
        and not (d.source == Source.POLICE_FEED and d.source_id in imported)
        and not (
            d.who == SILENT
            and silence is not None
            and silence[0] <= timezone.localdate(d.created_at) < silence[1]
        )
    ]
    kept = {id(d) for d in drafts}
    for draft in drafts:
        if draft.duplicate_of is not None and id(draft.duplicate_of) not in kept:
            draft.duplicate_of = None
    drafts.sort(key=lambda d: (d.created_at, d.occurred_from, d.x, d.y))
    return drafts, silence


@transaction.atomic
def reports_generate(*, city: City, seed: int = 2017, start: dt.date, end: dt.date) -> int:
    """Add synthetic reports for `start`–`end` (inclusive) to the demo city; returns how many.

    The loader asks for the two years up to the day the demo is loaded (REPORT_PERIOD): the
    situation picture opens on "this week", so a demo frozen in 2016–2017, the years of the
    seed document, would open on an empty map. Nothing lies after the moment of the call.
    """
    if end < start:
        return 0
    rng = np.random.default_rng(seed)
    until = min(timezone.now(), _at(end + dt.timedelta(days=1), 0, 0) - dt.timedelta(seconds=1))
    locator = Locator(city)
    districts = {
        d.pk: d.name
        for d in District.objects.filter(city=city, name__in=[ALVSJO, HAGERSTEN_LILJEHOLMEN])
    }
    ctx = Context(
        city=city,
        locator=locator,
        spots=_spots(city, locator),
        district_names=districts,
        days=[start + dt.timedelta(days=i) for i in range((end - start).days + 1)],
        until=until,
    )
    categories = {c.code: c for c in Category.objects.filter(city=city)}
    drafts, silence = _drafts(rng, ctx, set(categories))
    histories = _histories(rng, drafts, ctx)
    emails = rng.random(len(drafts))
    mailbox = rng.integers(1, 10_000, size=len(drafts))

    organisations = {o.name: o for o in Organisation.objects.filter(city=city)}
    usernames = [w.username for w in WHO.values() if w.username]
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    x = np.array([d.x for d in drafts])
    y = np.array([d.y for d in drafts])
    lon, lat = to_wgs84(x, y)
    places = locator.places_of(x, y)
    reports = []
    for i, draft in enumerate(drafts):
        assert draft.created_at is not None
        who = WHO[draft.who]
        category = categories[draft.code]
        history = histories[i]
        status = history[-1].to_status if history else Status.RECEIVED
        if draft.source == Source.POLICE_FEED:
            # As `reports.imports` stores them: an authority's record, no answer owed.
            status = Status.ACCEPTED
        resident = draft.source == Source.RESIDENT
        reports.append(
            Report(
                city=city,
                category=category,
                source=draft.source,
                source_id=draft.source_id,
                organisation=organisations.get(who.organisation or ""),
                reporter=users.get(who.username or ""),
                occurred_from=draft.occurred_from,
                occurred_to=draft.occurred_to,
                description=draft.description,
                address=draft.address,
                lon=float(lon[i]),
                lat=float(lat[i]),
                x=draft.x,
                y=draft.y,
                precision=draft.precision,
                district_id=draft.district_id,
                status=status,
                status_reason=history[-1].reason if history else "",
                answer_due_at=(
                    draft.created_at + dt.timedelta(days=category.answer_days)
                    if status == Status.RECEIVED
                    else None
                ),
                contact_email=(
                    f"boende{mailbox[i]:04d}@example.org"
                    if resident and emails[i] < RESIDENT_EMAIL_SHARE
                    else ""
                ),
                public_token=secrets.token_urlsafe(18) if resident else "",
                created_at=draft.created_at,
            )
        )
    Report.objects.bulk_create(reports, batch_size=500)
    index = {id(d): i for i, d in enumerate(drafts)}
    duplicates = []
    for i, draft in enumerate(drafts):
        if draft.duplicate_of is not None and reports[i].status == Status.DUPLICATE:
            reports[i].duplicate_of = reports[index[id(draft.duplicate_of)]]
            duplicates.append(reports[i])
    Report.objects.bulk_update(duplicates, ["duplicate_of"], batch_size=500)
    through = Report.places.through
    through.objects.bulk_create(
        [
            through(report_id=report.pk, place_id=place_id)
            for draft, report, found in zip(drafts, reports, places, strict=True)
            for place_id in (found if draft.place_ids is None else draft.place_ids)
        ],
        batch_size=1000,
    )
    ReportEvent.objects.bulk_create(_events(reports, histories, ctx, users), batch_size=1000)
    NilReturn.objects.bulk_create(
        _nil_returns(rng, drafts, ctx, silence, organisations, users), batch_size=1000
    )
    return len(reports)


def _events(
    reports: list[Report], histories: list[list[Step]], ctx: Context, users: dict[str, User]
) -> list[ReportEvent]:
    """The history the review page reads: received, every status change, and merges.

    Imported police events have none, as `reports.imports` writes them."""
    events = []
    for report, history in zip(reports, histories, strict=True):
        if report.source == Source.POLICE_FEED:
            continue  # imported: its source and created_at are its history
        events.append(
            ReportEvent(
                report=report,
                kind=ReportEvent.Kind.CREATED,
                by=report.reporter,
                at=report.created_at,
                to_status=Status.RECEIVED,
            )
        )
        district = ctx.district_names.get(report.district_id or 0, ALVSJO)
        reviewer = users.get(REVIEWERS.get(district, REVIEWERS[ALVSJO])[0])
        for step in history:
            events.append(
                ReportEvent(
                    report=report,
                    kind=ReportEvent.Kind.STATUS,
                    by=reviewer,
                    at=step.at,
                    from_status=step.from_status,
                    to_status=step.to_status,
                    reason=step.reason,
                )
            )
            if step.to_status == Status.DUPLICATE and report.duplicate_of is not None:
                for item, other in ((report, report.duplicate_of), (report.duplicate_of, report)):
                    events.append(
                        ReportEvent(
                            report=item,
                            kind=ReportEvent.Kind.MERGED,
                            by=reviewer,
                            at=step.at,
                            changes={"with": other.pk},
                        )
                    )
    return events
