import datetime as dt

import pytest

from tests.reports.conftest import categories  # noqa: F401
from trygg.measures import services
from trygg.measures.models import Measure


@pytest.fixture
def make_measure(world):
    """A measure of Älvsjö's coordinator, the property owner responsible, unless told otherwise."""

    def make(by=None, **fields):
        values = {
            "title": "Bättre belysning i gångtunneln",
            "kind": "lighting",
            "technique": "natural_surveillance",
            "district": world.alvsjo,
            "place": world.alvsjo_centrum,
            "responsible": world.orgs["property"],
            "start": dt.date(2026, 1, 12),
            "due": dt.date(2026, 2, 27),
            "indicator": "Färre rapporter om otrygghet vid tunneln kvällstid",
            **fields,
        }
        return services.measure_save(measure=Measure(**values), by=by or world.anna)

    return make
