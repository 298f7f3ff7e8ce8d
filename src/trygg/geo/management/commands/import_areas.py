from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from trygg.geo.models import City
from trygg.geo.services import AreaImportError, AreaLevel, areas_import


class Command(BaseCommand):
    help = "Import districts, local police areas or places from a GeoJSON file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--city", required=True, help="the city's name; created if --create-city"
        )
        parser.add_argument("--level", required=True, choices=AreaLevel.values)
        parser.add_argument("--create-city", action="store_true")
        parser.add_argument("--language", default="sv", choices=["sv", "en"])

    def handle(
        self, *args, path: Path, city: str, level: str, create_city: bool, language: str, **options
    ):
        translation.activate(language)
        if create_city:
            target, _created = City.objects.get_or_create(name=city)
        else:
            target = City.objects.filter(name=city).first()
            if target is None:
                raise CommandError(_("There is no city called %(city)s.") % {"city": city})
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from None
        try:
            result = areas_import(city=target, level=level, data=data)
        except AreaImportError as exc:
            lines = "\n".join(f"  {e}" for e in exc.errors)
            raise CommandError(_("Nothing was imported:") + "\n" + lines) from None
        self.stdout.write(
            _("Imported: %(created)s new, %(updated)s updated.")
            % {"created": result.created, "updated": result.updated}
        )
