"""Reads are rate limited too: the REST API per person, Open311's public reads per address."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from trygg.core.services import api_token_create
from trygg.reports import services

STOCKHOLM = "stockholms-stad"


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def test_a_person_past_the_api_rate_gets_429_in_their_language(world, client, settings):
    settings.TRYGG_API_RATE = "2/d"
    _token, raw = api_token_create(user=world.anna, name="skript")
    headers = {"authorization": f"Bearer {raw}"}

    codes = [client.get("/api/categories", headers=headers).status_code for _ in range(3)]

    assert codes == [200, 200, 429]
    assert client.get("/api/categories", headers=headers).json() == {
        "detail": "För många förfrågningar. Försök igen senare."
    }
    _token, other = api_token_create(user=world.olle, name="skript")
    assert (
        client.get("/api/categories", headers={"authorization": f"Bearer {other}"}).status_code
        == 200
    )


def test_the_count_is_the_persons_whatever_the_address(world, settings):
    settings.TRYGG_API_RATE = "1/d"
    _token, raw = api_token_create(user=world.anna, name="skript")
    headers = {"authorization": f"Bearer {raw}"}
    assert (
        Client(REMOTE_ADDR="192.0.2.1").get("/api/categories", headers=headers).status_code == 200
    )
    assert (
        Client(REMOTE_ADDR="192.0.2.2").get("/api/categories", headers=headers).status_code == 429
    )


def test_an_unknown_token_is_401_and_not_counted(world, client, settings):
    settings.TRYGG_API_RATE = "1/d"
    bad = {"authorization": "Bearer nej"}
    assert [client.get("/api/categories", headers=bad).status_code for _ in range(2)] == [401, 401]


def test_open311_reads_past_the_rate_get_the_specs_error(world, categories, settings):
    settings.TRYGG_PUBLIC_READ_RATE = "2/d"
    services.open311_client_create(city=world.stockholm, name="Tryggappen", key="nyckel")
    reader = Client(REMOTE_ADDR="198.51.100.4")
    url = reverse("open311:services", kwargs={"fmt": "json"}) + f"?jurisdiction_id={STOCKHOLM}"

    codes = [reader.get(url).status_code for _ in range(3)]

    assert codes == [200, 200, 429]
    assert reader.get(url).json()[0]["code"] == 429
    assert Client(REMOTE_ADDR="198.51.100.5").get(url).status_code == 200
