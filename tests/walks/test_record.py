"""Recording findings from the phone: each entry stored once, bad input named, access checked."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from trygg.walks import services
from trygg.walks.models import Finding

JSON = {"HTTP_ACCEPT": "application/json"}
ON_THE_ROUTE = {"lon": "18.010", "lat": "59.2776"}
# In Älvsjö, but far from the route along the centrum.
OFF_THE_ROUTE = {"lon": "17.99", "lat": "59.265"}
# Angered torg, in Göteborg: outside the walk's city.
IN_GOTEBORG = {"lon": "12.045", "lat": "57.795"}


def png(size=(8, 8)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile("lampa.png", out.getvalue(), "image/png")


def entry(**fields):
    data = {"key": str(uuid.uuid4()), "score": "2", "factors": ["lighting"], "text": "Mörkt"}
    data.update(ON_THE_ROUTE)
    data.update(fields)
    return data


def post(client, walk, data, **headers):
    return client.post(reverse("walks:finding_post", args=[walk.pk]), data, **headers)


def test_the_page_offers_a_fresh_key_the_stops_and_the_checklist(world, walk, login):
    page = login(world.anna).get(reverse("walks:record", args=[walk.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    key = page.context["entry"]["key"]
    assert uuid.UUID(key) and f'name="key" value="{key}"' in html
    assert 'accept="image/*"' in html and "capture" in html and "multiple" in html
    assert html.count('name="score"') == 5
    assert html.count('name="factors"') == 9 and html.count('name="felt_by"') == 4
    assert "Torget" in html and 'aria-live="polite"' in html
    assert "<script>" not in html and "style=" not in html


def test_each_page_load_offers_a_new_key(world, walk, login):
    client = login(world.anna)
    url = reverse("walks:record", args=[walk.pk])
    assert client.get(url).context["entry"]["key"] != client.get(url).context["entry"]["key"]


def test_the_same_key_posted_twice_is_stored_once(world, walk, login):
    client = login(world.anna)
    data = entry(photos=png())
    first = post(client, walk, data, **JSON)
    data["photos"] = png()
    second = post(client, walk, data, **JSON)

    assert first.status_code == 201 and first.json()["new"] is True
    assert second.status_code == 200
    assert second.json() == {**first.json(), "new": False}
    assert second.json()["stored"] is True and second.json()["key"] == data["key"]
    finding = Finding.objects.get()
    assert finding.photos.count() == 1
    assert (finding.factors, finding.score, finding.recorded_by) == (["lighting"], 2, world.anna)


def test_the_form_without_javascript_redirects_back_with_a_message(world, walk, login):
    client = login(world.anna)
    response = post(client, walk, entry(), follow=True)

    assert response.redirect_chain == [(reverse("walks:record", args=[walk.pk]), 302)]
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert Finding.objects.count() == 1


def test_a_stop_without_typed_position_places_the_finding_at_the_stop(world, walk, login):
    torget = walk.stops.get(number=2)
    response = post(login(world.anna), walk, entry(stop=torget.pk, lon="", lat=""), **JSON)

    assert response.status_code == 201
    finding = Finding.objects.get()
    assert (finding.stop, finding.lon, finding.lat) == (torget, torget.lon, torget.lat)


def test_a_text_file_as_photo_is_refused_naming_photos(world, walk, login):
    note = SimpleUploadedFile("lampa.jpg", b"not a picture at all", "image/jpeg")
    response = post(login(world.anna), walk, entry(photos=note), **JSON)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["photos"]
    assert not Finding.objects.exists()


def test_a_too_large_photo_is_refused(world, walk, login, settings):
    settings.TRYGG_MAX_PHOTO_BYTES = 50
    response = post(login(world.anna), walk, entry(photos=png((64, 64))), **JSON)

    assert response.status_code == 400
    assert "photos" in response.json()["errors"]
    assert not Finding.objects.exists()


def test_more_photos_than_kept_are_refused_not_dropped(world, walk, login):
    photos = [png() for _ in range(services.MAX_PHOTOS + 1)]
    response = post(login(world.anna), walk, entry(photos=photos), **JSON)

    assert response.status_code == 400 and "photos" in response.json()["errors"]


@pytest.mark.parametrize("score", ["", "0", "6", "x"])
def test_a_bad_score_is_refused_naming_score(world, walk, login, score):
    response = post(login(world.anna), walk, entry(score=score), **JSON)

    assert response.status_code == 400 and "score" in response.json()["errors"]


def test_a_position_outside_the_city_is_refused(world, walk, login):
    response = post(login(world.anna), walk, entry(**IN_GOTEBORG), **JSON)

    assert response.status_code == 400 and "position" in response.json()["errors"]
    assert not Finding.objects.exists()


def test_the_form_without_javascript_shows_the_refusal_and_keeps_the_entry(world, walk, login):
    data = entry(score="9", text="Trasig lampa")
    response = post(login(world.anna), walk, data)

    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and "Trasig lampa" in html
    assert f'value="{data["key"]}"' in html


def test_a_finding_off_the_route_is_stored_flagged_and_warned(world, walk, login):
    client = login(world.anna)
    response = post(client, walk, entry(**OFF_THE_ROUTE), **JSON)

    assert response.status_code == 201
    assert response.json()["outside"] is True and response.json()["warning"]
    assert Finding.objects.get().outside

    page = post(client, walk, entry(**OFF_THE_ROUTE), follow=True)
    assert [m.level_tag for m in page.context["messages"]] == ["warning"]


def test_on_the_route_there_is_no_warning(world, walk, login):
    response = post(login(world.anna), walk, entry(), **JSON)

    assert response.json()["outside"] is False and response.json()["warning"] == ""


@pytest.mark.parametrize("person", ["sara", "nobody", "gustav", "olle"])
def test_someone_not_invited_may_neither_see_nor_post(world, walk, login, person):
    client = login(getattr(world, person))

    assert client.get(reverse("walks:record", args=[walk.pk])).status_code == 404
    assert post(client, walk, entry(), **JSON).status_code == 404
    assert not Finding.objects.exists()


def test_the_page_asks_to_log_in(world, walk, client):
    response = client.get(reverse("walks:record", args=[walk.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert post(client, walk, entry(), **JSON).status_code == 302


def test_after_publishing_nobody_records(world, walk, login):
    services.walk_publish(walk=walk, by=world.anna)
    client = login(world.anna)

    assert client.get(reverse("walks:record", args=[walk.pk])).status_code == 403
    refused = post(client, walk, entry(), **JSON)
    assert refused.status_code == 403 and "walk" in refused.json()["errors"]
    assert post(client, walk, entry()).status_code == 403
    assert not Finding.objects.exists()


def test_several_participants_record_at_once(world, walk):
    anna, petra = Client(), Client()
    anna.force_login(world.anna)
    petra.force_login(world.petra)
    from_anna, from_petra = entry(text="Buskage"), entry(text="Klotter", factors=["graffiti"])

    responses = [
        post(anna, walk, from_anna, **JSON),
        post(petra, walk, from_petra, **JSON),
        post(anna, walk, from_anna, **JSON),
    ]

    assert [r.status_code for r in responses] == [201, 201, 200]
    recorded = {f.text: f.recorded_by for f in Finding.objects.all()}
    assert recorded == {"Buskage": world.anna, "Klotter": world.petra}


def test_the_post_is_csrf_protected(world, walk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.anna)

    assert post(client, walk, entry(), **JSON).status_code == 403
    page = client.get(reverse("walks:record", args=[walk.pk]))
    token = page.cookies["csrftoken"].value
    accepted = post(client, walk, entry(), HTTP_X_CSRFTOKEN=token, **JSON)
    assert accepted.status_code == 201
    assert Finding.objects.count() == 1


def test_the_phone_time_of_an_entry_sent_later_is_kept(world, walk, login):
    response = post(login(world.anna), walk, entry(recorded_at="2020-01-01T18:30:00.000Z"), **JSON)

    assert response.status_code == 201
    assert Finding.objects.get().recorded_at.isoformat() == "2020-01-01T18:30:00+00:00"
