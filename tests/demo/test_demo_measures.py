"""The demo's measures and meetings: every state, a year of weekly meetings, and effects that
show in the demo's reports. The demo is loaded once for the class (it takes a few seconds)."""

from __future__ import annotations

import datetime as dt

import shapely
from django.test import TestCase
from django.utils import timezone
from shapely.geometry import shape

from trygg.core.models import OrganisationKind
from trygg.demo.loader import load_demo
from trygg.demo.measures import MEASURES, MEETINGS
from trygg.geo.models import District, Place
from trygg.measures.models import Measure, Meeting
from trygg.measures.workflow import NEEDS_REASON, Status
from trygg.reports.models import Precision, Report
from trygg.reports.services import week_start

DEFINITIONS = {d["key"]: d for d in MEASURES}


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _measure(key: str) -> Measure:
    return Measure.objects.get(title=DEFINITIONS[key]["title"])


def _before_after(reports: list[Report], start: dt.date, weeks: int) -> tuple[int, int]:
    """Reports in the `weeks` whole weeks before the start and in as many from it."""
    s, span = _at(start), dt.timedelta(weeks=weeks)
    before = sum(1 for r in reports if s - span <= r.occurred_from < s)
    after = sum(1 for r in reports if s <= r.occurred_from < s + span)
    return before, after


def _weeks_around(start: dt.date, today: dt.date) -> int:
    """As many whole weeks before the start as after it, within the demo's two years."""
    return min((today - start).days, (start - (today - dt.timedelta(days=730))).days) // 7


class DemoMeasuresTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_demo()
        cls.today = timezone.localdate()
        cls.alvsjo = District.objects.get(name="Älvsjö")

    def test_loading_again_adds_nothing(self) -> None:
        models = (Measure, Measure.history.model, Meeting, Measure.reports.through)
        before = [m.objects.count() for m in models]
        assert load_demo() is False
        assert [m.objects.count() for m in models] == before

    def test_there_are_measures_in_every_state(self) -> None:
        measures = list(Measure.objects.all())
        assert len(measures) == len(MEASURES)
        assert {m.status for m in measures} == set(Status.values)
        for measure in measures:
            if measure.status in NEEDS_REASON:
                assert measure.status_reason
        overdue = [m for m in measures if m.overdue_on(self.today)]
        assert any(m.status == Status.DECIDED for m in overdue)

    def test_the_responsible_organisations_fit_the_work(self) -> None:
        kinds = {
            "lighting": OrganisationKind.TRAFFIC_OFFICE,
            "police": OrganisationKind.LOCAL_POLICE_AREA,
            "graffiti": OrganisationKind.PROPERTY_OWNER,
            "field_work": OrganisationKind.DISTRICT_ADMINISTRATION,
        }
        for key, kind in kinds.items():
            measure = _measure(key)
            assert measure.responsible.kind == kind, key
            assert measure.place is not None and measure.categories.exists(), key
            assert measure.comparison_district.name == "Hägersten-Liljeholmen", key
            assert measure.reports.exists(), key
        assert _measure("lighting").technique
        assert not _measure("police").technique

    def test_a_year_of_weekly_meetings_with_this_weeks_still_open(self) -> None:
        meetings = list(Meeting.objects.filter(district=self.alvsjo).order_by("week"))
        assert len(meetings) == MEETINGS == 52
        this_week = week_start(self.today)
        assert [m.week for m in meetings] == [
            this_week - dt.timedelta(weeks=k) for k in reversed(range(MEETINGS))
        ]
        *held, current = meetings
        assert current.week == this_week and not current.closed
        for meeting in held:
            assert meeting.closed and meeting.closed_by.username == "anna"
            assert meeting.closed_at <= timezone.now()
            assert meeting.minutes
            assert meeting.participants.count() >= 4
            assert meeting.focus_places.exists()

    def test_decisions_are_taken_at_meetings_and_minuted(self) -> None:
        for measure in Measure.objects.exclude(status=Status.PROPOSED):
            assert measure.meeting is not None, measure
            assert measure.meeting.district_id == measure.district_id
            assert measure.title in measure.meeting.minutes
        assert Measure.objects.get(status=Status.PROPOSED).meeting is None

    def test_the_history_is_dated_and_signed_as_it_happened(self) -> None:
        now = timezone.now()
        for measure in Measure.objects.all():
            records = list(measure.history.order_by("history_date"))
            assert records[0].status == Status.PROPOSED
            assert records[0].history_user.username == "anna"
            assert records[0].history_date == measure.created_at
            assert records[-1].status == measure.status
            dates = [r.history_date for r in records]
            assert dates == sorted(dates) and dates[-1] <= now
            assert all(r.history_user is not None for r in records)
        police = [r.history_user.username for r in _measure("police").history.all()]
        assert "petra" in police

    def test_the_lighting_measure_shows_a_clear_fall_against_its_comparison(self) -> None:
        measure = _measure("lighting")
        codes = list(measure.categories.values_list("code", flat=True))
        assert set(codes) == {"belysning", "otrygg-plats"}
        weeks = _weeks_around(measure.start, self.today)
        assert weeks >= 26
        reports = Report.objects.filter(category__code__in=codes)
        target = _before_after(list(reports.filter(places=measure.place)), measure.start, weeks)
        comparison = _before_after(
            list(reports.filter(district=measure.comparison_district)), measure.start, weeks
        )
        assert target[0] >= 30
        assert target[1] <= 0.6 * target[0]
        assert comparison[0] >= 30
        assert comparison[1] / comparison[0] > target[1] / target[0] + 0.25

    def test_evening_police_presence_lowers_drug_reports_and_the_ring_a_little(self) -> None:
        measure = _measure("police")
        weeks = _weeks_around(measure.start, self.today)
        drugs = Report.objects.filter(category__code="narkotika", precision=Precision.POINT)

        def evening(query):
            return [r for r in query if timezone.localtime(r.occurred_from).hour >= 18]

        target = _before_after(evening(drugs.filter(places=measure.place)), measure.start, weeks)
        place = shape(Place.objects.get(pk=measure.place_id).geometry_sweref)
        ring = place.buffer(200).difference(place.buffer(5))
        nearby = [r for r in evening(drugs) if shapely.contains_xy(ring, r.x, r.y)]
        buffer = _before_after(nearby, measure.start, weeks)
        assert target[1] <= 0.5 * target[0]
        # Diffusion of benefits: the ring falls too, but less than the place itself.
        assert target[1] / target[0] < buffer[1] / buffer[0] < 1.0
