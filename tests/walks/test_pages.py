"""The walk pages of those who run a walk: plan, findings and owners, protocol PDF, comparison."""

import datetime as dt
import io
import json

import pypdfium2 as pdfium
import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from trygg.reports.photos import CleanPhoto
from trygg.walks import services
from trygg.walks.models import Factor, Finding, Walk
from trygg.walks.queries import compare

from .conftest import ROUTE


def plan(world, **fields):
    data = {
        "title": "Kvällsvandring Älvsjö",
        "district": world.alvsjo.pk,
        "place": world.alvsjo_centrum.pk,
        "starts_at": "2026-11-12T18:30",
        "after_dark": "on",
        "meeting_point": "Pendeltågsentrén",
        "invited": [world.orgs["police"].pk, world.orgs["property"].pk],
        "public_places": "10",
        "introduction_at": "2026-11-01T18:00",
        "introduction_notes": "Mörkt vid tunneln.",
        "feedback_at": "2026-12-01T18:00",
        "route_text": json.dumps(ROUTE),
        "stops_text": json.dumps([["Entrén", 18.006, 59.2775], ["Torget", 18.01, 59.2775]]),
    }
    data.update(fields)
    return data


def record(walk, by, key, lon=18.010, lat=59.2776, **kw):
    finding, _new = services.finding_record(
        walk=walk, by=by, key=key, lon=lon, lat=lat, score=kw.pop("score", 2), **kw
    )
    return finding


def test_a_coordinator_plans_a_walk_with_route_and_stops(world, login):
    response = login(world.anna).post(reverse("walks:new"), plan(world))

    walk = Walk.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("walks:detail", args=[walk.pk])
    assert walk.route == ROUTE and walk.city == world.stockholm
    assert [(s.number, s.name) for s in walk.stops.all()] == [(1, "Entrén"), (2, "Torget")]
    assert set(walk.invited.all()) == {world.orgs["police"], world.orgs["property"]}
    assert timezone.localtime(walk.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-11-12 18:30"


def test_a_walk_without_a_route_is_allowed(world, login):
    response = login(world.anna).post(
        reverse("walks:new"), plan(world, route_text="", stops_text="")
    )

    assert response.status_code == 302
    walk = Walk.objects.get()
    assert walk.route is None and not walk.stops.exists()


def test_stops_may_be_typed_one_a_line(world, login):
    login(world.anna).post(
        reverse("walks:new"),
        plan(world, stops_text="Entrén; 18,006; 59,2775\nTorget; 18.01; 59.2775"),
    )
    assert [s.lon for s in Walk.objects.get().stops.all()] == [18.006, 18.01]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("route_text", '{"type": "Point", "coordinates": [18, 59]}', "LineString"),
        ("route_text", "not json", "Rutten gick inte att läsa"),
        ("stops_text", "Entrén without coordinates", "Stoppen gick inte att läsa"),
        ("feedback_at", "2026-10-01T18:00", "Återkopplingsmötet måste ligga efter vandringen"),
    ],
)
def test_a_bad_plan_is_refused_naming_the_field(world, login, field, value, message):
    response = login(world.anna).post(reverse("walks:new"), plan(world, **{field: value}))

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Walk.objects.exists()


def test_a_partner_may_not_plan_a_walk(world, login):
    assert login(world.sara).get(reverse("walks:new")).status_code == 403


def test_the_list_shows_the_walks_one_sees(world, login, walk, django_assert_max_num_queries):
    client = login(world.petra)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("walks:list"))
    assert walk.title in response.content.decode()
    assert walk.title not in login(world.olle).get(reverse("walks:list")).content.decode()


def test_another_districts_coordinator_gets_404(world, login, walk):
    client = login(world.olle)
    assert client.get(reverse("walks:detail", args=[walk.pk])).status_code == 404
    assert client.get(reverse("walks:edit", args=[walk.pk])).status_code == 404
    assert client.post(reverse("walks:publish", args=[walk.pk])).status_code == 404
    assert client.get(reverse("walks:protocol_pdf", args=[walk.pk])).status_code == 404


def test_an_invited_organisation_sees_but_may_not_change(world, login, walk):
    client = login(world.rut)
    page = client.get(reverse("walks:detail", args=[walk.pk]))
    assert page.status_code == 200
    assert reverse("walks:record", args=[walk.pk]) in page.content.decode()
    assert reverse("walks:publish", args=[walk.pk]) not in page.content.decode()
    assert client.get(reverse("walks:edit", args=[walk.pk])).status_code == 403


def test_runners_see_signup_names_and_others_only_the_count(world, login, walk):
    services.signup(walk=walk, name="Kerstin", email="kerstin@example.se")

    assert (
        "kerstin@example.se"
        in login(world.anna).get(reverse("walks:detail", args=[walk.pk])).content.decode()
    )
    page = login(world.rut).get(reverse("walks:detail", args=[walk.pk])).content.decode()
    assert "Kerstin" not in page and "1 av 2 platser" in page


