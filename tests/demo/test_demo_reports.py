"""The demo's synthetic reports: reproducible, in their districts, and showing the patterns
the demo is there to show. The demo is loaded once for the class (it takes a few seconds)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import shapely
from django.test import TestCase
from django.utils import timezone
from shapely.geometry import shape

from trygg.core.models import OrganisationKind, User
from trygg.demo.loader import load_demo
from trygg.demo.reports import SILENT, SILENT_DAYS, WHO, reports_generate
from trygg.geo.models import City, District, Place
from trygg.reports.models import NilReturn, Precision, Report, ReportEvent, Source
from trygg.reports.queries import review_queue
from trygg.reports.services import week_start
from trygg.reports.workflow import NEEDS_REASON, Status

# The seed document's years: a fixed period, so that generations can be compared.
SEED_YEARS = {"start": dt.date(2016, 1, 1), "end": dt.date(2017, 12, 31)}
EVENING = range(18, 23)


def _hour(report: Report) -> int:
    return timezone.localtime(report.occurred_from).hour


def _share(reports: list[Report], test) -> float:
    return sum(1 for r in reports if test(r)) / len(reports)


def _generated(city: City, seed: int) -> tuple[list[tuple], list[tuple]]:
    NilReturn.objects.all().delete()
    Report.objects.all().delete()
    reports_generate(city=city, seed=seed, **SEED_YEARS)
    reports = list(
        Report.objects.order_by("pk").values_list("category__code", "occurred_from", "x", "y")
    )
    nils = list(
        NilReturn.objects.order_by("pk").values_list("organisation__name", "district__name", "week")
    )
    return reports, nils


class DemoReportsTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_demo()
        cls.city = City.objects.get()

    def reports(self, code: str | None = None) -> list[Report]:
        query = Report.objects.select_related("category", "organisation")
        return list(query.filter(category__code=code) if code else query)

    def test_loading_again_adds_nothing(self) -> None:
        models = (Report, ReportEvent, NilReturn, Report.places.through)
        before = [m.objects.count() for m in models]
        assert load_demo() is False
        assert [m.objects.count() for m in models] == before

    def test_the_same_seed_gives_the_same_reports(self) -> None:
        first = _generated(self.city, 2017)
        again = _generated(self.city, 2017)
        other = _generated(self.city, 2018)
        assert len(first[0]) > 3000 and first[1]
        assert again == first
        assert other[0] != first[0]

    def test_there_are_thousands_from_every_kind_of_reporter(self) -> None:
        reports = self.reports()
        assert 3000 <= len(reports) <= 6000
        sources = {Source.REPORTER, Source.RESIDENT, Source.POLICE_FEED, Source.WALK}
        assert {r.source for r in reports} == sources
        kinds = {r.organisation.kind for r in reports if r.organisation}
        assert {
            OrganisationKind.DISTRICT_ADMINISTRATION,
            OrganisationKind.LOCAL_POLICE_AREA,
            OrganisationKind.PROPERTY_OWNER,
            OrganisationKind.HOUSING_COOPERATIVE,
            OrganisationKind.PUBLIC_TRANSPORT,
            OrganisationKind.TRAFFIC_OFFICE,
            OrganisationKind.CIVIL_SOCIETY,
        } <= kinds
        for username in ("anna", "petra", "rut", "sara", "olle"):
            # A safety walk's findings enter as observations of whoever noted them.
            mine = [
                r
                for r in reports
                if r.reporter and r.reporter.username == username and r.source != Source.WALK
            ]
            assert mine
            assert {r.organisation.name for r in mine} == {WHO[username].organisation}
        districts = {r.district_id for r in reports}
        assert District.objects.filter(pk__in=districts, name="Hägersten-Liljeholmen").exists()

    def test_every_report_lies_inside_its_district(self) -> None:
        reports = self.reports()
        for district in District.objects.filter(pk__in={r.district_id for r in reports}):
            mine = [r for r in reports if r.district_id == district.pk]
            x, y = np.array([r.x for r in mine]), np.array([r.y for r in mine])
            assert shapely.contains_xy(shape(district.geometry_sweref), x, y).all()
        placeless = [r for r in reports if r.district_id is None]
        assert placeless
        assert all(r.precision == Precision.MUNICIPALITY for r in placeless)

    def test_police_events_look_as_the_import_stores_them(self) -> None:
        events = [r for r in self.reports() if r.source == Source.POLICE_FEED]
        assert 5 <= len(events) <= 20
        assert all(r.source_id.startswith("demo-") for r in events)
        assert {r.precision for r in events} == {Precision.MUNICIPALITY, Precision.PLACE}
        assert {r.status for r in events} == {Status.ACCEPTED}
        assert {r.organisation.name for r in events} == {WHO["petra"].organisation}
        assert not ReportEvent.objects.filter(report__in=events).exists()
        for report in events:
            places = list(report.places.values_list("name", flat=True))
            if report.precision == Precision.PLACE:
                assert len(places) == 1 and places[0] in report.description
            else:
                assert not places and report.district_id is None

    def test_drug_dealing_at_alvsjo_centrum_happens_in_the_evening(self) -> None:
        centre = shape(Place.objects.get(name="Älvsjö centrum").geometry_sweref).centroid
        alvsjo = District.objects.get(name="Älvsjö").pk
        reports = self.reports()
        drugs = [r for r in reports if r.category.code == "narkotika" and r.district_id == alvsjo]
        near = [r for r in drugs if np.hypot(r.x - centre.x, r.y - centre.y) <= 400]
        far = [r for r in drugs if r not in near]
        others = [r for r in reports if r.category.code != "narkotika"]
        assert len(near) > 200 and len(far) > 50
        near_share = _share(near, lambda r: _hour(r) in EVENING)
        assert near_share > 0.55
        assert near_share > 2 * _share(far, lambda r: _hour(r) in EVENING)
        assert near_share > 1.5 * _share(others, lambda r: _hour(r) in EVENING)

    def test_lighting_complaints_peak_in_the_dark_months(self) -> None:
        months = Counter(
            timezone.localtime(r.occurred_from).month for r in self.reports("belysning")
        )
        dark = sum(months[m] for m in (10, 11, 12, 1, 2)) / 5
        light = sum(months[m] for m in range(3, 10)) / 7
        assert dark > 4 * light

    def test_litter_and_vandalism_come_at_weekends_and_mopeds_in_summer(self) -> None:
        for code in ("nedskrapning", "skadegorelse", "klotter"):
            reports = self.reports(code)
            weekend = _share(reports, lambda r: timezone.localtime(r.occurred_from).weekday() >= 5)
            assert weekend > 0.42, code
        mopeds = self.reports("vardslos-korning")
        assert _share(mopeds, lambda r: 5 <= timezone.localtime(r.occurred_from).month <= 8) > 0.7

    def test_burglaries_come_in_near_repeats(self) -> None:
        burglaries = self.reports("inbrott")
        assert len(burglaries) > 50

        def has_neighbour(r: Report) -> bool:
            return any(
                o.pk != r.pk
                and abs((o.occurred_from - r.occurred_from).days) <= 14
                and (o.x - r.x) ** 2 + (o.y - r.y) ** 2 <= 200**2
                for o in burglaries
            )

        assert _share(burglaries, has_neighbour) > 0.5

    def test_every_report_has_its_history(self) -> None:
        reports = {r.pk: r for r in self.reports()}
        events: dict[int, list[ReportEvent]] = {}
        for event in ReportEvent.objects.order_by("at", "pk"):
            events.setdefault(event.report_id, []).append(event)
        for pk, report in reports.items():
            if report.source == Source.POLICE_FEED:
                continue
            kinds = [e.kind for e in events[pk]]
            assert kinds[0] == ReportEvent.Kind.CREATED
            assert events[pk][0].at == report.created_at
            changes = [e for e in events[pk] if e.kind == ReportEvent.Kind.STATUS]
            if report.status == Status.RECEIVED:
                assert not changes and report.answer_due_at is not None
            else:
                assert changes[-1].to_status == report.status
                assert report.answer_due_at is None
            if report.status in NEEDS_REASON:
                assert report.status_reason
            if report.status == Status.DUPLICATE:
                assert report.duplicate_of_id in reports
                assert ReportEvent.Kind.MERGED in kinds

    def test_old_reports_are_handled_and_the_review_queue_has_work(self) -> None:
        now = timezone.now()
        reports = self.reports()
        old = [r for r in reports if r.created_at < now - dt.timedelta(days=60)]
        done = {Status.DONE, Status.CLOSED}
        assert _share(old, lambda r: r.status in done) > 0.7
        assert {Status.REJECTED, Status.DUPLICATE} <= {r.status for r in old}
        received = [r for r in reports if r.status == Status.RECEIVED]
        assert all(r.created_at > now - dt.timedelta(days=30) for r in received)
        assert 0 < len(received) < 150
        overdue = [r for r in received if r.is_overdue(now)]
        assert len(overdue) < len(received) / 2
        assert review_queue(user=User.objects.get(username="anna")).exists()

    def test_nil_returns_vary_and_one_partner_goes_quiet_for_a_month(self) -> None:
        nils = list(NilReturn.objects.select_related("organisation"))
        assert len({n.organisation_id for n in nils}) >= 3
        assert all(n.week.weekday() == 0 for n in nils)
        organisation = WHO[SILENT].organisation
        active = {
            week_start(timezone.localdate(r.created_at))
            for r in self.reports()
            if r.organisation and r.organisation.name == organisation
        }
        active |= {n.week for n in nils if n.organisation.name == organisation}
        weeks = sorted(active)
        gaps = sorted((b - a).days for a, b in zip(weeks, weeks[1:], strict=False))
        # A silent month holds at least its whole weeks; otherwise the partner misses few.
        assert gaps[-1] >= 7 * (SILENT_DAYS // 7)
        assert gaps[-2] <= 21

    def test_no_personal_data_that_looks_real(self) -> None:
        for report in self.reports():
            assert report.contact_email == "" or report.contact_email.endswith("@example.org")
            if report.source == Source.RESIDENT:
                assert report.reporter_id is None and report.organisation_id is None
                assert report.public_token
            else:
                assert not report.contact_email and not report.public_token
