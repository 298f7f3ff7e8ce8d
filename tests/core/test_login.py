import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _clear_lockouts(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def test_a_coordinator_lands_on_the_weekly_situation_picture(world, client):
    response = client.post(
        reverse("login"), {"username": "anna", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("situation:picture")
    assert "Lägesbild: Älvsjö" in response.content.decode()


def test_a_reporter_lands_on_the_overview(world, client):
    response = client.post(reverse("login"), {"username": "rut", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("core:overview")
    assert "Fastighets AB Centrum" in response.content.decode()


def test_it_stores_passwords_with_argon2(world):
    world.anna.set_password("ett-nytt-lösenord-2026")
    world.anna.save()
    assert world.anna.password.startswith("argon2")


def test_a_wrong_password_is_told_in_swedish(world, client):
    response = client.post(reverse("login"), {"username": "anna", "password": "fel"})
    assert response.status_code == 200
    assert "Användarnamnet eller lösenordet är fel" in response.content.decode()


def test_ten_failed_logins_lock_the_account(world, client):
    for _ in range(10):
        client.post(reverse("login"), {"username": "anna", "password": "fel"})
    response = client.post(reverse("login"), {"username": "anna", "password": PASSWORD})
    assert response.status_code == 429
    body = response.content.decode()
    assert "Kontot är låst en stund" in body
    assert "Försök igen om 15 minuter" in body
    assert "_auth_user_id" not in client.session


def test_nine_failed_logins_do_not_lock(world, client):
    for _ in range(9):
        client.post(reverse("login"), {"username": "anna", "password": "fel"})
    response = client.post(reverse("login"), {"username": "anna", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.anna.pk)


def test_a_lockout_of_one_account_leaves_others_alone(world, client):
    for _ in range(10):
        client.post(reverse("login"), {"username": "anna", "password": "fel"})
    response = client.post(reverse("login"), {"username": "petra", "password": PASSWORD})
    assert response.status_code == 302


def test_logout_needs_a_post_and_ends_the_session(world, client):
    client.force_login(world.anna)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("core:overview")).status_code == 302


def test_password_reset_mails_a_link_that_sets_a_new_password(world, client):
    client.post(reverse("password_reset"), {"email": "anna@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new = "ett-helt-nytt-lösenord-2026"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    world.anna.refresh_from_db()
    assert world.anna.check_password(new)


def test_a_password_reset_lifts_the_lockout(world, client):
    for _ in range(10):
        client.post(reverse("login"), {"username": "anna", "password": "fel"})
    assert (
        client.post(reverse("login"), {"username": "anna", "password": PASSWORD}).status_code == 429
    )
    client.post(reverse("password_reset"), {"email": "anna@example.org"})
    link = re.search(r"http://testserver(/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new = "ett-helt-nytt-lösenord-2026"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})

    response = client.post(reverse("login"), {"username": "anna", "password": new})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.anna.pk)


def test_password_reset_does_not_reveal_unknown_addresses(world, client):
    response = client.post(reverse("password_reset"), {"email": "okand@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []
