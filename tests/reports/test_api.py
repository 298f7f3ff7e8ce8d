import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.reports.conftest import IN_ALVSJO, IN_ALVSJO_CENTRUM, IN_HAGERSTEN
from trygg.core.models import ApiToken
from trygg.core.services import api_token_create
from trygg.reports import services
from trygg.reports.models import Report, Source
from trygg.reports.workflow import Status


@pytest.fixture
def bearer(world):
    """Authorization headers for a person of the cast, with a fresh token."""

    def _bearer(user):
        _token, raw = api_token_create(user=user, name="test")
        return {"authorization": f"Bearer {raw}"}

    return _bearer


@pytest.fixture
def make_report(world, categories):
    def _make(
        *,
        by=None,
        organisation=None,
        at=IN_ALVSJO_CENTRUM,
        category="narkotika",
        hours_ago=1,
        **extra,
    ):
        return services.report_create(
            city=world.stockholm,
            category=categories[category],
            lon=at[0],
            lat=at[1],
            occurred_from=timezone.now() - dt.timedelta(hours=hours_ago),
            description="Försäljning vid trappan",
            by=by or world.petra,
            organisation=organisation or world.orgs["police"],
            **extra,
        )

    return _make


def valid_body(world, categories, **overrides):
    body = {
        "category": categories["klotter"].pk,
        "organisation": world.orgs["police"].pk,
        "occurred_from": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        "description": "Nytt klotter på gångtunneln",
        "lon": IN_ALVSJO[0],
        "lat": IN_ALVSJO[1],
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def post(client, headers, body):
    return client.post(
        "/api/reports", json.dumps(body), content_type="application/json", headers=headers
    )


def ids(response):
    return [item["id"] for item in response.json()["items"]]


# Listing -----------------------------------------------------------------------


def test_it_lists_what_the_person_may_see_newest_first(world, client, bearer, make_report):
    older = make_report(hours_ago=5)
    newer = make_report(hours_ago=1)
    in_hagersten = make_report(at=IN_HAGERSTEN)
    response = client.get("/api/reports", headers=bearer(world.anna))
    assert response.status_code == 200
    assert ids(response) == [newer.pk, older.pk]
    assert response.json()["count"] == 2
    assert ids(client.get("/api/reports", headers=bearer(world.olle))) == [in_hagersten.pk]
    assert ids(client.get("/api/reports", headers=bearer(world.gustav))) == []


def test_it_filters_like_the_exports(world, categories, client, bearer, make_report):
    drugs = make_report(category="narkotika")
    graffiti = make_report(category="klotter", at=IN_ALVSJO)
    old = make_report(category="klotter", hours_ago=24 * 40)
    services.report_transition(report=graffiti, to=Status.ACCEPTED, by=world.anna)
    headers = bearer(world.anna)

    def listed(query):
        response = client.get(f"/api/reports?{query}", headers=headers)
        assert response.status_code == 200, response.content
        return set(ids(response))

    assert listed(f"category={categories['klotter'].pk}") == {graffiti.pk, old.pk}
    assert listed(f"category={categories['klotter'].pk}&category={categories['narkotika'].pk}") == {
        drugs.pk,
        graffiti.pk,
        old.pk,
    }
    assert listed("status=accepted") == {graffiti.pk}
    assert listed(f"place={world.alvsjo_centrum.pk}") == {drugs.pk, old.pk}
    assert listed(f"district={world.alvsjo.pk}") == {drugs.pk, graffiti.pk, old.pk}
    assert listed(f"district={world.hagersten.pk}") == set()
    assert listed(f"organisation={world.orgs['police'].pk}") == {drugs.pk, graffiti.pk, old.pk}
    since = timezone.localdate() - dt.timedelta(days=7)
    assert listed(f"start={since:%Y-%m-%d}") == {drugs.pk, graffiti.pk}
    assert listed(f"end={since:%Y-%m-%d}") == {old.pk}


def test_it_pages_with_limit_and_offset(world, client, bearer, make_report):
    made = [make_report(hours_ago=hours) for hours in range(1, 6)]
    response = client.get("/api/reports?limit=2&offset=1", headers=bearer(world.anna))
    assert ids(response) == [made[1].pk, made[2].pk]
    assert response.json()["count"] == 5


@pytest.mark.parametrize(
    "query, field",
    [
        ("start=2024-13-01", "start"),
        ("end=yesterday", "end"),
        ("start=2024-05-02&end=2024-05-01", "end"),
        ("category=drugs", "category"),
        ("place=1.5", "place"),
        ("status=lost", "status"),
        ("overdue=perhaps", "overdue"),
        ("limit=1001", "limit"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
    ],
)
def test_a_bad_parameter_is_named(world, client, bearer, query, field):
    response = client.get(f"/api/reports?{query}", headers=bearer(world.anna))
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_the_list_costs_the_same_queries_for_1_and_20_reports(
    world, client, bearer, make_report, django_assert_num_queries
):
    headers = bearer(world.anna)
    ApiToken.objects.update(last_used_at=timezone.now())
    make_report()
    with CaptureQueriesContext(connection) as one:
        assert len(ids(client.get("/api/reports", headers=headers))) == 1
    for hours in range(2, 21):
        make_report(hours_ago=hours, at=IN_ALVSJO if hours % 2 else IN_ALVSJO_CENTRUM)
    # token, memberships, their districts, the page, its places, the count
    with django_assert_num_queries(6):
        assert len(ids(client.get("/api/reports", headers=headers))) == 20
    assert len(one.captured_queries) == 6


# Creating ----------------------------------------------------------------------


def test_a_report_is_created(world, categories, client, bearer):
    response = post(client, bearer(world.petra), valid_body(world, categories))
    assert response.status_code == 201, response.content
    body = response.json()
    report = Report.objects.get(pk=body["id"])
    assert report.source == Source.API
    assert report.reporter == world.petra
    assert report.organisation == world.orgs["police"]
    assert body["category"] == {
        "id": categories["klotter"].pk,
        "code": "klotter",
        "name": "Klotter",
        "name_en": "Graffiti",
    }
    assert body["district"] == {"id": world.alvsjo.pk, "name": "Älvsjö"}
    assert body["status"] == "received"
    assert body["public_status"] == "received"
    assert body["source"] == "api"
    assert body["lon"] == IN_ALVSJO[0]
    assert body["x"] == pytest.approx(report.x)


def test_times_are_given_in_stockholm_time(world, categories, client, bearer):
    body = valid_body(world, categories, occurred_from="2024-01-15T08:30:00")
    response = post(client, bearer(world.petra), body)
    assert response.status_code == 201, response.content
    assert response.json()["occurred_from"] == "2024-01-15T08:30:00+01:00"
    report = Report.objects.get(pk=response.json()["id"])
    assert report.occurred_from == dt.datetime(2024, 1, 15, 7, 30, tzinfo=dt.UTC)


def test_a_reporter_of_one_organisation_may_leave_it_out(world, categories, client, bearer):
    body = valid_body(world, categories, organisation=None)
    response = post(client, bearer(world.rut), body)
    assert response.status_code == 201, response.content
    assert response.json()["organisation"]["id"] == world.orgs["property"].pk


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"category": None}, "category"),
        ({"lon": None}, "lon"),
        ({"lon": "öst"}, "lon"),
        ({"lon": 11.97, "lat": 57.70}, "position"),
        ({"lon": IN_ALVSJO[1], "lat": IN_ALVSJO[0]}, "position"),
        ({"lon": 200}, "position"),
        ({"description": "  "}, "description"),
        ({"occurred_from": "yesterday"}, "occurred_from"),
        ({"precision": "guess"}, "precision"),
        ({"category": 0}, "category"),
        ({"category": 10**6}, "category"),
        ({"organisation": "Polisen"}, "organisation"),
    ],
)
def test_bad_input_is_refused_naming_the_field(world, categories, client, bearer, overrides, field):
    response = post(client, bearer(world.petra), valid_body(world, categories, **overrides))
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert response.json()["errors"][field][0]
    assert not Report.objects.exists()


