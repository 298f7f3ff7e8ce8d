"""Give a city the EST report categories and the police feed's type mapping it lacks."""

from django.core.management.base import BaseCommand, CommandError

from trygg.geo.models import City
from trygg.reports.catalogue import categories_seed


class Command(BaseCommand):
    help = "Add the EST report categories (and the police event-type mapping) to a city."

    def add_arguments(self, parser):
        parser.add_argument("city", help="the city's name, e.g. 'Stockholms stad'")

    def handle(self, *args, city, **options):
        try:
            target = City.objects.get(name=city)
        except City.DoesNotExist:
            raise CommandError(f"There is no city called {city!r}.") from None
        added = categories_seed(city=target)
        self.stdout.write(f"{target.name}: {added} categories added.")
