import pytest


@pytest.fixture(autouse=True)
def _test_storage(settings, tmp_path):
    """Uploads go to a temporary folder; static files need no collectstatic manifest.

    Passwords use a fast hasher: the real one is slow on purpose, and the
    tests create many accounts. Background tasks run at once (the immediate
    backend), so an e-mail is in mail.outbox when its service returns;
    tests of the worker itself switch back to the database backend. (The
    cache, which holds rate-limit counts and pages, is emptied by _empty_cache.)
    """
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: no page drawn by another test is served."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
