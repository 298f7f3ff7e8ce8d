"""Personal data kept only to answer residents is erased when its time is up."""

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from tests.reports.conftest import IN_ALVSJO, categories  # noqa: F401
from trygg.reports import services as report_services
from trygg.reports.models import Report, Source
from trygg.reports.workflow import Status
from trygg.walks.models import Signup, Walk


def resident_report(world, cats, email="boende@example.se"):
    return report_services.report_create(
        city=world.stockholm,
        category=cats["klotter"],
        lon=IN_ALVSJO[0],
        lat=IN_ALVSJO[1],
        occurred_from=timezone.now() - dt.timedelta(hours=1),
        description="Klotter på väggen",
        by=None,
        source=Source.RESIDENT,
        contact_email=email,
    )


def aged(report, days, status):
    Report.objects.filter(pk=report.pk).update(
        status=status, updated_at=timezone.now() - dt.timedelta(days=days)
    )


def test_a_finished_reports_email_is_erased_after_the_retention(world, categories, settings):  # noqa: F811
    settings.TRYGG_CONTACT_RETENTION_DAYS = 90
    old_closed = resident_report(world, categories)
    aged(old_closed, 91, Status.CLOSED)
    recent_closed = resident_report(world, categories)
    aged(recent_closed, 10, Status.CLOSED)
    old_open = resident_report(world, categories)
    aged(old_open, 200, Status.ACCEPTED)
    out = StringIO()

    call_command("forget_personal_data", stdout=out)

    emails = dict(Report.objects.values_list("pk", "contact_email"))
    assert emails[old_closed.pk] == ""
    assert emails[recent_closed.pk] == emails[old_open.pk] == "boende@example.se"
    assert "Erased 1 reporter e-mail address(es)" in out.getvalue()
    assert Report.objects.get(pk=old_closed.pk).description == "Klotter på väggen"


def test_signups_are_forgotten_after_the_walk_but_still_count(world, settings, login):
    settings.TRYGG_SIGNUP_RETENTION_DAYS = 30
    walk = Walk.objects.create(
        city=world.stockholm,
        district=world.alvsjo,
        title="Kvällsvandring",
        starts_at=timezone.now() - dt.timedelta(days=31),
        public_places=5,
    )
    Signup.objects.create(walk=walk, name="Eva", email="eva@example.se")
    Signup.objects.create(walk=walk, name="Omar", email="omar@example.se")
    soon = Walk.objects.create(
        city=world.stockholm,
        district=world.alvsjo,
        title="Nästa vandring",
        starts_at=timezone.now() + dt.timedelta(days=3),
        public_places=5,
    )
    Signup.objects.create(walk=soon, name="Lina", email="lina@example.se")

    call_command("forget_personal_data", stdout=StringIO())

    assert list(walk.signups.values_list("name", "email")) == [("", None), ("", None)]
    assert list(soon.signups.values_list("email", flat=True)) == ["lina@example.se"]
    page = login(world.anna).get(f"/walks/{walk.pk}/")
    assert page.context["signup_count"] == 2 and page.context["signups"] == []
    call_command("forget_personal_data", stdout=(again := StringIO()))
    assert "0 walk sign-up(s)" in again.getvalue()
