"""A report started from a place (a place collaboration's link) has the place chosen."""

import re

from django.urls import reverse


def _selected_place(html):
    select = re.search(r'<select name="place".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\d+)" selected>', select)


def test_the_place_in_the_link_is_preselected(world, login):
    response = login(world.rut).get(reverse("reports:new"), {"place": world.alvsjo_centrum.pk})
    assert response.status_code == 200
    assert _selected_place(response.content.decode()) == [str(world.alvsjo_centrum.pk)]


def test_a_place_outside_the_reporters_reach_is_ignored(world, login):
    response = login(world.rut).get(reverse("reports:new"), {"place": world.angered_torg.pk})
    assert response.status_code == 200
    assert _selected_place(response.content.decode()) == []
    garbage = login(world.rut).get(reverse("reports:new"), {"place": "x"})
    assert garbage.status_code == 200
