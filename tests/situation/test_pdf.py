import pypdfium2 as pdfium
import pytest
from django.urls import reverse

from tests.situation.test_page import at, report, week  # noqa: F401
from trygg.reports.models import Category


def pdf_of(client, world, period, **params):
    query = {"district": world.alvsjo.pk, "period": period.key, **params}
    return client.get(reverse("situation:picture_pdf"), query)


def text_of(document):
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def flat(text):
    return " ".join(text.split())


def test_the_pdf_holds_the_picture_of_the_week(world, categories, login, week):  # noqa: F811
    graffiti, drugs = categories["klotter"], categories["narkotika"]
    for n in range(6):
        report(world, graffiti, at(week, day=n % 7, hour=8 + n))
    report(world, drugs, at(week, day=4, hour=22))
    report(world, drugs, at(week.previous()))
    client = login(world.anna)

    response = pdf_of(client, world, week)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    iso = week.start.isocalendar()
    assert (
        f'filename="lagesbild-alvsjo-{iso.year}-W{iso.week:02d}.pdf"'
        in (response["Content-Disposition"])
    )
    body = response.content
    assert body.startswith(b"%PDF")
    document = pdfium.PdfDocument(body)
    assert len(document) >= 2
    text = flat(text_of(document))
    page = client.get(reverse("situation:picture"), {"district": world.alvsjo.pk, **week.query()})
    picture = page.context["picture"]
    assert "Älvsjö" in text
    assert week.label in text
    assert flat(picture.summary[0]) in text
    image = document[0].render(scale=1).to_pil().convert("L")
    low, _high = image.getextrema()
    assert low < 128


def test_another_districts_coordinator_gets_404(world, categories, login, week):  # noqa: F811
    response = pdf_of(login(world.olle), world, week)

    assert response.status_code == 404


def test_anonymous_is_sent_to_log_in(world, client, week):  # noqa: F811
    response = pdf_of(client, world, week)

    assert response.status_code == 302


def test_a_bad_period_is_a_bad_request(world, login):
    response = login(world.anna).get(
        reverse("situation:picture_pdf"), {"district": world.alvsjo.pk, "period": "nonsense"}
    )

    assert response.status_code == 400


def test_an_empty_week_still_gives_a_pdf(world, categories, login, week):  # noqa: F811
    response = pdf_of(login(world.anna), world, week)

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    document = pdfium.PdfDocument(response.content)
    assert "Inga rapporter" in flat(text_of(document))


@pytest.mark.parametrize("name", ["Klotter #1 *test*", "A_b [c] $d$ @e <f> `g` ~h \\i"])
def test_markup_in_names_is_printed_literally(world, categories, login, week, name):  # noqa: F811
    category = Category.objects.create(city=world.stockholm, code="markup", name=name)
    organisation = world.orgs["alvsjo_sdf"]
    organisation.name = "Org_" + name
    organisation.save()
    report(world, category, at(week))

    response = pdf_of(login(world.anna), world, week)

    assert response.status_code == 200
    text = flat(text_of(pdfium.PdfDocument(response.content)))
    assert name in text
    assert "Org_" + name in text


def test_a_partner_gets_the_pdf_of_the_shared_picture(world, categories, client):
    import datetime as dt

    from django.utils import timezone, translation

    from trygg.reports.workflow import Status
    from trygg.situation.periods import Period

    past = Period.containing(timezone.localdate() - dt.timedelta(days=14))
    accepted = report(world, categories["klotter"], at(past))
    accepted.status = Status.ACCEPTED
    accepted.save()
    with translation.override("sv"):
        label = categories["klotter"].label
    params = {"district": world.alvsjo.pk, "period": past.key}
    client.force_login(world.sara)
    page = client.get(reverse("situation:picture"), params)
    assert page.context["exact"] is False
    assert reverse("situation:picture_pdf") in page.content.decode()

    response = client.get(reverse("situation:picture_pdf"), params)

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = flat(text_of(pdfium.PdfDocument(response.content)))
    assert "<3" in text
    assert "Antal under 3 visas som <3." in text
    assert "Antalet inlagda rapporter visas inte" in text
    rows = text.split(label)[1:]
    assert rows
    for row in rows:
        assert row.split()[0] == "<3"
        assert "1" not in row.split()[:3]

    client.force_login(world.anna)
    page = client.get(reverse("situation:picture"), params)
    assert page.context["exact"] is True
    assert reverse("situation:picture_pdf") in page.content.decode()
    text = flat(
        text_of(pdfium.PdfDocument(client.get(reverse("situation:picture_pdf"), params).content))
    )
    assert f"{label} 1" in text
    assert "Antal under 3 visas som" not in text


def test_the_map_of_the_shared_picture_has_no_report_points(world, categories, login, week):  # noqa: F811
    from trygg.situation import privacy
    from trygg.situation.pdf import map_svg

    for n in range(2):
        report(world, categories["klotter"], at(week, day=n, hour=10))
    page = login(world.anna).get(
        reverse("situation:picture"), {"district": world.alvsjo.pk, **week.query()}
    )
    exact = page.context["picture"]
    assert any(f["properties"]["level"] == "report" for f in exact.features)
    assert "<circle" in map_svg(exact, world.alvsjo.geometry_sweref)

    svg = map_svg(privacy.shared(exact, 3), world.alvsjo.geometry_sweref)

    assert "<circle" not in svg
    assert svg.startswith("<svg")


