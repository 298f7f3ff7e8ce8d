"""SWEREF 99 TM against values worked out by hand from its definition.

SWEREF 99 TM is transverse Mercator on GRS 80 with central meridian 15° E,
scale 0.9996 and false easting 500 000 m. On the central meridian the easting
is the false easting and the northing is the scaled meridian arc: at 60° N
the GRS 80 meridian arc is 6 654 072.819 m, so N = 0.9996 × that.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trygg.geo.projection import to_sweref, to_wgs84


def test_a_point_on_the_central_meridian():
    x, y = to_sweref([15.0], [60.0])
    assert x[0] == pytest.approx(500_000.0, abs=1e-3)
    assert y[0] == pytest.approx(0.9996 * 6_654_072.819, abs=0.01)


def test_east_of_the_meridian_is_east_of_the_false_easting():
    x, _ = to_sweref([18.0106], [59.2785])
    assert 670_000 < x[0] < 680_000


@given(
    lon=st.floats(min_value=10.0, max_value=24.5),
    lat=st.floats(min_value=55.0, max_value=69.0),
)
def test_there_and_back_again_within_a_millimetre(lon, lat):
    x, y = to_sweref([lon], [lat])
    back_lon, back_lat = to_wgs84(x, y)
    assert np.allclose([back_lon[0], back_lat[0]], [lon, lat], atol=1e-8)


def test_it_transforms_arrays_at_once():
    lon = np.linspace(17.9, 18.1, 1000)
    lat = np.full(1000, 59.3)
    x, y = to_sweref(lon, lat)
    assert x.shape == (1000,) and np.all(np.diff(x) > 0)
