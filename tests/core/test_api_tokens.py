import datetime as dt
import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trygg.core import services
from trygg.core.models import ApiToken


def raw_token_in(response):
    match = re.search(r'<code id="new-api-token">([^<]+)</code>', response.content.decode())
    return match.group(1) if match else None


def test_a_token_is_shown_once_and_only_its_digest_is_kept(world, login):
    client = login(world.anna)
    response = client.post(reverse("core:api_token_create"), {"name": "Veckoexport"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = raw_token_in(response)
    assert raw and len(raw) >= 40
    token = ApiToken.objects.get(user=world.anna)
    assert token.name == "Veckoexport"
    assert token.key_digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {str(value) for value in vars(token).values()}
    page = client.get(reverse("core:account"))
    assert "Veckoexport" in page.content.decode()
    assert raw not in page.content.decode()
    assert raw_token_in(page) is None


def test_the_token_works_on_the_api(world, login):
    response = login(world.anna).post(reverse("core:api_token_create"), {"name": "Skript"})
    api = login(world.nobody).get(
        "/api/categories", headers={"authorization": f"Bearer {raw_token_in(response)}"}
    )
    assert api.status_code == 200


def test_the_service_returns_the_raw_token_and_stores_its_digest(world):
    token, raw = services.api_token_create(user=world.petra, name="  Polisens skript ")
    assert token.name == "Polisens skript"
    assert token.key_digest == hashlib.sha256(raw.encode()).hexdigest() != raw
    assert services.api_token_authenticate(raw=raw) == world.petra
    assert services.api_token_authenticate(raw=raw[:-1]) is None


def test_a_token_needs_a_name(world, login):
    response = login(world.anna).post(reverse("core:api_token_create"), {"name": "  "})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert raw_token_in(response) is None
    assert not ApiToken.objects.exists()


def test_there_is_a_limit_to_the_tokens_of_one_person(world):
    for n in range(services.API_TOKENS_PER_USER):
        services.api_token_create(user=world.anna, name=f"token {n}")
    with pytest.raises(ValidationError) as error:
        services.api_token_create(user=world.anna, name="one too many")
    assert "name" in error.value.message_dict


def test_revoking_a_token_ends_it(world, login):
    token, raw = services.api_token_create(user=world.anna, name="Gammalt skript")
    client = login(world.anna)
    response = client.post(reverse("core:api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    api = Client().get("/api/reports", headers={"authorization": f"Bearer {raw}"})
    assert api.status_code == 401


def test_someone_elses_token_cannot_be_revoked(world, login):
    token, raw = services.api_token_create(user=world.petra, name="Polisens skript")
    response = login(world.anna).post(reverse("core:api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
    with pytest.raises(ApiToken.DoesNotExist):
        services.api_token_revoke(user=world.anna, token_id=token.pk)


def test_the_page_lists_only_ones_own_tokens(world, login):
    services.api_token_create(user=world.petra, name="Polisens skript")
    services.api_token_create(user=world.anna, name="Annas skript")
    page = login(world.anna).get(reverse("core:account")).content.decode()
    assert "Annas skript" in page
    assert "Polisens skript" not in page


def test_tokens_are_made_by_post_only_and_when_logged_in(world, client, login):
    url = reverse("core:api_token_create")
    assert client.post(url, {"name": "x"}).status_code == 302
    assert not ApiToken.objects.exists()
    assert login(world.anna).get(url).status_code == 405


def test_revoking_needs_post_and_a_login(world, client, login):
    token, _raw = services.api_token_create(user=world.anna, name="x")
    url = reverse("core:api_token_revoke", args=[token.pk])
    assert client.post(url).status_code == 302
    assert login(world.anna).get(url).status_code == 405
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_forms_carry_a_csrf_token(world):
    services.api_token_create(user=world.anna, name="x")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.anna)
    page = browser.get(reverse("core:account")).content.decode()
    assert page.count("csrfmiddlewaretoken") >= 3
    refused = browser.post(reverse("core:api_token_create"), {"name": "utan csrf"})
    assert refused.status_code == 403


def test_use_is_noted_at_most_once_a_minute(world, django_assert_num_queries):
    _token, raw = services.api_token_create(user=world.anna, name="x")
    start = timezone.now()
    with django_assert_num_queries(2):
        services.api_token_authenticate(raw=raw, now=start)
    with django_assert_num_queries(1):
        services.api_token_authenticate(raw=raw, now=start + dt.timedelta(seconds=59))
    assert ApiToken.objects.get().last_used_at == start
    later = start + dt.timedelta(minutes=1)
    services.api_token_authenticate(raw=raw, now=later)
    assert ApiToken.objects.get().last_used_at == later


def test_an_inactive_persons_token_is_refused(world):
    _token, raw = services.api_token_create(user=world.anna, name="x")
    world.anna.is_active = False
    world.anna.save()
    assert services.api_token_authenticate(raw=raw) is None
