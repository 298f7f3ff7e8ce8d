from django.test import RequestFactory

from trygg.reports.throttle import client_address


def test_without_proxies_the_socket_address_counts(settings):
    settings.AXES_IPWARE_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "10.0.0.5"


def test_behind_one_proxy_the_address_it_saw_counts_not_the_forged_one(settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.44"
    )
    assert client_address(request) == "192.0.2.44"


def test_an_ipv6_client_counts_as_its_whole_network(settings):
    settings.AXES_IPWARE_PROXY_COUNT = 0
    one = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2::1")
    two = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert client_address(one) == client_address(two)


def test_with_the_shared_cache_down_residents_are_still_heard(settings):
    from django.core.cache import caches

    from trygg.reports.throttle import over_limit

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    caches.close_all()
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.1")
    assert over_limit(request, group="public-report") is False


def test_a_mistyped_rate_is_named_at_start(monkeypatch):
    import pytest
    from django.core.exceptions import ImproperlyConfigured

    from trygg import config

    monkeypatch.setenv("TRYGG_PUBLIC_RATE", "20 per hour")
    with pytest.raises(ImproperlyConfigured, match="TRYGG_PUBLIC_RATE"):
        config.env_rate("TRYGG_PUBLIC_RATE", "20/h")
