"""Rate limits: the resident page and Open311's reads per client address, Open311's posts
per API key, the REST API per person.

Counts live in Django's cache, so several app processes share them once
`TRYGG_REDIS_URL` points at Redis (the local-memory default counts per process).
django-ratelimit is used as a library only: it needs no models, and as an installed
app its system check would refuse the local-memory cache the demo runs on.
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    """The address a request came from, as the limit counts it.

    Behind `TRYGG_PROXY_COUNT` trusted reverse proxies the client is that many
    entries from the right of X-Forwarded-For (entries further left are the
    client's own claims and may be forged); with none, REMOTE_ADDR.
    An IPv6 client owns a whole /64 and could step through it, so it counts as one.
    """
    raw = request.META.get("REMOTE_ADDR", "")
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            raw = hops[-proxies]
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def over_limit(
    request: HttpRequest, *, group: str, key: str | None = None, rate: str | None = None
) -> bool:
    """Count this request in `group` and say whether it went past the allowed rate.

    With `key` (an API client's or a person's identity) the count is that key's, whatever
    address it comes from, at `TRYGG_API_KEY_RATE`; without, the client address's, at
    `TRYGG_PUBLIC_RATE`. `rate` names another rate for the group.
    """
    if key is not None:
        rate, value = rate or settings.TRYGG_API_KEY_RATE, f"key:{key}"
    else:
        rate, value = rate or settings.TRYGG_PUBLIC_RATE, f"address:{client_address(request)}"
    try:
        return is_ratelimited(
            request, group=group, key=lambda _group, _request: value, rate=rate, increment=True
        )
    except (RedisError, OSError):
        # With the shared cache down, keep taking residents' reports rather than answer
        # 500; the limits come back with the cache.
        logger.warning("rate limit cache unreachable; %s is not limited for now", group)
        return False
