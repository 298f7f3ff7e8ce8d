"""The weekly e-mail digest: each responsible person's overdue measures and those due soon.

A measure goes to its responsible person when that person has an e-mail address and
still belongs to the responsible organisation; otherwise to the organisation's
coordinators, so that nobody hears of another organisation's measures. The mails are
in Swedish, with absolute links built from the setting `TRYGG_SITE_URL`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trygg.core.models import Membership, Role, User
from trygg.measures.models import Measure
from trygg.measures.workflow import OPEN

# Measures due within this many days are listed beside the overdue ones.
DUE_SOON_DAYS = 7


@dataclass
class _Digest:
    user: User
    overdue: list[Measure] = field(default_factory=list)
    due_soon: list[Measure] = field(default_factory=list)


def _recipients(measures: list[Measure]) -> dict[int, list[User]]:
    """Who hears of each measure: its responsible person, or its organisation's coordinators."""
    organisation_ids = {m.responsible_id for m in measures}
    members: dict[int, set[int]] = defaultdict(set)
    coordinators: dict[int, list[User]] = defaultdict(list)
    for membership in Membership.objects.filter(
        organisation_id__in=organisation_ids, user__is_active=True
    ).select_related("user"):
        members[membership.organisation_id].add(membership.user_id)
        if membership.role == Role.COORDINATOR and membership.user.email:
            coordinators[membership.organisation_id].append(membership.user)
    found = {}
    for measure in measures:
        person = measure.responsible_person
        if (
            person is not None
            and person.is_active
            and person.email
            and person.pk in members[measure.responsible_id]
        ):
            found[measure.pk] = [person]
        else:
            found[measure.pk] = coordinators[measure.responsible_id]
    return found


def _site_url() -> str:
    return str(settings.TRYGG_SITE_URL).rstrip("/")


def _line(measure: Measure, today: dt.date, site: str) -> str:
    where = measure.district.name + (f", {measure.place.name}" if measure.place else "")
    days = (measure.due - today).days
    if days < 0:
        when = ngettext(
            "due %(due)s, %(days)d day overdue", "due %(due)s, %(days)d days overdue", -days
        ) % {"due": measure.due.isoformat(), "days": -days}
    else:
        when = _("due %(due)s") % {"due": measure.due.isoformat()}
    url = site + reverse("measures:detail", args=[measure.pk])
    return f"- {measure.title} ({where}; {measure.responsible.name}): {when}\n  {url}"


def _message(digest: _Digest, today: dt.date, site: str) -> EmailMessage:
    user = digest.user
    subject = _("Trygg: your measures this week (%(overdue)d overdue, %(soon)d due soon)") % {
        "overdue": len(digest.overdue),
        "soon": len(digest.due_soon),
    }
    parts = [
        _("Hello %(name)s,") % {"name": user.get_full_name() or user.username},
        _("these are the measures in Trygg that you answer for and that need attention."),
    ]
    if digest.overdue:
        parts.append(
            _("Overdue:") + "\n" + "\n".join(_line(m, today, site) for m in digest.overdue)
        )
    if digest.due_soon:
        parts.append(
            _("Due within %(days)d days:") % {"days": DUE_SOON_DAYS}
            + "\n"
            + "\n".join(_line(m, today, site) for m in digest.due_soon)
        )
    parts.append(
        _("Note progress, mark a measure done or ask for a new due date: %(url)s")
        % {"url": site + reverse("measures:list")}
    )
    return EmailMessage(
        subject=subject,
        body="\n\n".join(parts) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )


def digests(today: dt.date) -> list[EmailMessage]:
    """One mail per person with overdue measures or measures due within a week, in Swedish."""
    measures = list(
        Measure.objects.filter(status__in=OPEN, due__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
        .select_related("district", "place", "responsible", "responsible_person")
        .order_by("due", "pk")
    )
    by_user: dict[int, _Digest] = {}
    recipients = _recipients(measures)
    for measure in measures:
        for user in recipients[measure.pk]:
            digest = by_user.setdefault(user.pk, _Digest(user))
            (digest.overdue if measure.due < today else digest.due_soon).append(measure)
    site = _site_url()
    with translation.override("sv"):
        return [
            _message(digest, today, site)
            for digest in sorted(by_user.values(), key=lambda d: d.user.username)
        ]


def send_digests(today: dt.date) -> int:
    """Send this week's digests; returns how many mails went out."""
    messages = digests(today)
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0
