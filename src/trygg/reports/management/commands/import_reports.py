from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from trygg.core.models import Organisation, User
from trygg.geo.models import City
from trygg.reports.imports import ImportFileError, ImportFormat, reports_import


class Command(BaseCommand):
    help = (
        "Import reports from the police event feed (JSON), CSV or GeoJSON points. Good rows are "
        "stored in one transaction; rejected rows are listed with their line and reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--city", required=True, help="the city's name")
        parser.add_argument("--format", required=True, choices=ImportFormat.values)
        parser.add_argument("--organisation", help="the organisation whose reports these are")
        parser.add_argument(
            "--user", help="import as this person: their right is checked, they are the reporter"
        )
        parser.add_argument("--dry-run", action="store_true", help="check the file, store nothing")
        parser.add_argument("--language", default="sv", choices=["sv", "en"])

    def handle(self, *args, path: Path, city: str, format: str, language: str, **options):
        translation.activate(language)
        target = City.objects.filter(name=city).first()
        if target is None:
            raise CommandError(_("There is no city called %(city)s.") % {"city": city})
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(
                city=target, name=options["organisation"]
            ).first()
            if organisation is None:
                raise CommandError(
                    _("%(city)s has no organisation called %(org)s.")
                    % {"city": target.name, "org": options["organisation"]}
                )
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("There is no user %(user)s.") % {"user": options["user"]})
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from None
        try:
            # Without --user the shell account vouches for the import; with it, that
            # person's right to import is checked and they are recorded as the reporter.
            result = reports_import(
                city=target,
                by=user,
                data=data,
                format=format,
                dry_run=options["dry_run"],
                organisation=organisation,
            )
        except ImportFileError as exc:
            raise CommandError(_("Nothing was imported: %(reason)s") % {"reason": exc}) from None
        except PermissionDenied:
            raise CommandError(
                _("%(user)s may not import reports into %(city)s.")
                % {"user": user, "city": target.name}
            ) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for row in result.rejected:
            self.stdout.write(f"  {row}")
        if result.unlisted:
            self.stdout.write(
                "  " + _("… and %(count)s more rejected rows.") % {"count": result.unlisted}
            )
        counts = {
            "created": result.created,
            "skipped": result.skipped,
            "rejected": result.rejected_count,
        }
        if options["dry_run"]:
            message = _(
                "Dry run, nothing stored: %(created)s to import, %(skipped)s already imported, "
                "%(rejected)s rejected."
            )
        else:
            message = _(
                "Imported: %(created)s new, %(skipped)s already imported, %(rejected)s rejected."
            )
        self.stdout.write(message % counts)
