"""The demo's agreements, citizen promises and Älvsjö centrum's place collaboration.
The demo is loaded once for the class."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from trygg.agreements.models import (
    Agreement,
    CitizenPromise,
    CollaborationContact,
    CollaborationMeeting,
    PlaceCollaboration,
    Priority,
    Responsibility,
    Signatory,
)
from trygg.core.models import User
from trygg.demo.loader import load_demo
from trygg.geo.models import District


class DemoAgreementsTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_demo()
        cls.today = timezone.localdate()
        cls.alvsjo = Agreement.objects.get(district__name="Älvsjö", version=2)
        cls.collaboration = PlaceCollaboration.objects.get(place__name="Älvsjö centrum")

    def test_city_overview_lists_every_district_with_its_state(self) -> None:
        self.client.force_login(User.objects.get(username="ingrid"))
        response = self.client.get(reverse("agreements:overview"))
        assert response.status_code == 200
        rows = response.context["rows"]
        names = {r.district.name for r in rows}
        assert names == set(District.objects.values_list("name", flat=True))
        states = {r.district.name: r.state for r in rows}
        assert states["Älvsjö"] == "signed"
        assert "draft" in states.values() and "none" in states.values()
        alvsjo = next(r for r in rows if r.district.name == "Älvsjö")
        assert len(alvsjo.promises) == 2
        assert [c.place.name for c in alvsjo.collaborations] == ["Älvsjö centrum"]
        assert 'data-collaborations="1"' in response.content.decode()

    def test_alvsjo_agreement_is_signed_valid_now_with_three_priorities(self) -> None:
        agreement = self.alvsjo
        assert agreement.signed and agreement.valid_from <= self.today <= agreement.valid_to
        assert agreement.priorities.count() == 3
        assert {s.user.username for s in agreement.signatories.all()} == {"anna", "petra"}
        assert agreement.responsibilities.count() >= 5
        assert agreement.history.first().history_user.username == "anna"
        self.client.force_login(User.objects.get(username="anna"))
        url = reverse("agreements:followup", args=[agreement.pk, self.today.year])
        assert self.client.get(url).status_code == 200

    def test_the_2017_agreement_is_version_1_followed_up_in_words(self) -> None:
        original = self.alvsjo.previous
        assert original is not None and original.version == 1
        assert (original.signed_on.year, original.signed_on.month) == (2017, 1)
        assert (original.valid_from.isoformat(), original.valid_to.isoformat()) == (
            "2017-01-01",
            "2018-12-31",
        )
        assert sorted(original.followups.values_list("year", flat=True)) == [2017, 2018]
        self.client.force_login(User.objects.get(username="anna"))
        page = self.client.get(reverse("agreements:followup", args=[original.pk, 2017]))
        html = page.content.decode()
        assert 'data-coverage="none"' in html and "fotpatrull" in html
        assert all(row.count is None for row in page.context["rows"])
        diff = self.client.get(reverse("agreements:diff", args=[self.alvsjo.pk]))
        changed = [what for what, _before, _after in diff.context["rows"]]
        assert "Ansvar: Gatumiljö" in changed and "Prioritering 1" in changed

    def test_two_public_promises_for_alvsjo(self) -> None:
        promises = CitizenPromise.objects.filter(district__name="Älvsjö", public=True)
        assert promises.count() == 2
        assert all(p.activities and p.followup for p in promises)

    def test_collaboration_has_a_year_of_meetings_and_sl_can_open_it(self) -> None:
        collaboration = self.collaboration
        assert collaboration.lead.name == "Lokalpolisområde Söderort syd"
        assert collaboration.meetings.count() == 12
        assert all(m.held_on <= self.today for m in collaboration.meetings.all())
        assert all(c.email.endswith("@example.org") for c in collaboration.contacts.all())
        self.client.force_login(User.objects.get(username="sara"))
        url = reverse("collaborations:detail", args=[collaboration.pk])
        assert self.client.get(url).status_code == 200

    def test_loading_again_adds_nothing(self) -> None:
        models = (
            Agreement,
            Signatory,
            Priority,
            Responsibility,
            CitizenPromise,
            PlaceCollaboration,
            CollaborationContact,
            CollaborationMeeting,
        )
        before = [m.objects.count() for m in models]
        assert load_demo() is False
        assert [m.objects.count() for m in models] == before
