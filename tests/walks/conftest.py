import datetime as dt

import pytest
from django.utils import timezone

from tests.reports.conftest import categories  # noqa: F401
from trygg.walks import services
from trygg.walks.models import Walk

# Along Älvsjö centrum, west to east (the test world's centrum is 18.005–18.015, 59.275–59.28).
ROUTE = {"type": "LineString", "coordinates": [[18.006, 59.2775], [18.014, 59.2775]]}


@pytest.fixture
def walk(world):
    """Tonight's walk at Älvsjö centrum, the police and the property owner invited."""
    planned = Walk(
        district=world.alvsjo,
        place=world.alvsjo_centrum,
        title="Trygghetsvandring Älvsjö centrum",
        starts_at=timezone.now() - dt.timedelta(hours=1),
        after_dark=True,
        meeting_point="Vid pendeltågsentrén",
        route=ROUTE,
        public_places=2,
    )
    return services.walk_save(
        walk=planned,
        by=world.anna,
        invited=[world.orgs["police"], world.orgs["property"]],
        stops=[("Entrén", 18.006, 59.2775), ("Torget", 18.010, 59.2775)],
    )
