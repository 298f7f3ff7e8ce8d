"""Cached situation pictures, invalidated by any change to the reports they are made of.

The key holds a fingerprint read from the database (how many reports and nil returns
the city has and when one last changed), not a counter bumped by signals: imports
write with COPY and raw batches that send no signals, and with several app processes on
a local-memory cache a bumped counter would reach only one of them. The fingerprint is
two index-only aggregates, a few milliseconds even at a million reports.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Count, Max

from trygg.core import policy
from trygg.reports.models import NilReturn, Report

T = TypeVar("T")

# An edited place or district boundary is seen after this at the latest.
TIMEOUT_S = 15 * 60


def fingerprint(city_id: int) -> tuple[Any, ...]:
    """What changes whenever a report or nil return of the city is added, changed or deleted."""
    reports = Report.objects.filter(city_id=city_id).aggregate(
        n=Count("pk"), changed=Max("updated_at")
    )
    nils = NilReturn.objects.filter(district__city_id=city_id).aggregate(
        n=Count("pk"), last=Max("pk")
    )
    return (reports["n"], reports["changed"], nils["n"], nils["last"])


def remember(user: Any, city_id: int, parts: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for the same user, question and data before.

    The user's memberships are part of the key: what one may see is never served to another,
    and a changed membership is a new question.
    """
    s = policy.scope(user)
    who = (user.pk, s.is_superuser, tuple(sorted(s.grants, key=repr)))
    raw = repr((who, parts, fingerprint(city_id))).encode()
    key = "trygg:situation:" + hashlib.sha256(raw).hexdigest()
    found = cache.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = compute()
    cache.set(key, value, TIMEOUT_S)
    return value
