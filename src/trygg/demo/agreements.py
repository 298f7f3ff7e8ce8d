"""The Älvsjö demo's cooperation agreements, citizen promises and place collaboration.

The seed document's agreement was signed in January 2017 and valid 2017–2018: it is
version 1, with the parties' written follow-ups for 2017 and 2018 (Trygg holds no reports
from then, so those years are followed up in words). The demo's reports cover the two
years up to the load day, so version 2 revises it for last year and this year, signed on
20 January last year, with baselines and targets sized to the demo's reports and the
traffic office added to the responsibility table.

The other districts are in various states: Hägersten-Liljeholmen signed and valid,
Skärholmen an unsigned draft, the rest without an agreement. Written with the ORM directly
(the services' permission checks are for people, not the loader); history is the demo
coordinator Anna's.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from trygg.agreements.models import (
    Agreement,
    CitizenPromise,
    CollaborationContact,
    CollaborationMeeting,
    PlaceCollaboration,
    Priority,
    Responsibility,
    Signatory,
    YearlyFollowup,
)
from trygg.core.models import Organisation, User
from trygg.geo.models import City, Place
from trygg.reports.models import Category

ALVSJO = "Älvsjö"
TITLE = "Samverkansöverenskommelse Älvsjö {start}–{end}"
POLICE_AREA = "Lokalpolisområde Söderort syd"
DISTRICT = "Älvsjö stadsdelsförvaltning"
POLICE = "Lokalpolisområde Söderort syd"
PROPERTY = "Fastighets AB Älvsjö Centrum (illustrativ)"
COOPERATIVE = "Brf Solbergahöjden (illustrativ)"
TRANSPORT = "SL"
TRAFFIC = "Trafikkontoret"
HAGERSTEN = "Hägersten-Liljeholmens stadsdelsförvaltning"

# (number, problem, place, categories, indicator, baseline, target): reports a year, sized
# to the demo's volume of reports.
PRIORITIES = (
    (1, "Narkotikahandeln vid Älvsjö centrum", "Älvsjö centrum", ["narkotika"],
     "Rapporter om narkotika vid Älvsjö centrum per år", 40, 28),
    (2, "Ungdomsgrupperingar som skapar otrygghet", None, ["samlingar"],
     "Rapporter om samlingar som upplevs otrygga i Älvsjö per år", 60, 45),
    (3, "Belysning och fysisk miljö", None, ["belysning", "otrygg-plats"],
     "Rapporter om belysning och otrygga platser i Älvsjö per år", 90, 60),
)  # fmt: skip

RESPONSIBILITIES = (
    (POLICE, "Narkotikahandel", "Riktade insatser och synlig närvaro vid Älvsjö centrum "
     "kvällstid; kommunpolisen rapporterar läget månadsvis."),
    (DISTRICT, "Samordning och ungdomar", "Samordnar samverkan, leder den årliga "
     "uppföljningen och har fältassistenter ute fredag och lördag kväll."),
    (PROPERTY, "Centrumfastigheten", "Belysning, klottersanering inom ett dygn och väktare "
     "i och runt centrum."),
    (TRANSPORT, "Stationen och hållplatserna", "Belysning, städning och trygghetsvärdar vid "
     "pendeltågsentrén och busshållplatserna."),
    (TRAFFIC, "Gatumiljö", "Belysning i gångtunneln och på gångvägarna, röjning av "
     "vegetation och halkbekämpning."),
)  # fmt: skip

PROMISES = (
    ("Vi minskar narkotikahandeln vid Älvsjö centrum",
     "Polisen och stadsdelsförvaltningen lovar att tillsammans arbeta för att narkotika "
     "inte ska säljas öppet vid Älvsjö centrum.",
     "Fotpatrull kvällstid tre dagar i veckan.\nGemensamma trygghetsvandringar.\n"
     "Dialogmöten med boende varje kvartal.",
     "Patrullen har varit på plats som utlovat; rapporterna om narkotika vid centrum har "
     "minskat sedan förra året."),
    ("En tryggare väg hem från stationen",
     "Vi lovar att göra gångvägarna mellan stationen och bostadsområdena ljusare och "
     "tryggare.",
     "Ny belysning i gångtunneln.\nRöjning av buskar längs gångvägen mot Solberga.\n"
     "Nattvandrare fredag och lördag.",
     "Gångtunneln har fått ny LED-belysning; röjningen längs gångvägen görs i vår."),
)  # fmt: skip

# The original agreement's written follow-ups (illustrative).
FOLLOWUPS_2017 = (
    (2017, "Polisen har haft fotpatrull vid Älvsjö centrum tre kvällar i veckan sedan mars. "
     "Handeln vid pendeltågsentrén har minskat men flyttat mot busshållplatserna.\n"
     "Fältassistenterna har mött grupper av unga vid torget varje helg; föräldravandringar "
     "startade i oktober.\nBelysningen i gångtunneln är inte åtgärdad; trafikkontoret "
     "behöver bli part i nästa överenskommelse."),
    (2018, "Trygghetsvandringen i april ledde till ny belysning vid torget och röjda buskar "
     "längs gångvägen mot Solberga.\nPolisen bedömer att den öppna handeln vid centrum har "
     "minskat; boende upplever ändå stationsområdet som otryggt kvällstid.\nParterna "
     "förnyar överenskommelsen med mätbara mål per prioritering och trafikkontoret och SL "
     "som ansvariga i tabellen."),
)  # fmt: skip

# (organisation, name, role): fictional contacts, one a partner and the lead.
CONTACTS = (
    (POLICE, "Petra Holm", "Kommunpolis"),
    (PROPERTY, "Rut Ek", "Fastighetsskötare"),
    (COOPERATIVE, "Bo Nyberg", "Ordförande"),
    (TRANSPORT, "Sara Berg", "Trygghetsansvarig"),
    (TRAFFIC, "Tove Lund", "Gatuingenjör"),
    (DISTRICT, "Anna Lind", "Trygghetssamordnare"),
)

AGENDA = (
    "1. Lägesbild från polisen\n2. Rapporter sedan förra mötet\n3. Pågående åtgärder\n4. Övrigt"
)
TOPICS = (
    "Polisen ser fortsatt handel vid pendeltågsentrén kvällstid.",
    "Väktarna har rapporterat färre samlingar vid bänkarna på torget.",
    "Trasig belysning i gångtunneln har anmälts två gånger.",
    "Klotter på elskåpen sanerades inom ett dygn.",
    "Boende vittnar om att torget känns lugnare på helgerna.",
    "SL har haft trygghetsvärdar vid entrén fredagskvällar.",
)
DECISIONS = (
    "Polisen fortsätter fotpatrullen tre kvällar i veckan.",
    "Fastighetsägaren förlänger skyltbelysningen till midnatt.",
    "Trafikkontoret byter armaturerna i gångtunneln.",
    "SL ser över bemanningen vid entrén.",
    "Stadsdelsförvaltningen bjuder in boende till nästa möte.",
    "Brf Solbergahöjden beskär häcken mot gångvägen.",
)


def _month(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, min(day.day, 28))


def _agreement(
    *,
    city,
    district,
    police_area,
    title,
    signed_on,
    valid_from,
    valid_to,
    by,
    signers,
    previous=None,
) -> Agreement:
    agreement = Agreement(
        previous=previous,
        version=previous.version + 1 if previous else 1,
        city=city,
        district=district,
        police_area=police_area,
        title=title,
        signed_on=signed_on,
        valid_from=valid_from,
        valid_to=valid_to,
        followup_schedule="Årlig uppföljning i december; lägesavstämning varje kvartal.",
        created_by=by,
    )
    agreement._history_user = by
    agreement.save()
    for user, organisation, role in signers:
        Signatory.objects.create(
            agreement=agreement, user=user, organisation=organisation, role=role
        )
    return agreement


def _priorities(agreement, centrum, categories, *, targets: bool) -> None:
    """The three joint priorities; the first version had no counted baseline or target."""
    for number, problem, place, codes, indicator, baseline, target in PRIORITIES:
        priority = Priority.objects.create(
            agreement=agreement,
            number=number,
            problem=problem,
            place=centrum if place else None,
            indicator=indicator,
            baseline=baseline if targets else None,
            target=target if targets else None,
        )
        priority.categories.set([categories[c] for c in codes if c in categories])


def _responsibilities(agreement, organisations, rows) -> None:
    Responsibility.objects.bulk_create(
        Responsibility(agreement=agreement, organisation=organisations[org], topic=topic, duty=duty)
        for org, topic, duty in rows
    )


@transaction.atomic
def agreements_generate(*, city: City, today: dt.date) -> int:
    """Add the agreements, promises and collaboration; returns how many agreements.

    Adds nothing when the Älvsjö agreement is there already.
    """
    districts = {d.name: d for d in city.districts.all()}
    alvsjo = districts.get(ALVSJO)
    police_area = city.police_areas.filter(name=POLICE_AREA).first()
    if alvsjo is None or police_area is None:
        return 0
    if Agreement.objects.filter(
        district=alvsjo, title__startswith="Samverkansöverenskommelse Älvsjö"
    ).exists():
        return 0
    organisations = {o.name: o for o in Organisation.objects.filter(city=city)}
    users = {u.username: u for u in User.objects.filter(username__in=["anna", "petra", "olle"])}
    anna, petra = users["anna"], users["petra"]
    categories = {c.code: c for c in Category.objects.filter(city=city)}
    centrum = Place.objects.filter(district=alvsjo, name="Älvsjö centrum").first()
    last_year = today.year - 1

    original = _agreement(
        city=city,
        district=alvsjo,
        police_area=police_area,
        title=TITLE.format(start=2017, end=2018),
        signed_on=dt.date(2017, 1, 20),
        valid_from=dt.date(2017, 1, 1),
        valid_to=dt.date(2018, 12, 31),
        by=anna,
        signers=[
            (anna, organisations[DISTRICT], "Stadsdelsdirektör (på uppdrag)"),
            (petra, organisations[POLICE], "Lokalpolisområdeschef (på uppdrag)"),
        ],
    )
    _priorities(original, centrum, categories, targets=False)
    _responsibilities(original, organisations, [r for r in RESPONSIBILITIES if r[0] != TRAFFIC])
    YearlyFollowup.objects.bulk_create(
        YearlyFollowup(
            agreement=original,
            year=year,
            assessment=text,
            written_by=anna,
            written_at=timezone.make_aware(dt.datetime(year, 12, 15, 10)),
        )
        for year, text in FOLLOWUPS_2017
    )
    alvsjo_agreement = _agreement(
        city=city,
        district=alvsjo,
        police_area=police_area,
        title=TITLE.format(start=last_year, end=today.year),
        signed_on=dt.date(last_year, 1, 20),
        valid_from=dt.date(last_year, 1, 1),
        valid_to=dt.date(today.year, 12, 31),
        by=anna,
        signers=[
            (anna, organisations[DISTRICT], "Stadsdelsdirektör (på uppdrag)"),
            (petra, organisations[POLICE], "Lokalpolisområdeschef (på uppdrag)"),
        ],
        previous=original,
    )
    _priorities(alvsjo_agreement, centrum, categories, targets=True)
    _responsibilities(alvsjo_agreement, organisations, RESPONSIBILITIES)

    count = 1
    hagersten = districts.get("Hägersten-Liljeholmen")
    if hagersten is not None and "olle" in users:
        _agreement(
            city=city,
            district=hagersten,
            police_area=police_area,
            title=f"Samverkansöverenskommelse Hägersten-Liljeholmen {last_year}–{today.year}",
            signed_on=dt.date(last_year, 2, 14),
            valid_from=dt.date(last_year, 1, 1),
            valid_to=dt.date(today.year, 12, 31),
            by=users["olle"],
            signers=[
                (users["olle"], organisations[HAGERSTEN], "Stadsdelsdirektör (på uppdrag)"),
                (petra, organisations[POLICE], "Lokalpolisområdeschef (på uppdrag)"),
            ],
        )
        count += 1
    skarholmen = districts.get("Skärholmen")
    if skarholmen is not None:
        _agreement(
            city=city,
            district=skarholmen,
            police_area=police_area,
            title=f"Samverkansöverenskommelse Skärholmen {today.year}–{today.year + 1} (utkast)",
            signed_on=None,
            valid_from=dt.date(today.year, 1, 1),
            valid_to=dt.date(today.year + 1, 12, 31),
            by=petra,
            signers=[],
        )
        count += 1

    CitizenPromise.objects.bulk_create(
        CitizenPromise(
            city=city,
            district=alvsjo,
            police_area=police_area,
            title=title,
            text=text,
            activities=activities,
            valid_from=dt.date(last_year, 1, 1),
            valid_to=dt.date(today.year, 12, 31),
            followup=followup,
            public=True,
        )
        for title, text, activities, followup in PROMISES
    )

    if centrum is not None:
        started = today - dt.timedelta(days=365)
        collaboration = PlaceCollaboration.objects.create(
            city=city,
            place=centrum,
            goal="Minska narkotikahandeln och öka tryggheten vid Älvsjö centrum",
            lead=organisations[POLICE],
            started_on=started,
        )
        collaboration.partners.set(
            [organisations[n] for n in (PROPERTY, COOPERATIVE, TRANSPORT, TRAFFIC, DISTRICT)]
        )
        if "narkotika" in categories:
            collaboration.categories.set([categories["narkotika"]])
        CollaborationContact.objects.bulk_create(
            CollaborationContact(
                collaboration=collaboration,
                organisation=organisations[org],
                name=name,
                role=role,
                email=f"{name.lower().replace(' ', '.')}@example.org",
            )
            for org, name, role in CONTACTS
        )
        CollaborationMeeting.objects.bulk_create(
            CollaborationMeeting(
                collaboration=collaboration,
                held_on=_month(started, i) + dt.timedelta(days=7),
                agenda=AGENDA,
                minutes=f"{TOPICS[i % len(TOPICS)]} {TOPICS[(i + 3) % len(TOPICS)]}",
                decisions=DECISIONS[i % len(DECISIONS)],
            )
            for i in range(12)
        )
    return count