def test_the_shared_effort_says_only_whether_an_organisation_reported(
    world,
    categories,
    login,
    week,  # noqa: F811
):
    from types import SimpleNamespace

    from django.utils import timezone

    from trygg.situation import privacy
    from trygg.situation.pdf import picture_data

    report(world, categories["klotter"], at(week))
    page = login(world.anna).get(
        reverse("situation:picture"), {"district": world.alvsjo.pk, **week.query()}
    )
    rows = [
        ("Reported", [SimpleNamespace(reports=2, nil_return=False)]),
        ("Nil", [SimpleNamespace(reports=0, nil_return=True)]),
        ("Silent", [None]),
    ]
    data = picture_data(
        privacy.shared(page.context["picture"], 3),
        city_name="Stockholm",
        generated_at=timezone.localtime(),
        effort_weeks=[week.start],
        effort_rows=rows,
        minimum=3,
    )

    assert [(o["name"], o["reported"], o["reports"]) for o in data["effort"]] == [
        ("Reported", True, None),
        ("Nil", False, None),
        ("Silent", False, None),
    ]
    assert data["total"] is None
    assert data["below"] == "<3"
    assert not data["exact"]


def city_pdf_of(client, world, period):
    query = {"city": world.stockholm.pk, "period": period.key}
    return client.get(reverse("situation:picture_pdf"), query)


def test_the_city_tertial_pdf_ranks_its_districts(world, categories, login):
    from tests.reports.conftest import IN_ALVSJO, IN_HAGERSTEN
    from tests.situation.test_sections import tertial, when

    period = tertial()
    report(
        world, categories["vald"], when(period), where=IN_HAGERSTEN, by=world.petra, org="police"
    )
    for n in range(3):
        report(world, categories["nedskrapning"], when(period, n), where=IN_ALVSJO)

    response = city_pdf_of(login(world.ingrid), world, period)

    assert response.status_code == 200
    text = flat(text_of(pdfium.PdfDocument(response.content)))
    assert "Områden rangordnade efter behov" in text
    ranked = text.split("Områden rangordnade efter behov")[1]
    assert ranked.index("Hägersten") < ranked.index("Älvsjö")
    assert "ingen mätning" in ranked
    assert f"Område {world.stockholm.name} Period" in text
    assert "områdets gräns" in text
    assert "stadsdelsområdets gräns" not in text


def test_the_weekly_pdf_does_not_rank(world, categories, login, week):  # noqa: F811
    report(world, categories["klotter"], at(week))

    response = city_pdf_of(login(world.ingrid), world, week)

    assert response.status_code == 200
    text = flat(text_of(pdfium.PdfDocument(response.content)))
    assert "Områden rangordnade efter behov" not in text
    assert "Plats Område Rapporter Skadeviktat" not in text


def test_burglaries_in_pairs_give_the_pdf_a_near_repeat_section(world, categories, login):
    import datetime as dt

    import numpy as np
    from django.utils import timezone

    from tests.reports.conftest import IN_ALVSJO_CENTRUM
    from tests.situation.test_sections import when
    from trygg.geo.projection import to_sweref, to_wgs84
    from trygg.situation.periods import Period

    rng = np.random.default_rng(7)
    x0, y0 = to_sweref([IN_ALVSJO_CENTRUM[0]], [IN_ALVSJO_CENTRUM[1]])
    period = Period.year(timezone.localdate().year - 1)
    for n in range(30):
        x, y = x0[0] + rng.uniform(-800, 800), y0[0] + rng.uniform(-500, 500)
        for dx, days in ((0, 0), (40, 2)):
            lon, lat = to_wgs84([x + dx], [y])
            where = (float(lon[0]), float(lat[0]))
            report(
                world,
                categories["inbrott"],
                when(period, 11 * n) + dt.timedelta(days=days),
                where=where,
            )

    response = pdf_of(login(world.anna), world, period)

    assert response.status_code == 200
    text = flat(text_of(pdfium.PdfDocument(response.content)))
    assert "Upprepning i närheten" in text
    assert "Knox-kvot" in text
    assert "förhöjd" in text.split("Knox-kvot")[1]


def test_figures_pdf_needs_no_request(world, categories, rf, week):  # noqa: F811
    import datetime as dt

    from trygg.situation import figures, queries
    from trygg.situation.pdf import figures_pdf

    report(world, categories["klotter"], at(week))
    request = rf.get("/", {"district": world.alvsjo.pk, "period": week.key})
    request.user = world.anna
    what = figures.asked(request, list(queries.situation_districts(user=world.anna)))
    shown = figures.figures(request, what)
    del request

    pdf = figures_pdf(shown, generated_at=dt.datetime(2024, 5, 6, 9, 30, tzinfo=dt.UTC))

    assert pdf.startswith(b"%PDF")
    document = pdfium.PdfDocument(pdf)
    text = flat(text_of(document))
    assert "Älvsjö, stadsdelsområde i Stockholm" in text
    assert "stadsdelsområdets gräns" in text
    assert "2024-05-06 09:30" in text
    image = document[0].render(scale=1).to_pil().convert("L")
    assert image.getextrema()[0] < 128
