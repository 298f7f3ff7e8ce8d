from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from trygg.reports.services import contacts_forget
from trygg.walks.services import signups_forget


class Command(BaseCommand):
    help = (
        "Erase personal data kept only to answer residents once its time is up: reporters' "
        "e-mail addresses (TRYGG_CONTACT_RETENTION_DAYS after the report is finished) and "
        "walk sign-ups (TRYGG_SIGNUP_RETENTION_DAYS after the walk). Run it daily."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        with transaction.atomic():
            contacts = contacts_forget(now=now)
            signups = signups_forget(now=now)
        self.stdout.write(
            f"Erased {contacts} reporter e-mail address(es) and {signups} walk sign-up(s)."
        )
