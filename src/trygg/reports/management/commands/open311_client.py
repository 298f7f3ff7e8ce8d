from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from trygg.core.models import Organisation
from trygg.geo.models import City
from trygg.reports.services import open311_client_create


class Command(BaseCommand):
    help = "Give a partner app an Open311 API key for a city; the key is printed only this once."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the app's name, as coordinators will see it")
        parser.add_argument("--city", required=True, help="the city's name")
        parser.add_argument("--organisation", help="the organisation its reports are filed under")
        parser.add_argument("--language", default="sv", choices=["sv", "en"])

    def handle(
        self, *args, name: str, city: str, organisation: str | None, language: str, **options
    ):
        translation.activate(language)
        target = City.objects.filter(name=city).first()
        if target is None:
            raise CommandError(_("There is no city called %(city)s.") % {"city": city})
        org = None
        if organisation:
            org = Organisation.objects.filter(city=target, name=organisation).first()
            if org is None:
                raise CommandError(
                    _("%(city)s has no organisation called %(org)s.")
                    % {"city": target.name, "org": organisation}
                )
        try:
            client, key = open311_client_create(city=target, name=name, organisation=org)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        self.stdout.write(
            _("Open311 client %(name)s for %(city)s (jurisdiction_id %(jurisdiction)s).")
            % {"name": client.name, "city": target.name, "jurisdiction": slugify(target.name)}
        )
        self.stdout.write(_("Its API key, shown only this once:"))
        self.stdout.write(key)
