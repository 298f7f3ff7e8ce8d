"""The cast of the test suite, used across every capability.

Stockholm with two districts (Älvsjö, Hägersten) and a second city (Göteborg),
so that every feature gets its cross-organisation and cross-city negative test.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from tests.factories import (
    CityFactory,
    OrganisationFactory,
    UserFactory,
    district,
    member,
    place,
    police_area,
)
from trygg.core.models import OrganisationKind as K
from trygg.core.models import Role

IN_CI = os.environ.get("CI", "").lower() == "true"


@dataclass
class World:
    stockholm: object
    goteborg: object
    alvsjo: object
    hagersten: object
    angered: object
    alvsjo_centrum: object
    liljeholmen: object
    angered_torg: object
    police_area: object
    orgs: dict
    people: dict

    def __getattr__(self, name):
        people = self.__dict__.get("people", {})
        if name in people:
            return people[name]
        raise AttributeError(name)


@pytest.fixture
def world(db) -> World:
    stockholm = CityFactory(name="Stockholms stad")
    goteborg = CityFactory(name="Göteborgs stad")
    alvsjo = district(stockholm, "Älvsjö", (17.98, 59.26, 18.04, 59.29))
    hagersten = district(stockholm, "Hägersten", (17.95, 59.29, 18.04, 59.32))
    angered = district(goteborg, "Angered", (12.00, 57.78, 12.10, 57.82))
    lpo = police_area(
        stockholm, "Lokalpolisområde Söderort", (17.95, 59.26, 18.04, 59.32), [alvsjo, hagersten]
    )
    alvsjo_centrum = place(alvsjo, "Älvsjö centrum", (18.005, 59.275, 18.015, 59.28))
    liljeholmen = place(hagersten, "Liljeholmen", (18.02, 59.305, 18.03, 59.31))
    angered_torg = place(angered, "Angered torg", (12.04, 57.79, 12.05, 57.80))

    def org(name, kind, districts, city=stockholm):
        return OrganisationFactory(city=city, name=name, kind=kind, districts=districts)

    orgs = {
        "alvsjo_sdf": org("Älvsjö stadsdelsförvaltning", K.DISTRICT_ADMINISTRATION, [alvsjo]),
        "hagersten_sdf": org(
            "Hägerstens stadsdelsförvaltning", K.DISTRICT_ADMINISTRATION, [hagersten]
        ),
        "police": org("Lokalpolisområde Söderort", K.LOCAL_POLICE_AREA, [alvsjo, hagersten]),
        "property": org("Fastighets AB Centrum", K.PROPERTY_OWNER, [alvsjo]),
        "sl": org("SL", K.PUBLIC_TRANSPORT, [alvsjo, hagersten]),
        "prevention": org("Preventionsgruppen Älvsjö", K.PREVENTION_GROUP, [alvsjo]),
        "advisory": org("Rådgivande organ", K.ADVISORY_BOARD, []),
        "city_office": org("Stadsledningskontoret", K.CITY_OFFICE, []),
        "angered_sdf": org(
            "Angereds stadsdelsförvaltning", K.DISTRICT_ADMINISTRATION, [angered], city=goteborg
        ),
    }
    people = {
        "anna": member(UserFactory(username="anna"), orgs["alvsjo_sdf"], Role.COORDINATOR),
        "petra": member(
            UserFactory(username="petra"), orgs["police"], Role.COORDINATOR, Role.REPORTER
        ),
        "rut": member(UserFactory(username="rut"), orgs["property"], Role.REPORTER),
        "sara": member(UserFactory(username="sara"), orgs["sl"], Role.PARTNER),
        "olle": member(UserFactory(username="olle"), orgs["hagersten_sdf"], Role.COORDINATOR),
        "maja": member(UserFactory(username="maja"), orgs["prevention"], Role.PREVENTION_MEMBER),
        "alva": member(UserFactory(username="alva"), orgs["advisory"], Role.ADVISORY_MEMBER),
        "ingrid": member(UserFactory(username="ingrid"), orgs["city_office"], Role.ADMINISTRATOR),
        "gustav": member(UserFactory(username="gustav"), orgs["angered_sdf"], Role.COORDINATOR),
        "nobody": UserFactory(username="nobody"),
    }
    return World(
        stockholm=stockholm,
        goteborg=goteborg,
        alvsjo=alvsjo,
        hagersten=hagersten,
        angered=angered,
        alvsjo_centrum=alvsjo_centrum,
        liljeholmen=liljeholmen,
        angered_torg=angered_torg,
        police_area=lpo,
        orgs=orgs,
        people=people,
    )


@pytest.fixture
def login(client):
    """Log a person of the cast in (no password round trip; the login itself has its tests)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


_browser_outcomes: dict[str, int] = {}


def pytest_runtest_logreport(report):
    counted = report.when == "call" or (report.when == "setup" and not report.passed)
    if counted and "browser" in report.keywords:
        _browser_outcomes[report.outcome] = _browser_outcomes.get(report.outcome, 0) + 1


def pytest_terminal_summary(terminalreporter):
    """Say which database the suite ran on and whether the browser ran, for CI's log."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    browser = ", ".join(f"{n} {outcome}" for outcome, n in sorted(_browser_outcomes.items()))
    terminalreporter.write_sep("-", "Trygg")
    terminalreporter.write_line(f"database: {database['ENGINE'].rsplit('.', 1)[-1]}")
    terminalreporter.write_line(f"browser tests (headless Chromium): {browser or 'none ran'}")
