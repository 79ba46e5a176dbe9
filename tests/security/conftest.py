import os
import socket

import pytest
from django.core.cache import caches
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def unreachable_cache(settings):
    """The default cache is Redis at an address where nothing listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    caches._settings = None  # Read the new CACHES, then forget the fixture's cache after the test.
    yield caches["default"]
    caches._settings = None


# Property-based tests (hypothesis): a modest number of examples by default so
# the suite stays quick; HYPOTHESIS_PROFILE=thorough runs many more.
_checks = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
hypothesis_settings.register_profile("blog", max_examples=20, deadline=None, suppress_health_check=_checks)
hypothesis_settings.register_profile("thorough", max_examples=500, deadline=None, suppress_health_check=_checks)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "blog"))
