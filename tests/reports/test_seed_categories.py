import pytest
from django.core.management import CommandError, call_command

from trygg.reports.models import Category, CategoryMapping


def test_a_new_city_gets_the_est_categories_once(world, capsys):
    call_command("seed_categories", "Göteborgs stad")
    call_command("seed_categories", "Göteborgs stad")
    assert Category.objects.filter(city=world.goteborg).count() == 18
    assert CategoryMapping.objects.filter(
        city=world.goteborg, source_type="Rån", category__code="ran"
    ).exists()
    assert "0 categories added" in capsys.readouterr().out


def test_an_unknown_city_is_named(world):
    with pytest.raises(CommandError, match="Malmö"):
        call_command("seed_categories", "Malmö stad")
