import datetime as dt

import pytest
from django.utils import timezone

from trygg.reports.catalogue import categories_seed
from trygg.reports.models import Category


@pytest.fixture
def categories(world):
    categories_seed(city=world.stockholm)
    categories_seed(city=world.goteborg)
    return {c.code: c for c in Category.objects.filter(city=world.stockholm)}


@pytest.fixture
def an_hour_ago():
    return timezone.now() - dt.timedelta(hours=1)


# Inside the cast's Älvsjö (17.98–18.04 E, 59.26–59.29 N) and its place Älvsjö centrum.
IN_ALVSJO_CENTRUM = (18.01, 59.2775)
IN_ALVSJO = (17.99, 59.265)
IN_HAGERSTEN = (18.00, 59.30)
