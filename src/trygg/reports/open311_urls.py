"""Open311 GeoReport v2 at /open311/v2/ (see reports/open311.py).

The format is part of the path as the spec has it (`services.json`,
`requests/42.xml`); an unknown format gets a 404 with an error body.
"""

from django.urls import re_path

from trygg.reports import open311

FORMAT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

app_name = "open311"
urlpatterns = [
    re_path(r"^services" + FORMAT, open311.services_list, name="services"),
    re_path(
        r"^services/(?P<service_code>[-\w]+)" + FORMAT, open311.service_definition, name="service"
    ),
    re_path(r"^requests" + FORMAT, open311.requests, name="requests"),
    re_path(
        r"^requests/(?P<service_request_id>[^/.]+)" + FORMAT, open311.request_detail, name="request"
    ),
    re_path(r"^tokens/(?P<token>[-\w]+)" + FORMAT, open311.token_detail, name="token"),
]
