"""config.settings: refuse to start without production values, read the database from DATABASE_URL.

Each case imports the settings in a fresh Python process with only the
environment it names, as a server would start.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
PRINT_DATABASE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({key: db.get(key) for key in ('ENGINE', 'NAME', 'HOST', 'PORT', 'USER', "
    "'CONN_MAX_AGE', 'CONN_HEALTH_CHECKS')}))"
)


def start(code="import django; django.setup()", **environment):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONDONTWRITEBYTECODE": "1",
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=60, check=False
    )


PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "a-production-secret-key-" + "x" * 40, "ALLOWED_HOSTS": "blog.example"}


def test_production_settings_start_when_every_value_is_given():
    result = start(**PRODUCTION)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("secret_key", [None, ""], ids=["unset", "empty"])
def test_refuses_to_start_without_secret_key_when_debug_is_off(secret_key):
    environment = {**PRODUCTION}
    del environment["SECRET_KEY"]
    if secret_key is not None:
        environment["SECRET_KEY"] = secret_key
    result = start(**environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_off_is_the_default():
    environment = {**PRODUCTION}
    del environment["DEBUG"], environment["SECRET_KEY"]
    result = start(**environment)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_refuses_to_start_without_allowed_hosts_when_debug_is_off():
    environment = {**PRODUCTION}
    del environment["ALLOWED_HOSTS"]
    result = start(**environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_refuses_a_debug_value_it_cannot_read():
    result = start(**{**PRODUCTION, "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'maybe'." in result.stderr


def test_manage_py_check_reports_the_missing_secret_key():
    environment = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1", **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_postgres_database_url_selects_postgresql_with_persistent_checked_connections():
    result = start(PRINT_DATABASE, **PRODUCTION, DATABASE_URL="postgres://blog:secret@db.example:6543/blog_prod")
    assert result.returncode == 0, result.stderr
    database = json.loads(result.stdout)
    assert database == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "blog_prod",
        "HOST": "db.example",
        "PORT": 6543,
        "USER": "blog",
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
    }


def test_conn_max_age_comes_from_the_environment():
    result = start(PRINT_DATABASE, **PRODUCTION, DATABASE_URL="postgres://db.example/blog", CONN_MAX_AGE="0")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["CONN_MAX_AGE"] == 0


def test_without_database_url_a_sqlite_file_in_the_project_is_used():
    result = start(PRINT_DATABASE, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    database = json.loads(result.stdout)
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]) == PROJECT / "db.sqlite3"


def test_the_browser_may_load_frames_from_exactly_the_embed_hosts_the_sanitizer_keeps():
    code = "from django.conf import settings; print(' '.join(settings.SECURE_CSP['frame-src']))"
    result = start(code, **PRODUCTION, BLOG_EMBED_HOSTS="video.example.org,player.vimeo.com")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["https://video.example.org", "https://player.vimeo.com"]
