"""The EST category list a new city starts from, and how police event types map onto it.

Administrators edit a city's list afterwards; this is only the starting point.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import transaction

from trygg.core import policy
from trygg.geo.models import City
from trygg.reports.models import Category, CategoryMapping, Source


class Entry(NamedTuple):
    code: str
    name: str
    name_en: str
    group: str
    answer_days: int
    public: bool = True
    harm: int = 1
    repeat_prone: bool = False


EST_CATEGORIES = [
    Entry(
        "narkotika",
        "Narkotikahandel eller narkotikabruk",
        "Drug dealing or use",
        "Brott",
        5,
        harm=4,
    ),
    Entry("skadegorelse", "Skadegörelse", "Vandalism", "Miljö", 5, harm=2, repeat_prone=True),
    Entry("klotter", "Klotter", "Graffiti", "Miljö", 5, harm=1),
    Entry("nedskrapning", "Nedskräpning", "Littering", "Miljö", 5, harm=1),
    Entry(
        "samlingar",
        "Samlingar som skapar otrygghet",
        "Gathering causing unease",
        "Ordning",
        5,
        harm=2,
    ),
    Entry(
        "ordningsstorning",
        "Ordningsstörning eller oljud",
        "Disorder or noise",
        "Ordning",
        5,
        harm=2,
    ),
    Entry("vald", "Våld", "Violence", "Brott", 3, harm=10),
    Entry("hot", "Hot", "Threat", "Brott", 3, harm=6),
    Entry("ran", "Rån", "Robbery", "Brott", 3, harm=9),
    Entry("inbrott", "Inbrott", "Burglary", "Brott", 5, harm=6, repeat_prone=True),
    Entry("stold", "Stöld", "Theft", "Brott", 5, harm=3, repeat_prone=True),
    Entry("brand", "Brand eller anlagd brand", "Fire or arson", "Brott", 3, harm=7),
    Entry(
        "vardslos-korning",
        "Vårdslös körning (även moped, A-traktor)",
        "Reckless driving (incl. mopeds, A-tractors)",
        "Trafik",
        5,
        harm=3,
    ),
    Entry("belysning", "Dålig belysning", "Poor lighting", "Miljö", 10, harm=1),
    Entry("otrygg-plats", "Otrygg plats", "Unsafe place", "Miljö", 10, harm=2),
    Entry("skadad-egendom", "Skadad egendom", "Damaged property", "Miljö", 10, harm=1),
    Entry("trakasserier", "Trakasserier", "Harassment", "Brott", 3, harm=5),
    Entry("ovrigt", "Övrigt", "Other", "Övrigt", 10, harm=1),
]

# Event types of the Swedish police's public feed (polisen.se/api/events).
POLICE_TYPES = {
    "Narkotikabrott": "narkotika",
    "Skadegörelse": "skadegorelse",
    "Rån": "ran",
    "Rån väpnat": "ran",
    "Rån övrigt": "ran",
    "Inbrott": "inbrott",
    "Stöld": "stold",
    "Stöld/inbrott": "stold",
    "Brand": "brand",
    "Misshandel": "vald",
    "Misshandel, grov": "vald",
    "Våld/hot mot tjänsteman": "vald",
    "Skottlossning": "vald",
    "Olaga hot": "hot",
    "Trafikbrott": "vardslos-korning",
    "Vållande till kroppsskada": "vardslos-korning",
    "Ordningslagen": "ordningsstorning",
    "Bråk": "ordningsstorning",
    "Fylleri/LOB": "ordningsstorning",
    "Ofredande/förargelse": "trakasserier",
    "Övrigt": "ovrigt",
}


@transaction.atomic
def categories_seed(*, city: City) -> int:
    """Give a city the EST categories and police mapping it lacks; returns how many were added."""
    existing = set(Category.objects.filter(city=city).values_list("code", flat=True))
    added = Category.objects.bulk_create(
        Category(
            city=city,
            code=entry.code,
            name=entry.name,
            name_en=entry.name_en,
            group=entry.group,
            answer_days=entry.answer_days,
            public=entry.public,
            harm_weight=entry.harm,
            repeat_prone=entry.repeat_prone,
            order=order * 10,
        )
        for order, entry in enumerate(EST_CATEGORIES)
        if entry.code not in existing
    )
    by_code = dict(Category.objects.filter(city=city).values_list("code", "pk"))
    mapped = set(
        CategoryMapping.objects.filter(city=city, source=Source.POLICE_FEED).values_list(
            "source_type", flat=True
        )
    )
    CategoryMapping.objects.bulk_create(
        CategoryMapping(
            city=city,
            source=Source.POLICE_FEED,
            source_type=source_type,
            category_id=by_code[code],
        )
        for source_type, code in POLICE_TYPES.items()
        if source_type not in mapped and code in by_code
    )
    return len(added)


def category_save(*, category: Category, by: Any) -> Category:
    """An administrator adds or edits one of the city's categories."""
    if not policy.can(by, policy.CHANGE, category.city):
        raise PermissionDenied
    category.full_clean()
    category.save()
    return category
