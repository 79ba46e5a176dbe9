"""The reader's address, directly or behind a proxy."""

import pytest
from django.test import RequestFactory

from core.client import client_ip


@pytest.mark.parametrize(
    ("behind_proxy", "forwarded", "expected"),
    [
        (False, "198.51.100.9", "192.0.2.1"),  # no proxy: a header anyone can send is ignored
        (True, "198.51.100.9", "198.51.100.9"),
        (True, "10.0.0.1, 198.51.100.9", "198.51.100.9"),  # only the proxy's own entry is trusted
        (True, "2001:db8::1", "2001:db8::1"),
        (True, "", "192.0.2.1"),
        (True, "not-an-address", "192.0.2.1"),
    ],
)
def test_client_ip(settings, behind_proxy, forwarded, expected):
    settings.BEHIND_PROXY = behind_proxy
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", **headers)

    assert client_ip(request) == expected
