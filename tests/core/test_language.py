from django.urls import reverse


def test_the_interface_is_swedish_by_default(world, client):
    page = client.get(reverse("login")).content.decode()
    assert 'lang="sv"' in page
    assert "Logga in" in page


def test_a_user_may_choose_english(world, client):
    client.force_login(world.anna)
    response = client.post(reverse("core:account"), {"language": "en"})
    assert response.status_code == 302
    world.anna.refresh_from_db()
    assert world.anna.language == "en"
    page = client.get(reverse("core:overview")).content.decode()
    assert 'lang="en"' in page
    assert "Your organisations" in page


def test_the_choice_follows_the_user_not_the_browser(world, client):
    world.anna.language = "en"
    world.anna.save()
    client.force_login(world.anna)
    page = client.get(reverse("core:overview"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Your organisations" in page


def test_an_unknown_language_is_refused(world, client):
    client.force_login(world.anna)
    response = client.post(reverse("core:account"), {"language": "xx"})
    assert response.status_code == 200
    world.anna.refresh_from_db()
    assert world.anna.language == "sv"
