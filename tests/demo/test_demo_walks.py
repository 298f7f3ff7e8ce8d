"""The demo's safety walks: last November's walk at Älvsjö centrum and the station, answered
by every owner, and its repeat a year later. The demo is loaded once for the class."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from trygg.demo.loader import load_demo
from trygg.demo.walks import INVITED, LIT_STOPS, walk_day
from trygg.measures.queries import origin_of
from trygg.reports.models import Report, Source
from trygg.walks.models import Finding, Signup, Stop, Walk


class DemoWalksTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_demo()
        cls.today = timezone.localdate()
        cls.first = Walk.objects.get(previous__isnull=True)
        cls.repeat = Walk.objects.get(previous__isnull=False)

    def test_loading_again_adds_nothing(self) -> None:
        models = (Walk, Stop, Signup, Finding, Finding.history.model, Report)
        before = [m.objects.count() for m in models]
        assert load_demo() is False
        assert [m.objects.count() for m in models] == before

    def test_last_novembers_walk_is_published_after_dark_with_twenty_findings(self) -> None:
        walk = self.first
        assert walk.published and walk.after_dark
        assert walk.starts_at.date() == walk_day(self.today.year - 1)
        assert timezone.localtime(walk.starts_at).hour == 18
        assert walk.district.name == "Älvsjö" and walk.place.name == "Älvsjö centrum"
        assert 18 <= walk.findings.count() <= 22
        assert walk.route["type"] == "LineString"
        assert [s.number for s in walk.stops.all()] == [1, 2, 3, 4, 5, 6]
        assert set(walk.invited.values_list("name", flat=True)) == set(INVITED)
        assert walk.signups.exists()
        assert all(s.email.endswith("@example.org") for s in Signup.objects.all())

    def test_every_finding_has_an_owner_and_an_answer_from_that_owner(self) -> None:
        findings = list(self.first.findings.select_related("owner", "answered_by"))
        for finding in findings:
            assert finding.owner is not None, finding
            assert finding.answer, finding
            assert finding.answered_by.memberships.filter(organisation=finding.owner).exists()
            if finding.answer == Finding.Answer.WILL_DO:
                assert finding.answer_date is not None
            if finding.answer == Finding.Answer.WONT_DO:
                assert finding.answer_text
        assert {f.answer for f in findings} == set(Finding.Answer.values)
        assert {f.owner.name for f in findings} == set(INVITED)

    def test_the_findings_were_noted_by_the_organisations_and_for_residents(self) -> None:
        noted_by = set(self.first.findings.values_list("recorded_by__username", flat=True))
        assert {"anna", "petra", "rut", "sara", "bo"} <= noted_by
        assert self.first.findings.filter(text__startswith="Boende:").count() >= 5

    def test_two_findings_became_measures_linked_both_ways(self) -> None:
        linked = list(self.first.findings.filter(measure__isnull=False).select_related("measure"))
        assert len(linked) == 2
        for finding in linked:
            measure = finding.measure
            assert (measure.origin, measure.origin_ref) == ("walk_finding", str(finding.pk))
            origin = origin_of(measure)
            assert origin is not None
            assert origin.url == reverse("walks:detail", args=[self.first.pk])

    def test_published_findings_are_walk_reports_in_the_situation_picture(self) -> None:
        for walk in Walk.objects.filter(status=Walk.Status.PUBLISHED):
            for finding in walk.findings.select_related("report"):
                assert finding.report is not None, finding
                assert finding.report.source == Source.WALK
                assert finding.report.status == "accepted"
        assert Report.objects.filter(source=Source.WALK).count() == Finding.objects.count()

    def test_the_repeat_walk_follows_the_first_a_year_later(self) -> None:
        repeat, first = self.repeat, self.first
        assert repeat.previous == first
        assert repeat.starts_at.date() == walk_day(self.today.year)
        assert list(repeat.stops.values_list("name", "lon", "lat")) == list(
            first.stops.values_list("name", "lon", "lat")
        )
        assert repeat.route == first.route
        if repeat.starts_at + dt.timedelta(hours=2) > timezone.now():
            assert repeat.status == Walk.Status.PLANNED
            assert not repeat.findings.exists()
        else:
            assert repeat.published

    def test_the_lit_stops_feel_safer_on_the_repeat_walk(self) -> None:
        if not self.repeat.published:
            self.skipTest("the repeat walk is still to come")

        def mean(walk: Walk) -> float:
            scores = list(
                walk.findings.filter(stop__number__in=LIT_STOPS).values_list("score", flat=True)
            )
            return sum(scores) / len(scores)

        assert mean(self.repeat) >= mean(self.first) + 1.5
