"""The life of a measure: proposed → decided → in progress → done → followed up.

A measure may be rejected or postponed, with a reason, from any state before it is
done; a postponed one may be taken up again. Every change is kept in the history.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("measure", "Proposed")
    DECIDED = "decided", pgettext_lazy("measure", "Decided")
    IN_PROGRESS = "in_progress", pgettext_lazy("measure", "In progress")
    DONE = "done", pgettext_lazy("measure", "Done")
    FOLLOWED_UP = "followed_up", pgettext_lazy("measure", "Followed up")
    REJECTED = "rejected", pgettext_lazy("measure", "Rejected")
    POSTPONED = "postponed", pgettext_lazy("measure", "Postponed")


NEXT = {
    Status.PROPOSED: {Status.DECIDED, Status.REJECTED, Status.POSTPONED},
    Status.DECIDED: {Status.IN_PROGRESS, Status.DONE, Status.REJECTED, Status.POSTPONED},
    Status.IN_PROGRESS: {Status.DONE, Status.POSTPONED, Status.REJECTED},
    Status.DONE: {Status.FOLLOWED_UP, Status.IN_PROGRESS},
    Status.FOLLOWED_UP: set(),
    Status.REJECTED: {Status.PROPOSED},
    Status.POSTPONED: {Status.PROPOSED, Status.DECIDED, Status.IN_PROGRESS},
}

# These need a reason a reader of the history can follow.
NEEDS_REASON = frozenset({Status.REJECTED, Status.POSTPONED})
# Still to be carried out: these can be overdue.
OPEN = (Status.DECIDED, Status.IN_PROGRESS)
# What the one responsible may do without the coordinator: carry it out.
RESPONSIBLE_MAY = frozenset({Status.IN_PROGRESS, Status.DONE})


def allowed(current: str, target: str) -> bool:
    return target in NEXT.get(Status(current), set())
