"""A database outage answers 503 with a readable page; a cache outage is bypassed and logged."""

import logging
import shutil
import subprocess
import time

import pytest
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.test import Client

from blog.views import PostListView
from tests.security.conftest import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_home(monkeypatch):
    def fail_with(error):
        def get(self, request, *args, **kwargs):
            raise error

        monkeypatch.setattr(PostListView, "get", get)

    return fail_with


@pytest.mark.parametrize(
    "error",
    [OperationalError("connection refused"), InterfaceError("connection already closed")],
    ids=["refused", "lost"],
)
def test_a_database_outage_answers_503_with_a_readable_page(failing_home, error):
    failing_home(error)
    response = Client(raise_request_exception=False).get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Temporarily unavailable" in response.content.decode()


def test_the_503_page_is_translated(failing_home):
    failing_home(OperationalError("connection refused"))
    response = Client(raise_request_exception=False).get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 503
    assert "Momentanément indisponible" in response.content.decode()


def test_an_error_raised_from_a_database_error_is_an_outage_too(failing_home):
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError as cause:
        wrapped = RuntimeError("while rendering")
        wrapped.__cause__ = cause
    failing_home(wrapped)
    assert Client(raise_request_exception=False).get("/").status_code == 503


def test_any_other_error_is_still_a_500(failing_home):
    failing_home(ValueError("a bug"))
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500


def test_an_unreachable_cache_reads_as_a_miss_and_is_logged_once(unreachable_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        assert unreachable_cache.get("key", "default") == "default"
        unreachable_cache.set("key", "value")
        assert unreachable_cache.add("key", "value") is False
        with pytest.raises(ValueError):
            unreachable_cache.incr("key")
    warnings = [record for record in caplog.records if record.name == "config.cache"]
    assert len(warnings) == 1
    assert "bypassing" in warnings[0].getMessage()


def test_pages_are_served_while_the_cache_is_unreachable(client, unreachable_cache):
    assert client.get("/").status_code == 200
    assert cache.get("anything") is None


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_a_redis_that_stops_then_returns_is_bypassed_then_used_again(settings, tmp_path, caplog):
    from django.core.cache import caches

    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)]

    def start():
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        for _ in range(50):
            try:
                import redis

                redis.Redis(port=port).ping()
                return process
            except Exception:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    caches._settings = None
    server = start()
    try:
        redis_cache = caches["default"]
        redis_cache.set("greeting", "bonjour")
        assert redis_cache.get("greeting") == "bonjour"
        server.kill()
        server.wait()
        with caplog.at_level(logging.INFO, logger="config.cache"):
            assert redis_cache.get("greeting") is None
            assert Client().get("/").status_code == 200
            server = start()
            redis_cache.set("greeting", "hello")
            assert redis_cache.get("greeting") == "hello"
        messages = [record.getMessage() for record in caplog.records if record.name == "config.cache"]
        assert any("bypassing" in message for message in messages)
        assert any("answers again" in message for message in messages)
    finally:
        server.kill()
        server.wait()
        caches._settings = None
