"""The life of a report: statuses, the moves between them, and what a resident is told.

Transitions are appended to `ReportEvent`, never edited, so the history of a
report can always be read back.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    MEASURE_PLANNED = "measure_planned", _("Measure planned")
    DONE = "done", _("Done")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.ACCEPTED, Status.REJECTED, Status.DUPLICATE}),
    Status.ACCEPTED: frozenset(
        {Status.MEASURE_PLANNED, Status.DONE, Status.CLOSED, Status.REJECTED, Status.DUPLICATE}
    ),
    Status.MEASURE_PLANNED: frozenset({Status.ACCEPTED, Status.DONE, Status.CLOSED}),
    Status.DONE: frozenset({Status.CLOSED, Status.RECEIVED}),
    Status.CLOSED: frozenset({Status.RECEIVED}),
    Status.REJECTED: frozenset({Status.RECEIVED}),
    Status.DUPLICATE: frozenset({Status.RECEIVED}),
}

# A reason is owed to whoever reported: why it was turned down or closed, why it came back.
NEEDS_REASON = frozenset({Status.REJECTED, Status.CLOSED})
# Counted in the situation picture: what a coordinator has not thrown out.
COUNTED = frozenset(
    {Status.RECEIVED, Status.ACCEPTED, Status.MEASURE_PLANNED, Status.DONE, Status.CLOSED}
)
OPEN = frozenset({Status.RECEIVED, Status.ACCEPTED, Status.MEASURE_PLANNED})


class PublicStatus(models.TextChoices):
    """What a resident and an Open311 client see: no internal review words."""

    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    MEASURE_PLANNED = "measure_planned", _("Measure planned")
    DONE = "done", _("Done")
    CLOSED = "closed", _("Closed")


PUBLIC = {
    Status.RECEIVED: PublicStatus.RECEIVED,
    Status.ACCEPTED: PublicStatus.UNDER_REVIEW,
    Status.MEASURE_PLANNED: PublicStatus.MEASURE_PLANNED,
    Status.DONE: PublicStatus.DONE,
    Status.CLOSED: PublicStatus.CLOSED,
    Status.REJECTED: PublicStatus.CLOSED,
    Status.DUPLICATE: PublicStatus.CLOSED,
}


# What a reviewer's button says for each move; duplicates are merged from their own list.
ACTIONS = {
    Status.ACCEPTED: _("Accept"),
    Status.MEASURE_PLANNED: _("Measure planned"),
    Status.DONE: _("Mark as done"),
    Status.CLOSED: _("Close"),
    Status.REJECTED: _("Reject"),
    Status.RECEIVED: _("Reopen"),
}


def moves(current: str) -> list[tuple[str, str]]:
    return [(target, ACTIONS[target]) for target in ACTIONS if target in TRANSITIONS[current]]


def allowed(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def reopenable(current: str) -> bool:
    """A resident may say "not fixed" once the city has called it finished."""
    return PUBLIC[Status(current)] in (PublicStatus.DONE, PublicStatus.CLOSED)