def test_the_coordinator_edits_a_findings_text_and_owner(world, login, walk):
    finding = record(walk, world.petra, "k1", factors=["lighting"], text="mörk")
    prefix = f"f{finding.pk}"

    response = login(world.anna).post(
        reverse("walks:finding_edit", args=[finding.pk]),
        {
            f"{prefix}-text": "Trasig belysning i gångtunneln",
            f"{prefix}-score": "1",
            f"{prefix}-factors": ["lighting", "sightlines"],
            f"{prefix}-owner": world.orgs["property"].pk,
        },
    )

    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.owner == world.orgs["property"]
    assert (finding.text, finding.score) == ("Trasig belysning i gångtunneln", 1)
    assert finding.factors == ["lighting", "sightlines"]


def test_an_invited_organisation_may_not_edit_a_finding(world, login, walk):
    finding = record(walk, world.rut, "k1", text="mörk")
    response = login(world.rut).post(
        reverse("walks:finding_edit", args=[finding.pk]), {f"f{finding.pk}-score": "5"}
    )
    assert response.status_code == 403
    assert (
        login(world.olle).post(reverse("walks:finding_edit", args=[finding.pk])).status_code == 404
    )


def test_an_owner_of_another_city_is_refused(world, login, walk):
    finding = record(walk, world.anna, "k1")
    login(world.anna).post(
        reverse("walks:finding_edit", args=[finding.pk]),
        {f"f{finding.pk}-score": "3", f"f{finding.pk}-owner": world.orgs["angered_sdf"].pk},
    )
    finding.refresh_from_db()
    assert finding.owner != world.orgs["angered_sdf"]


def test_walked_and_published_by_the_coordinator(world, login, walk, categories):
    client = login(world.anna)
    client.post(reverse("walks:walked", args=[walk.pk]))
    walk.refresh_from_db()
    assert walk.status == Walk.Status.WALKED

    client.post(reverse("walks:publish", args=[walk.pk]))
    walk.refresh_from_db()
    assert walk.published
    assert login(world.rut).post(reverse("walks:walked", args=[walk.pk])).status_code == 403


def test_walk_it_again_plans_the_same_route_a_year_later(world, login, walk):
    response = login(world.anna).post(reverse("walks:repeat", args=[walk.pk]))

    again = Walk.objects.exclude(pk=walk.pk).get()
    assert response["Location"] == reverse("walks:edit", args=[again.pk])
    assert again.previous == walk and again.status == Walk.Status.PLANNED
    assert again.route == walk.route and again.district == walk.district
    assert [s.name for s in again.stops.all()] == ["Entrén", "Torget"]
    assert set(again.invited.all()) == set(walk.invited.all())
    assert timezone.localtime(again.starts_at).year == timezone.localtime(walk.starts_at).year + 1


def _jpeg():
    image = Image.new("RGB", (120, 80), (30, 120, 200))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return CleanPhoto(
        content=out.getvalue(), content_type="image/jpeg", extension="jpg", width=120, height=80
    )


