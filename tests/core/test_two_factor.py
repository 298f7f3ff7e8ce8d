import base64
import re
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from trygg.core import policy, services, two_factor


@pytest.fixture(autouse=True)
def _fresh(db, settings):
    """No lockouts or rate-limit counts from other tests; no per-device slow-down to wait out."""
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    cache.clear()
    yield
    cache.clear()


def code(device):
    """The app's code now, as if a new 30-second step had begun (a code is good once)."""
    device.refresh_from_db()
    device.last_t = -1
    device.save(update_fields=["last_t"])
    return f"{totp(device.bin_key):06d}"


def wrong(device):
    right = code(device)
    return f"{(int(right) + 1) % 1_000_000:06d}"


def password_login(client, username, next_url=None):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": PASSWORD}, follow=True)


def turned_on(user):
    """A confirmed app and recovery codes, set up through the services."""
    device = two_factor.totp_start(user=user)
    codes = two_factor.totp_confirm(user=user, device=device, token=code(device))
    device.refresh_from_db()
    return device, codes


def recovery_codes_in(response):
    return re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())


# Turning it on --------------------------------------------------------------------


def test_a_coordinator_turns_it_on_and_sees_the_recovery_codes_once(world, login):
    client = login(world.anna)
    assert reverse("core:two_factor") in client.get(reverse("core:account")).content.decode()
    assert client.post(reverse("core:two_factor_start")).status_code == 302
    page = client.get(reverse("core:two_factor"))
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    body = page.content.decode()
    qr = re.search(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', body)
    assert qr and base64.b64decode(qr.group(1)).startswith(b"<svg")
    device = TOTPDevice.objects.get(user=world.anna)
    secret = re.search(r'<code id="two-factor-secret">([A-Z2-7 ]+)</code>', body).group(1)
    secret = secret.replace(" ", "")
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    assert 'autocomplete="one-time-code"' in body

    refused = client.post(reverse("core:two_factor_confirm"), {"token": wrong(device)})
    assert refused.status_code == 400
    assert 'id="id_token_error"' in refused.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert not StaticDevice.objects.filter(user=world.anna).exists()

    done = client.post(reverse("core:two_factor_confirm"), {"token": code(device)})
    assert done.status_code == 200
    assert done["Cache-Control"] == "no-store"
    codes = recovery_codes_in(done)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert StaticToken.objects.filter(device__user=world.anna).count() == 10
    again = client.get(reverse("core:two_factor")).content.decode()
    assert 'data-on="true"' in again
    assert not any(c in again for c in codes)


def test_a_second_start_replaces_the_unconfirmed_device(world):
    first = two_factor.totp_start(user=world.anna)
    second = two_factor.totp_start(user=world.anna)
    assert list(TOTPDevice.objects.filter(user=world.anna)) == [second]
    assert first.pk != second.pk


def test_a_wrong_code_names_the_token_field(world):
    device = two_factor.totp_start(user=world.anna)
    with pytest.raises(ValidationError) as error:
        two_factor.totp_confirm(user=world.anna, device=device, token="12345")
    assert "token" in error.value.message_dict


def test_a_new_phone_replaces_the_old_one_and_its_codes(world):
    old, old_codes = turned_on(world.anna)
    new, new_codes = turned_on(world.anna)
    assert list(TOTPDevice.objects.filter(user=world.anna)) == [new]
    assert not StaticToken.objects.filter(token__in=old_codes).exists()
    assert StaticToken.objects.filter(token__in=new_codes).count() == 10


# Logging in -----------------------------------------------------------------------


def test_after_the_password_every_page_leads_to_the_code(world, client):
    turned_on(world.anna)
    response = password_login(client, "anna")
    verify = reverse("second_factor_verify")
    assert response.redirect_chain[-1][0].startswith(verify)
    body = response.content.decode()
    assert 'autocomplete="one-time-code"' in body and 'inputmode="numeric"' in body
    for url in (
        reverse("core:overview"),
        reverse("core:account"),
        reverse("core:two_factor"),
        reverse("reports:queue"),
        "/admin/",
    ):
        page = client.get(url)
        assert page.status_code == 302, url
        assert page["Location"].startswith(verify), url
    assert client.post(reverse("core:two_factor_remove")).status_code == 302
    assert client.post(reverse("core:two_factor_start")).status_code == 302
    assert TOTPDevice.objects.filter(user=world.anna, confirmed=True).count() == 1
    assert client.get(reverse("healthz")).status_code == 200


def test_the_right_code_lets_her_in_and_goes_to_next(world, client):
    device, _ = turned_on(world.anna)
    target = reverse("core:organisations")
    response = password_login(client, "anna", next_url=target)
    assert response.redirect_chain[-1][0].startswith(reverse("second_factor_verify"))
    assert "next=" in response.redirect_chain[-1][0]
    verify_url = response.redirect_chain[-1][0]
    wrong_answer = client.post(verify_url, {"token": wrong(device), "next": target})
    assert wrong_answer.status_code == 400
    assert 'id="id_token_error"' in wrong_answer.content.decode()
    answer = client.post(verify_url, {"token": code(device), "next": target})
    assert answer.status_code == 302
    assert answer["Location"] == target
    assert client.get(reverse("core:overview")).status_code == 200


def test_next_may_not_lead_off_the_site(world, client):
    device, _ = turned_on(world.anna)
    password_login(client, "anna")
    answer = client.post(
        reverse("second_factor_verify"), {"token": code(device), "next": "https://evil.example/"}
    )
    assert answer.status_code == 302
    assert answer["Location"] == reverse("situation:start")


def test_a_recovery_code_works_once(world, client):
    _, codes = turned_on(world.anna)
    password_login(client, "anna")
    assert client.post(reverse("second_factor_verify"), {"token": codes[0]}).status_code == 302
    assert client.get(reverse("core:overview")).status_code == 200
    assert StaticToken.objects.filter(device__user=world.anna).count() == 9
    client.post(reverse("logout"))
    password_login(client, "anna")
    again = client.post(reverse("second_factor_verify"), {"token": codes[0]})
    assert again.status_code == 400
    assert client.get(reverse("core:overview")).status_code == 302


def test_the_recovery_page_asks_for_letters(world, client):
    turned_on(world.anna)
    password_login(client, "anna")
    page = client.get(reverse("second_factor_verify") + "?method=recovery")
    assert 'inputmode="text"' in page.content.decode()


def test_guessing_codes_is_stopped(world, client):
    device, _ = turned_on(world.anna)
    password_login(client, "anna")
    url = reverse("second_factor_verify")
    for _ in range(10):
        assert client.post(url, {"token": wrong(device)}).status_code == 400
    stopped = client.post(url, {"token": code(device)})
    assert stopped.status_code == 429
    assert 'id="second-factor-too-many"' in stopped.content.decode()
    assert client.get(reverse("core:overview")).status_code == 302


def test_without_a_second_factor_optional_mode_changes_nothing(world, client):
    response = password_login(client, "anna")
    assert response.redirect_chain[-1][0] == reverse("situation:picture")


def test_a_factor_turned_on_in_another_browser_is_asked_for_here(world, login):
    client = login(world.anna)
    assert client.get(reverse("core:overview")).status_code == 200
    turned_on(world.anna)
    page = client.get(reverse("core:overview"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("second_factor_verify"))


# Required for staff -----------------------------------------------------------------


def test_who_needs_a_second_factor(world):
    assert policy.needs_second_factor(world.anna)
    assert policy.needs_second_factor(world.ingrid)
    assert policy.needs_second_factor(world.maja)
    assert policy.needs_second_factor(world.petra)
    assert not policy.needs_second_factor(world.rut)
    assert not policy.needs_second_factor(world.sara)
    assert not policy.needs_second_factor(world.nobody)
    world.nobody.is_staff = True
    assert policy.needs_second_factor(world.nobody)


def test_required_mode_sends_a_coordinator_to_set_up_from_any_page(world, client, settings):
    settings.TRYGG_SECOND_FACTOR = "required"
    response = password_login(client, "anna")
    assert response.redirect_chain[-1][0] == reverse("core:two_factor")
    for url in (reverse("core:overview"), reverse("reports:queue"), reverse("core:account")):
        page = client.get(url)
        assert page.status_code == 302 and page["Location"] == reverse("core:two_factor"), url
    client.post(reverse("core:two_factor_start"))
    device = TOTPDevice.objects.get(user=world.anna)
    assert (
        client.post(reverse("core:two_factor_confirm"), {"token": code(device)}).status_code == 200
    )
    assert client.get(reverse("core:overview")).status_code == 200


@pytest.mark.parametrize("name", ["ingrid", "maja"])
def test_required_mode_covers_administrators_and_the_prevention_group(world, login, settings, name):
    settings.TRYGG_SECOND_FACTOR = "required"
    page = login(getattr(world, name)).get(reverse("core:overview"))
    assert page["Location"] == reverse("core:two_factor")


def test_required_mode_leaves_a_reporter_alone(world, client, settings):
    settings.TRYGG_SECOND_FACTOR = "required"
    response = password_login(client, "rut")
    assert response.redirect_chain[-1][0] == reverse("core:overview")
    assert client.get(reverse("core:account")).status_code == 200


def test_turning_it_off_is_refused_where_required(world, client, settings):
    settings.TRYGG_SECOND_FACTOR = "required"
    device, _ = turned_on(world.anna)
    password_login(client, "anna")
    client.post(reverse("second_factor_verify"), {"token": code(device)})
    refused = client.post(reverse("core:two_factor_remove"))
    assert refused.status_code == 400
    assert 'id="two-factor-off"' not in refused.content.decode()
    assert TOTPDevice.objects.filter(user=world.anna, confirmed=True).exists()
    with pytest.raises(ValidationError):
        two_factor.second_factor_remove(user=world.anna, by=world.anna)


def test_turning_it_off_is_allowed_where_optional(world, client):
    device, _ = turned_on(world.anna)
    password_login(client, "anna")
    client.post(reverse("second_factor_verify"), {"token": code(device)})
    assert client.post(reverse("core:two_factor_remove")).status_code == 302
    assert not TOTPDevice.objects.filter(user=world.anna).exists()
    assert not StaticDevice.objects.filter(user=world.anna).exists()
    client.post(reverse("logout"))
    response = password_login(client, "anna")
    assert response.redirect_chain[-1][0] == reverse("situation:picture")


def test_nobody_else_turns_off_someones_second_factor(world):
    turned_on(world.anna)
    with pytest.raises(ValidationError):
        two_factor.second_factor_remove(user=world.anna, by=world.ingrid)
    assert two_factor.is_on(world.anna)


# The API and the reset ------------------------------------------------------------------


def test_the_token_api_is_unaffected(world, client, settings):
    settings.TRYGG_SECOND_FACTOR = "required"
    _, raw = services.api_token_create(user=world.anna, name="Skript")
    response = client.get("/api/categories", headers={"authorization": f"Bearer {raw}"})
    assert response.status_code == 200


def test_a_session_that_owes_the_code_is_not_logged_in_on_the_api(world, client):
    turned_on(world.anna)
    password_login(client, "anna")
    assert client.get("/api/categories").status_code == 401
    _, raw = services.api_token_create(user=world.anna, name="Skript")
    with_token = client.get("/api/categories", headers={"authorization": f"Bearer {raw}"})
    assert with_token.status_code == 200


def test_the_reset_command_removes_the_devices(world, client):
    turned_on(world.anna)
    out = StringIO()
    call_command("second_factor_reset", "anna", stdout=out)
    assert "anna" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=world.anna).exists()
    assert not StaticDevice.objects.filter(user=world.anna).exists()
    response = password_login(client, "anna")
    assert response.redirect_chain[-1][0] == reverse("situation:picture")


def test_a_mistyped_mode_is_named_at_start(monkeypatch):
    from trygg import config

    monkeypatch.setenv("TRYGG_SECOND_FACTOR", "always")
    with pytest.raises(ImproperlyConfigured, match="TRYGG_SECOND_FACTOR"):
        config.env_choice("TRYGG_SECOND_FACTOR", ("required", "optional"), "optional")
    monkeypatch.setenv("TRYGG_SECOND_FACTOR", "Required")
    assert config.env_choice("TRYGG_SECOND_FACTOR", ("required", "optional"), "optional") == (
        "required"
    )
