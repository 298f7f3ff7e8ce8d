"""Illustrative geography for the Älvsjö demo.

Stockholm's fourteen districts (stadsdelsområden, as of 2017) are drawn as the
Voronoi cells of a rough centre point each, clipped to a simplified outline of
the city: recognisable on a map, contiguous, and plainly not real boundaries.
"""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry import MultiPoint, Point, Polygon, mapping

from trygg.geo.projection import SWEREF99TM, WGS84, reproject

CITY = "Stockholms stad"

# Simplified outline of the city (lon, lat), clockwise from Hässelby in the north-west.
OUTLINE = [
    (17.77, 59.385),
    (17.84, 59.425),
    (17.95, 59.430),
    (17.99, 59.395),
    (18.04, 59.375),
    (18.10, 59.370),
    (18.17, 59.345),
    (18.165, 59.305),
    (18.20, 59.265),
    (18.13, 59.225),
    (18.05, 59.228),
    (17.98, 59.252),
    (17.90, 59.255),
    (17.86, 59.290),
    (17.80, 59.325),
    (17.77, 59.385),
]

# A rough centre (lon, lat) for each district; the cells around them become the districts.
DISTRICT_CENTRES = {
    "Rinkeby-Kista": (17.925, 59.400),
    "Spånga-Tensta": (17.880, 59.385),
    "Hässelby-Vällingby": (17.830, 59.365),
    "Bromma": (17.935, 59.345),
    "Kungsholmen": (18.025, 59.333),
    "Norrmalm": (18.050, 59.348),
    "Östermalm": (18.100, 59.345),
    "Södermalm": (18.070, 59.314),
    "Hägersten-Liljeholmen": (17.985, 59.305),
    "Skärholmen": (17.905, 59.278),
    "Älvsjö": (18.005, 59.272),
    "Enskede-Årsta-Vantör": (18.065, 59.285),
    "Skarpnäck": (18.135, 59.275),
    "Farsta": (18.090, 59.245),
}

# Neighbourhoods in and around Älvsjö for the gazetteer that imports geocode against.
LOCALITIES = [
    ("Solberga", 17.9960, 59.2850),
    ("Långbro", 18.0010, 59.2720),
    ("Herrängen", 17.9880, 59.2650),
    ("Långsjö", 17.9830, 59.2700),
    ("Liseberg", 18.0180, 59.2850),
    ("Örby slott", 18.0200, 59.2700),
]

# Places in Älvsjö and one in a neighbouring district: (name, centre lon/lat, half-size in
# degrees lon/lat, description).
PLACES = [
    (
        "Älvsjö centrum",
        (18.0105, 59.2785),
        (0.0030, 0.0014),
        "Torget, stationen och gångtunneln vid Älvsjö station.",
    ),
    (
        "Älvsjö station",
        (18.0120, 59.2760),
        (0.0016, 0.0008),
        "Pendeltågsstationen med perronger och entréer.",
    ),
    (
        "Solberga centrum",
        (17.9975, 59.2845),
        (0.0018, 0.0009),
        "Butiker och busshållplats vid Solberga.",
    ),
    (
        "Herrängens gård",
        (18.0180, 59.2650),
        (0.0014, 0.0008),
        "Parkstråk och lekplats i Herrängen.",
    ),
    (
        "Långbroparken",
        (17.9985, 59.2660),
        (0.0022, 0.0011),
        "Park med gångvägar mellan Långbro och Älvsjö.",
    ),
    (
        "Liljeholmstorget",
        (18.0225, 59.3100),
        (0.0020, 0.0009),
        "Torget och tunnelbaneuppgången i Liljeholmen.",
    ),
]

PLACE_DISTRICT = {"Liljeholmstorget": "Hägersten-Liljeholmen"}

POLICE_AREAS = {
    "Lokalpolisområde Söderort syd": ["Älvsjö", "Hägersten-Liljeholmen", "Skärholmen"],
    "Lokalpolisområde Söderort öst": ["Enskede-Årsta-Vantör", "Skarpnäck", "Farsta"],
    "Lokalpolisområde Innerstaden": ["Södermalm", "Norrmalm", "Kungsholmen", "Östermalm"],
    "Lokalpolisområde Västerort": [
        "Bromma",
        "Hässelby-Vällingby",
        "Spånga-Tensta",
        "Rinkeby-Kista",
    ],
}


def district_collection() -> dict[str, Any]:
    """Cells are cut in SWEREF 99 TM metres, where distances are true, then returned in WGS84."""
    outline = reproject(Polygon(OUTLINE), WGS84, SWEREF99TM)
    names = list(DISTRICT_CENTRES)
    centres = {n: reproject(Point(DISTRICT_CENTRES[n]), WGS84, SWEREF99TM) for n in names}
    cells = shapely.voronoi_polygons(
        MultiPoint([centres[n] for n in names]), extend_to=outline.buffer(5000)
    )
    features = []
    for name in names:
        cell = next(c for c in cells.geoms if c.contains(centres[name]))
        shape = reproject(cell.intersection(outline), SWEREF99TM, WGS84)
        shape = shapely.set_precision(shape, 1e-6)
        features.append(
            {"type": "Feature", "properties": {"name": name}, "geometry": mapping(shape)}
        )
    return {"type": "FeatureCollection", "features": features}


def _box(centre: tuple[float, float], half: tuple[float, float]) -> Polygon:
    (x, y), (dx, dy) = centre, half
    # An octagon reads as a drawn area rather than a tile on the map.
    return Polygon(
        [
            (x - dx, y - dy / 2),
            (x - dx / 2, y - dy),
            (x + dx / 2, y - dy),
            (x + dx, y - dy / 2),
            (x + dx, y + dy / 2),
            (x + dx / 2, y + dy),
            (x - dx / 2, y + dy),
            (x - dx, y + dy / 2),
        ]
    )


def place_collection() -> dict[str, Any]:
    features = [
        {
            "type": "Feature",
            "properties": {
                "name": name,
                "district": PLACE_DISTRICT.get(name, "Älvsjö"),
                "description": description,
            },
            "geometry": mapping(_box(centre, half)),
        }
        for name, centre, half, description in PLACES
    ]
    return {"type": "FeatureCollection", "features": features}


# Neighbourhoods of Hägersten-Liljeholmen (lon, lat) that the synthetic demo reports scatter
# around; not in the gazetteer, so the demo's imports geocode exactly as before.
HAGERSTEN_LILJEHOLMEN_SPOTS = [
    ("Midsommarkransen", 18.0105, 59.3020),
    ("Hägerstensåsen", 17.9790, 59.2955),
    ("Västertorp", 17.9680, 59.2910),
    ("Aspudden", 18.0010, 59.3065),
    ("Axelsberg", 17.9750, 59.3045),
]

# Where the police's public event feed puts an event it places only in "Stockholm".
POLICE_FEED_STOCKHOLM = (18.068581, 59.329324)
