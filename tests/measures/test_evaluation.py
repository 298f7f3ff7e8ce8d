"""Did it work? A measure's evaluation page and the yearly follow-up, from planted reports."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from shapely.geometry import box, mapping

from tests.factories import district
from tests.reports.conftest import IN_ALVSJO, IN_ALVSJO_CENTRUM, IN_HAGERSTEN
from tests.situation.test_page import report
from trygg.analytics.evaluation import relative_effect_size, weighted_displacement_quotient
from trygg.measures import services

# The default evaluation period of a six-week measure: eight weeks before and after.
WEEKS = 8
# About 55 m north of Älvsjö centrum: in its 200 m buffer, still in Älvsjö.
NEAR_ALVSJO_CENTRUM = (18.01, 59.2805)


@pytest.fixture
def start():
    """A six-week measure's start, far enough back for its whole evaluation period to be over."""
    return timezone.localdate() - dt.timedelta(days=7 * WEEKS + 14)


def six_weeks(start):
    return {"start": start, "due": start + dt.timedelta(days=41)}


def noon(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def plant(world, category, start, *, before, after, where=IN_ALVSJO_CENTRUM, police=False):
    """Reports on successive days from the first day of the before period and from the start."""
    who = {"by": world.petra, "org": "police"} if police else {}
    first = start - dt.timedelta(days=7 * WEEKS)
    for n in range(before):
        report(world, category, noon(first + dt.timedelta(days=n)), where=where, **who)
    for n in range(after):
        report(world, category, noon(start + dt.timedelta(days=n)), where=where, **who)


def evaluation_url(measure, **query):
    url = reverse("measures:evaluation", args=[measure.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_a_planted_drop_is_a_fall_likely_real(world, categories, login, make_measure, start):
    graffiti = categories["klotter"]
    measure = make_measure(comparison_district=world.hagersten, **six_weeks(start))
    plant(world, graffiti, start, before=30, after=5)
    plant(world, graffiti, start, before=12, after=6, where=NEAR_ALVSJO_CENTRUM)
    plant(world, graffiti, start, before=20, after=20, where=IN_HAGERSTEN, police=True)

    response = login(world.petra).get(evaluation_url(measure))

    assert response.status_code == 200
    evaluation = response.context["evaluation"]
    assert (evaluation.before.days, evaluation.after.days) == (7 * WEEKS, 7 * WEEKS)
    assert evaluation.before.end == evaluation.after.start == start
    assert (evaluation.target.before, evaluation.target.after) == (30, 5)
    assert (evaluation.buffer.before, evaluation.buffer.after) == (12, 6)
    assert (evaluation.comparison.before, evaluation.comparison.after) == (20, 20)
    assert not evaluation.comparison_suggested
    expected = relative_effect_size(30, 5, 20, 20, before_days=56, after_days=56)
    effect = evaluation.result.effect
    assert effect.verdict.code == "fall_likely_real"
    assert (effect.res, effect.ci_low, effect.ci_high) == pytest.approx(
        (expected.res, expected.ci_low, expected.ci_high)
    )
    assert evaluation.did_per_week == pytest.approx(expected.rate_difference_in_differences * 7)
    wdq = weighted_displacement_quotient(30, 5, 12, 6, 20, 20)
    displacement = evaluation.result.displacement
    assert displacement.wdq == pytest.approx(wdq.wdq)
    assert evaluation.result.displacement_verdict.code == "some_diffusion"
    text = response.content.decode()
    assert 'data-verdict="fall_likely_real"' in text
    assert "<strong>Minskning</strong>" in text
    assert f"−{round(-expected.percent_change)} %" in text
    assert "Hägersten" in text


def test_too_few_events_says_so(world, categories, login, make_measure, start):
    graffiti = categories["klotter"]
    measure = make_measure(comparison_district=world.hagersten, **six_weeks(start))
    plant(world, graffiti, start, before=4, after=2)
    plant(world, graffiti, start, before=20, after=20, where=IN_HAGERSTEN, police=True)

    response = login(world.petra).get(evaluation_url(measure))

    assert response.status_code == 200
    effect = response.context["evaluation"].result.effect
    assert effect.verdict.code == "too_few_events"
    assert "för få händelser" in response.content.decode().lower()


def test_nothing_at_all_is_too_few_without_dividing_by_zero(
    world, categories, login, make_measure, start
):
    measure = make_measure(comparison_district=world.hagersten, **six_weeks(start))

    response = login(world.anna).get(evaluation_url(measure))

    assert response.status_code == 200
    evaluation = response.context["evaluation"]
    assert evaluation.result.effect.verdict.code == "too_few_events"
    assert evaluation.result.displacement.wdq is None


def test_without_a_comparison_district_one_is_suggested(
    world, categories, login, make_measure, start
):
    graffiti = categories["klotter"]
    district(world.stockholm, "Farsta", (18.08, 59.23, 18.12, 59.25))
    measure = make_measure(**six_weeks(start))
    plant(world, graffiti, start, before=30, after=5)
    plant(world, graffiti, start, before=20, after=20, where=IN_HAGERSTEN, police=True)

    response = login(world.petra).get(evaluation_url(measure))

    evaluation = response.context["evaluation"]
    assert evaluation.comparison_suggested
    # Hägersten's 20 reports are nearer Älvsjö's 30 than Farsta's none.
    assert evaluation.comparison_district == world.hagersten
    assert evaluation.result.effect.verdict.code == "fall_likely_real"


def test_a_suggested_comparison_never_overlaps_the_target_or_its_buffer(
    world, categories, login, make_measure, start
):
    # Equally similar (no reports anywhere), the first by name would win, but it overlaps.
    district(world.stockholm, "Aspudden", (18.005, 59.2802, 18.015, 59.2808))
    district(world.stockholm, "Farsta", (18.08, 59.23, 18.12, 59.25))
    measure = make_measure(**six_weeks(start))

    evaluation = login(world.anna).get(evaluation_url(measure)).context["evaluation"]

    assert evaluation.comparison_district.name == "Farsta"
    assert evaluation.comparison_suggested


def test_a_shorter_period_than_the_measures_own_is_refused(
    world, categories, login, make_measure, start
):
    measure = make_measure(**six_weeks(start))
    client = login(world.anna)

    response = client.get(evaluation_url(measure, weeks=2))

    assert response.status_code == 400
    assert "weeks" in response.context["errors"]
    assert "kortare än åtgärdens egen period" in response.context["errors"]["weeks"][0]
    assert 'aria-invalid="true"' in response.content.decode()
    assert client.get(evaluation_url(measure, weeks="x")).status_code == 400
    longer = client.get(evaluation_url(measure, weeks=6))
    assert longer.status_code == 200
    assert longer.context["evaluation"].after.days == 42


def test_a_measure_not_yet_started_or_started_today_is_not_an_error(
    world, categories, login, make_measure
):
    today = timezone.localdate()
    client = login(world.anna)
    later = make_measure(start=today + dt.timedelta(days=3), due=today + dt.timedelta(days=30))
    now = make_measure(start=today, due=today + dt.timedelta(days=30))

    for measure, state in ((later, "not_started"), (now, "nothing_after")):
        response = client.get(evaluation_url(measure))
        assert response.status_code == 200
        assert response.context["evaluation"].state == state
        assert response.context["evaluation"].result is None


def test_only_those_who_see_the_measure_see_its_evaluation(
    world, categories, login, make_measure, start
):
    measure = make_measure(**six_weeks(start))
    for person in (world.sara, world.olle, world.gustav):
        assert login(person).get(evaluation_url(measure)).status_code == 404
    assert login(world.rut).get(evaluation_url(measure)).status_code == 200


def test_the_yearly_follow_up_ranks_the_kinds_by_effect(
    world, categories, login, make_measure, start
):
    graffiti, drugs, litter = (
        categories["klotter"],
        categories["narkotika"],
        categories["nedskrapning"],
    )
    lighting = make_measure(comparison_district=world.hagersten, **six_weeks(start))
    cleaning = make_measure(
        title="Städning vid stigen",
        kind="cleaning",
        place=None,
        target_area=mapping(box(17.985, 59.262, 17.995, 59.268)),
        comparison_district=world.hagersten,
        **six_weeks(start),
    )
    field_work = make_measure(
        title="Fältassistenter",
        kind="field_work",
        technique="",
        comparison_district=world.hagersten,
        **six_weeks(start),
    )
    proposed = make_measure(title="Bara ett förslag", **six_weeks(start))
    for measure, category in ((lighting, graffiti), (cleaning, drugs), (field_work, litter)):
        measure.categories.set([category])
        services.measure_transition(measure=measure, to="decided", by=world.anna)
    plant(world, graffiti, start, before=30, after=5)
    plant(world, drugs, start, before=30, after=20, where=IN_ALVSJO)
    plant(world, litter, start, before=2, after=1)
    for category in (graffiti, drugs, litter):
        plant(world, category, start, before=20, after=20, where=IN_HAGERSTEN, police=True)

    response = login(world.petra).get(reverse("measures:followup", args=[start.year]))

    assert response.status_code == 200
    followup = response.context["followup"]
    rows = {row.measure.pk: row for row in followup.rows}
    assert set(rows) == {lighting.pk, cleaning.pk, field_work.pk, proposed.pk}
    assert rows[proposed.pk].evaluation is None
    assert rows[lighting.pk].evaluation.result.effect.verdict.code == "fall_likely_real"
    assert rows[cleaning.pk].evaluation.target.before == 30
    assert rows[field_work.pk].evaluation.result.effect.verdict.code == "too_few_events"
    assert [k.kind for k in followup.kinds] == ["lighting", "cleaning", "field_work"]
    ranked = {k.kind: k for k in followup.kinds}
    assert ranked["lighting"].pooled.res == pytest.approx(relative_effect_size(30, 5, 20, 20).res)
    assert ranked["lighting"].measures == 2  # the proposal counts, but is not evaluated
    assert ranked["lighting"].pooled.measures == 1
    assert ranked["field_work"].pooled is None
    text = response.content.decode()
    assert text.index('data-kind="lighting"') < text.index('data-kind="cleaning"')
    assert reverse("measures:followup", args=[start.year - 1]) in text
    assert reverse("measures:evaluation", args=[lighting.pk]) in text


def test_the_follow_up_lists_only_the_measures_one_may_see(
    world, categories, login, make_measure, start
):
    make_measure(**six_weeks(start))
    url = reverse("measures:followup", args=[start.year])
    assert login(world.sara).get(url).context["followup"].rows == []
    assert login(world.gustav).get(url).context["followup"].rows == []
    assert login(world.sara).get(reverse("measures:followup", args=[99999])).status_code == 404


def test_pooling_weighs_measures_by_the_inverse_of_their_variance():
    from trygg.measures.effects import pool

    big = relative_effect_size(300, 150, 200, 200)
    small = relative_effect_size(20, 20, 20, 20)
    pooled = pool([big, small])
    weights = (1 / big.var_log_res, 1 / small.var_log_res)
    mean = (weights[0] * big.log_res + weights[1] * small.log_res) / sum(weights)
    assert pooled.log_res == pytest.approx(mean)
    assert pooled.se == pytest.approx((1 / sum(weights)) ** 0.5)
    assert pooled.ci_low < pooled.res < pooled.ci_high


def test_every_viewer_gets_the_same_verdict_and_partners_no_small_counts(
    world, categories, login, make_measure, start
):
    """Anna cannot read Hägersten's reports one by one, yet they are counted for her too."""
    graffiti = categories["klotter"]
    measure = make_measure(comparison_district=world.hagersten, **six_weeks(start))
    plant(world, graffiti, start, before=30, after=2)
    plant(world, graffiti, start, before=20, after=20, where=IN_HAGERSTEN, police=True)

    pages = {
        name: login(world.people[name]).get(evaluation_url(measure))
        for name in ("anna", "petra", "rut")
    }

    verdicts = {
        name: page.context["evaluation"].result.effect.verdict.code for name, page in pages.items()
    }
    assert verdicts == dict.fromkeys(pages, "fall_likely_real")
    assert not pages["anna"].context["counts_hidden"]
    # The property owner answers for the measure but does not run the district: 2 is too few.
    assert pages["rut"].context["counts_hidden"]
    assert 'data-area="target"' not in pages["rut"].content.decode()


def test_a_partner_is_not_told_the_small_counts_in_words_either(
    world, categories, login, make_measure, start
):
    graffiti = categories["klotter"]
    measure = make_measure(comparison_district=world.hagersten, **six_weeks(start))
    plant(world, graffiti, start, before=2, after=1)

    page = login(world.rut).get(evaluation_url(measure))

    words = page.context["words"]
    assert page.context["counts_hidden"] and words["label"] == "För få händelser"
    assert not any(ch.isdigit() for ch in words["sentence"])


def test_the_difference_in_differences_is_shown_with_its_interval(
    world, categories, login, make_measure, start
):
    graffiti = categories["klotter"]
    measure = make_measure(comparison_district=world.hagersten, **six_weeks(start))
    plant(world, graffiti, start, before=30, after=5)
    plant(world, graffiti, start, before=20, after=20, where=IN_HAGERSTEN, police=True)

    page = login(world.anna).get(evaluation_url(measure))

    expected = relative_effect_size(30, 5, 20, 20, before_days=56, after_days=56)
    low, high = page.context["evaluation"].did_interval_per_week
    assert (low, high) == pytest.approx(
        (expected.rate_did_ci_low * 7, expected.rate_did_ci_high * 7)
    )
    assert "rapporter per vecka (95 % konfidensintervall" in page.content.decode()
