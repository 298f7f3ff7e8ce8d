"""The situation picture is computed once and served from the cache until its reports change."""

from django.urls import reverse

from tests.situation.test_page import at, report
from tests.situation.test_page import week as week  # noqa: F401  (a fixture)
from trygg.reports.models import Report

URL = reverse("situation:picture")


def total(client, world, week):
    return client.get(URL, {"district": world.alvsjo.pk, **week.query()}).context["picture"].total


def test_an_unchanged_picture_comes_from_the_cache(
    world, categories, login, week, django_assert_max_num_queries
):
    report(world, categories["klotter"], at(week))
    anna = login(world.anna)
    assert total(anna, world, week) == 1
    # The second view reads the session, the user, the areas, the waiting reviews, overdue
    # measures, the last edition and the fingerprint; no reports.
    with django_assert_max_num_queries(23) as captured:
        assert total(anna, world, week) == 1
    assert not any("reports_report_places" in q["sql"] for q in captured.captured_queries)


def test_a_new_report_is_seen_at_once(world, categories, login, week):
    anna = login(world.anna)
    report(world, categories["klotter"], at(week))
    assert total(anna, world, week) == 1

    report(world, categories["klotter"], at(week, hour=20))

    assert total(anna, world, week) == 2


def test_a_changed_or_deleted_report_is_seen_at_once(world, categories, login, week):
    anna = login(world.anna)
    first = report(world, categories["klotter"], at(week))
    report(world, categories["klotter"], at(week))
    assert total(anna, world, week) == 2

    Report.objects.filter(pk=first.pk).delete()
    assert total(anna, world, week) == 1


def test_one_users_picture_is_never_served_to_another(world, categories, login, week, client):
    """Sara (SL) may not see a report the coordinator has not yet let through."""
    report(world, categories["klotter"], at(week))
    assert total(login(world.anna), world, week) == 1

    client.logout()
    sara = login(world.sara)

    assert total(sara, world, week) == 0
