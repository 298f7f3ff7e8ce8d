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