def test_a_time_in_the_future_is_refused(world, categories, client, bearer):
    later = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    response = post(client, bearer(world.petra), valid_body(world, categories, occurred_from=later))
    assert response.status_code == 422
    assert "occurred_from" in response.json()["errors"]


def test_a_category_of_another_city_is_refused(world, categories, client, bearer):
    goteborg = world.goteborg.categories.get(code="klotter")
    response = post(
        client, bearer(world.petra), valid_body(world, categories, category=goteborg.pk)
    )
    assert response.status_code == 422
    assert "category" in response.json()["errors"]


@pytest.mark.parametrize("who", ["rut", "sara", "nobody"])
def test_nobody_reports_for_an_organisation_not_theirs(world, categories, client, bearer, who):
    response = post(client, bearer(world.people[who]), valid_body(world, categories))
    assert response.status_code == 422
    assert "organisation" in response.json()["errors"]
    assert not Report.objects.exists()


def test_someone_with_several_organisations_must_choose(world, categories, client, bearer):
    from tests.factories import member
    from trygg.core.models import Role

    member(world.petra, world.orgs["sl"], Role.REPORTER)
    body = valid_body(world, categories, organisation=None)
    response = post(client, bearer(world.petra), body)
    assert response.status_code == 422
    assert "organisation" in response.json()["errors"]


