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


@pytest.fixture(autouse=True)
def _form_tokens_drawn_for_the_sender(monkeypatch):
    """A comment form's data from form_data() gets, as it is posted, the token its page drew for this client.

    Form tokens are bound to the reader and the post (comments.forms); see
    tests.comments.factories.DrawnToken. Tokens given explicitly are sent as they are.
    """
    from django.test import Client

    from tests.comments.factories import DrawnToken, post_at, reader_of

    send = Client.post

    def post(self, path, data=None, *args, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("token"), DrawnToken):
            data = {**data, "token": data["token"].for_reader(reader_of(self), post_at(path))}
        return send(self, path, data, *args, **kwargs)

    monkeypatch.setattr(Client, "post", post)


# The folders of the apps' own tests. The browser tests and the tests at the top (settings, translations)
# see the site's configured language instead.
ENGLISH_FOLDERS = {"accounts", "blog", "comments", "core", "demo", "mail", "pagecache", "security", "wordpress"}


@pytest.fixture(autouse=True)
def _english(request, settings):
    """Pages, messages and e-mails in English, so assertions do not depend on the French catalogue.

    Comments are sent at once, too: no "too fast" rule (a form posted by the
    test client comes back within the second it was drawn); the tests of
    that rule set COMMENTS_MIN_SUBMIT_SECONDS again.
    """
    if request.path.relative_to(request.config.rootpath / "tests").parts[0] not in ENGLISH_FOLDERS:
        yield
        return
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0
    with translation.override("en"):
        yield


BROWSER_TESTS = "e2e"


@pytest.fixture
def database_queue(settings, monkeypatch):
    """The production queue (django-tasks-db) instead of running tasks at once; run them with tests.worker.

    The worker keeps the test's transaction: it does not close old connections.
    """
    from django_tasks_db.management.commands import db_worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@pytest.fixture
def moderators(settings, db):
    """Who hears of the queue: a desk address, a moderator, a superuser; not staff without the permission."""
    from django.contrib.auth.models import Permission

    from tests.accounts.factories import make_user

    settings.NOTIFICATIONS_MODERATOR_EMAILS = ["desk@example.net"]
    permission = Permission.objects.get(codename="moderate_comment")
    moderator = make_user(email="mod@example.com", is_staff=True)
    moderator.user_permissions.add(permission)
    make_user(email="root@example.com", is_staff=True, is_superuser=True)
    make_user(email="reader-only@example.com", is_staff=True)  # Staff without the permission.
    make_user(email="gone@example.com", is_staff=True, is_active=False).user_permissions.add(permission)
    return ["desk@example.net", "mod@example.com", "root@example.com"]


def pytest_collection_modifyitems(config, items):
    """Mark the browser tests `e2e`, and leave them out of a run chosen by `-k` alone.

    `pytest -k report` is how one runs the tests of a feature; it should not
    start Chromium because a browser test's name matches. Those run with
    `-m e2e` (alone or beside `-k`), by path (`tests/e2e`), or in the whole suite.
    """
    for item in items:
        if BROWSER_TESTS in item.path.relative_to(config.rootpath).parts[:2]:
            item.add_marker(BROWSER_TESTS)
    if not config.option.keyword or config.option.markexpr:
        return
    if any(BROWSER_TESTS in str(arg) for arg in config.args):
        return
    if left_out := [item for item in items if item.get_closest_marker(BROWSER_TESTS)]:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker(BROWSER_TESTS)]