def test_the_protocol_pdf_shows_map_findings_and_owners(world, login, walk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    finding = record(
        walk, world.petra, "k1", factors=["graffiti"], text="Klotter på muren", photos=[_jpeg()]
    )
    services.finding_answer(finding=finding, by=world.rut, answer="already_done", text="Sanerat")

    response = login(world.anna).get(reverse("walks:protocol_pdf", args=[walk.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = pdfium.PdfDocument(response.content)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    assert "Klotter på muren" in text
    assert "Fastighets AB Centrum" in text and "Sanerat" in text
    assert "Testsson" not in text and "example.org" not in text
    image = document[0].render(scale=1.5).to_pil()
    image.save(tmp_path / "protocol.png")
    assert image.size[0] > 800


def test_the_pdf_of_an_unpublished_walk_asks_strangers_to_log_in(client, walk):
    response = client.get(reverse("walks:protocol_pdf", args=[walk.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_compare_shows_the_score_change_at_a_stop(world, login, walk):
    stop = walk.stops.get(number=2)
    record(walk, world.anna, "a", score=1, factors=["lighting"], stop=stop)
    record(walk, world.anna, "b", score=2, factors=["lighting", "graffiti"], stop=stop)
    again = services.walk_save(
        walk=Walk(
            district=walk.district,
            title=walk.title,
            starts_at=walk.starts_at + dt.timedelta(days=365),
            route=walk.route,
            previous=walk,
        ),
        by=world.anna,
        stops=[("Entrén", 18.006, 59.2775), ("Torget", 18.010, 59.2775)],
    )
    # Noted without a stop, 11 m from Torget: counts for it.
    record(again, world.anna, "c", score=4, factors=["graffiti"], lon=18.010, lat=59.2776)

    rows = {row.number: row for row in compare(again)}
    assert rows[2].before.mean == 1.5 and rows[2].after.mean == 4
    assert rows[2].gone == [str(Factor.LIGHTING.label)] and rows[2].appeared == []

    response = login(world.anna).get(reverse("walks:compare", args=[again.pk]))
    torget = next(row for row in response.context["rows"] if row.number == 2)
    assert torget.change_text in ("+2,5", "+2.5")
    assert torget.change_text in response.content.decode()
    assert login(world.olle).get(reverse("walks:compare", args=[again.pk])).status_code == 404


def test_a_photo_is_served_to_those_who_see_the_walk(world, login, walk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    finding = record(walk, world.petra, "k1", photos=[_jpeg()])
    token = finding.photos.get().token

    assert login(world.petra).get(reverse("walks:photo", args=[token])).status_code == 200
    assert login(world.olle).get(reverse("walks:photo", args=[token])).status_code == 404
    assert login(world.sara).get(reverse("walks:photo", args=[token])).status_code == 404
    # SL was not invited, but is to answer the finding: it sees the photo it is about.
    finding.owner = world.orgs["sl"]
    finding.save()
    assert login(world.sara).get(reverse("walks:photo", args=[token])).status_code == 200
    assert Finding.objects.count() == 1


def test_the_plan_form_shows_the_drawing_map_and_the_stops(world, login, walk):
    client = login(world.anna)
    assert client.get(reverse("walks:new")).status_code == 200

    page = client.get(reverse("walks:edit", args=[walk.pk])).content.decode()

    assert 'data-route-field="id_route_text"' in page and "walk-route.js" in page
    assert "Torget" in page and "LineString" in page


def test_an_edit_that_keeps_the_stops_keeps_the_findings_at_them(world, login, walk):
    finding = record(walk, world.anna, "k1", stop=walk.stops.get(number=2))
    stops = json.dumps([[s.name, s.lon, s.lat] for s in walk.stops.all()])

    response = login(world.anna).post(
        reverse("walks:edit", args=[walk.pk]),
        plan(world, title="Ny titel", stops_text=stops, starts_at="2026-01-10T18:00"),
    )

    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.stop is not None and finding.stop.number == 2


def test_a_renamed_or_moved_stop_keeps_its_findings(world, login, walk):
    finding = record(walk, world.anna, "k1", stop=walk.stops.get(number=2))
    stops = [[s.name, s.lon, s.lat] for s in walk.stops.all()]
    stops[1] = ["Gångtunneln, norra änden", stops[1][1] + 0.0005, stops[1][2]]

    response = login(world.anna).post(
        reverse("walks:edit", args=[walk.pk]),
        plan(world, stops_text=json.dumps(stops), starts_at="2026-01-10T18:00"),
    )

    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.stop.number, finding.stop.name) == (2, "Gångtunneln, norra änden")


def test_a_stop_with_findings_is_not_dropped(world, login, walk):
    record(walk, world.anna, "k1", stop=walk.stops.order_by("number").last())
    before = [(s.number, s.name) for s in walk.stops.all()]
    fewer = [[s.name, s.lon, s.lat] for s in walk.stops.all()][:-1]

    response = login(world.anna).post(
        reverse("walks:edit", args=[walk.pk]),
        plan(world, stops_text=json.dumps(fewer), starts_at="2026-01-10T18:00"),
    )

    assert response.status_code == 400
    assert "har iakttagelser" in " ".join(response.context["form"].errors["stops_text"])
    assert [(s.number, s.name) for s in walk.stops.all()] == before


def test_a_finding_moved_to_another_stop_lets_the_old_one_go(world, login, walk):
    last = walk.stops.order_by("number").last()
    finding = record(walk, world.anna, "k1", stop=last)
    client = login(world.anna)

    client.post(
        reverse("walks:finding_edit", args=[finding.pk]),
        {f"f{finding.pk}-score": "3", f"f{finding.pk}-stop": walk.stops.get(number=1).pk},
    )
    fewer = [[s.name, s.lon, s.lat] for s in walk.stops.all()][:-1]
    response = client.post(
        reverse("walks:edit", args=[walk.pk]),
        plan(world, stops_text=json.dumps(fewer), starts_at="2026-01-10T18:00"),
    )

    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.stop.number == 1
    assert not walk.stops.filter(pk=last.pk).exists()


def test_the_coordinator_turns_any_finding_into_a_measure_from_the_walk(world, login, walk):
    finding, _new = services.finding_record(
        walk=walk, by=world.anna, key="k", lon=18.010, lat=59.2776, score=2, factors=["people"]
    )

    page = login(world.anna).get(reverse("walks:detail", args=[walk.pk])).content.decode()

    assert f"origin=walk_finding&amp;origin_ref={finding.pk}" in page