def test_a_body_that_is_not_json_is_a_bad_request(world, client, bearer):
    response = client.post(
        "/api/reports", "{not json", content_type="application/json", headers=bearer(world.petra)
    )
    assert response.status_code == 400


# One report ----------------------------------------------------------------------


def test_a_visible_report_is_shown(world, client, bearer, make_report):
    report = make_report()
    response = client.get(f"/api/reports/{report.pk}", headers=bearer(world.anna))
    assert response.status_code == 200
    assert response.json()["places"] == [{"id": world.alvsjo_centrum.pk, "name": "Älvsjö centrum"}]


@pytest.mark.parametrize("who", ["olle", "gustav", "maja", "nobody", "sara"])
def test_an_invisible_report_is_not_found(world, client, bearer, make_report, who):
    report = make_report()
    response = client.get(f"/api/reports/{report.pk}", headers=bearer(world.people[who]))
    assert response.status_code == 404
    missing = client.get("/api/reports/999999", headers=bearer(world.people[who]))
    assert missing.status_code == 404
    assert response.json() == missing.json()


def test_a_partner_sees_an_accepted_report(world, client, bearer, make_report):
    report = make_report()
    services.report_transition(report=report, to=Status.ACCEPTED, by=world.anna)
    response = client.get(f"/api/reports/{report.pk}", headers=bearer(world.sara))
    assert response.status_code == 200


def test_the_feedback_email_never_leaves_through_the_api(world, client, bearer, make_report):
    report = make_report(
        source=Source.RESIDENT, by=None, organisation=None, contact_email="boende@example.org"
    )
    headers = bearer(world.anna)
    for url in ("/api/reports", f"/api/reports/{report.pk}"):
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        assert b"boende@example.org" not in response.content
        assert b"contact_email" not in response.content
    assert b"contact_email" not in client.get("/api/openapi.json").content


# Categories --------------------------------------------------------------------


def test_categories_are_those_of_the_cities_one_sees(world, categories, client, bearer):
    stockholm = client.get("/api/categories", headers=bearer(world.anna)).json()
    assert {c["city"]["id"] for c in stockholm} == {world.stockholm.pk}
    assert {c["code"] for c in stockholm} == set(categories)
    goteborg = client.get("/api/categories", headers=bearer(world.gustav)).json()
    assert {c["city"]["id"] for c in goteborg} == {world.goteborg.pk}
    assert client.get("/api/categories", headers=bearer(world.nobody)).json() == []


# Authentication ----------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"authorization": "Bearer not-a-token"},
        {"authorization": "Bearer "},
        {"authorization": "Basic YW5uYTpzZWNyZXQ="},
    ],
)
@pytest.mark.parametrize("url", ["/api/reports", "/api/reports/1", "/api/categories"])
def test_without_a_valid_token_the_answer_is_401(world, client, headers, url):
    response = client.get(url, headers=headers)
    assert response.status_code == 401


def test_a_post_without_a_token_is_401(world, categories, client):
    response = post(client, {}, valid_body(world, categories))
    assert response.status_code == 401
    assert not Report.objects.exists()


def test_the_token_of_an_inactive_person_is_refused(world, client, bearer):
    headers = bearer(world.anna)
    world.anna.is_active = False
    world.anna.save()
    assert client.get("/api/reports", headers=headers).status_code == 401


def test_a_revoked_token_is_refused(world, client):
    token, raw = api_token_create(user=world.anna, name="script")
    token.delete()
    headers = {"authorization": f"Bearer {raw}"}
    assert client.get("/api/reports", headers=headers).status_code == 401


def test_the_browser_session_works_with_its_csrf_token(world, categories, make_report):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.petra)
    make_report()
    assert browser.get("/api/reports").status_code == 200
    refused = browser.post(
        "/api/reports", json.dumps(valid_body(world, categories)), content_type="application/json"
    )
    assert refused.status_code == 403
    assert Report.objects.count() == 1


# The OpenAPI document ------------------------------------------------------------


def test_the_openapi_document_describes_the_endpoints(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert {"/api/reports", "/api/reports/{report_id}", "/api/categories"} <= set(document["paths"])
    assert set(document["paths"]["/api/reports"]) == {"get", "post"}
    schemes = document["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_the_docs_page_loads_nothing_from_a_cdn(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert b"cdn." not in response.content


def test_a_place_drawn_a_moment_ago_is_found_by_the_next_report(world, categories, client, bearer):
    headers = bearer(world.petra)
    assert post(client, headers, valid_body(world, categories)).json()["places"] == []
    from tests.factories import place

    new = place(world.alvsjo, "Gångtunneln", (17.985, 59.26, 17.995, 59.27))
    response = post(client, headers, valid_body(world, categories))
    assert response.json()["places"] == [{"id": new.pk, "name": "Gångtunneln"}]
