"""Browser tests: the live site driven in headless Chromium by Playwright.

Playwright cannot download its own browser everywhere, so the tests launch
the system Chromium (Debian packages `chromium` and `chromium-driver`). When
it is missing they are skipped with a message saying so, unless
`BLOG_E2E_REQUIRED` is set (CI sets it): then a missing browser is a failure.

Each page opened through the `page` fixture, or in a browser from
`open_context`, fails its test on any JavaScript console error, uncaught
exception, resource that fails to load or Content Security Policy violation:
a page that works only because nobody looked at the console is not working.
A page that itself answers with an error status (a form sent back with its
errors answers 400) is not a problem: it is what the test reads.

Browsers here are French readers on a 1280-pixel screen (the site's first
language); the comment form's "sent too fast" rule is off, so tests need not
wait three seconds before each comment a browser sends.

The accessibility checks run axe-core, installed from the npm registry into
node_modules (`npm ci`, which `make test` runs when npm is there). Without it
they are skipped with a message saying so, or fail when BLOG_E2E_REQUIRED is
set. The axe report of each page checked is printed at the end of the run.
"""

import os
import shutil

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.e2e import axe

# Playwright's sync API runs an event loop in the test thread; Django refuses
# database access from a thread with a running loop unless told it is safe.
# Here it is: the loop only waits for the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("BLOG_E2E_REQUIRED", "").lower() in {"1", "true", "yes", "on"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    message = "Chromium not found: install the Debian packages chromium and chromium-driver to run the browser tests"
    if REQUIRED:
        raise pytest.UsageError(f"BLOG_E2E_REQUIRED is set but {message}.")
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.skip(reason=message))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "viewport": DESKTOP, "color_scheme": "light"}


@pytest.fixture(scope="session")
def base_url(live_server):
    # The server listens on 127.0.0.1. Asked for "localhost", Chromium tries
    # IPv6 first and waits before falling back, on every new browser context.
    return live_server.url.replace("://localhost:", "://127.0.0.1:")


@pytest.fixture(autouse=True)
def _browser_settings(settings):
    """A browser sends the comment form within a second of drawing it: no "too fast" rule here.

    The live server runs in a thread of this process, so it reads these settings too.
    """
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0


class PageProblems(list):
    """What went wrong in the browser while a test ran: console errors, page errors, CSP violations."""

    def console(self, page, message):
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and message.location.get("url") == page.url:
            # The page itself answered with an error status, as a form sent back
            # with its errors does (400): the test reads that page. A stylesheet,
            # script or image that fails to load inside a page is still a problem.
            return
        self.append(f"console: {message.text}")

    def watch(self, page):
        page.on("console", lambda message: self.console(page, message))
        page.on("pageerror", lambda error: self.append(f"uncaught: {error}"))
        # A CSP violation is reported on the console too, but an event names it precisely.
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => console.error("
            "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
        )
        return page


@pytest.fixture
def page_problems():
    return PageProblems()


@pytest.fixture
def context(new_context, page_problems):
    """A browser context whose pages are all watched for problems."""
    context = new_context()
    context.on("page", page_problems.watch)
    return context


@pytest.fixture
def open_context(new_context, page_problems):
    """Open more browsers (a second reader, the author at the desk), watched like the first.

    Keyword arguments go to Playwright's new_context (java_script_enabled=False, say), except
    those browser_context_args sets (locale, viewport): change the viewport on the page instead.
    """

    def open_(**options):
        context = new_context(**options)
        context.on("page", page_problems.watch)
        return context

    yield open_
    assert not page_problems, "the browser reported problems:\n" + "\n".join(page_problems)


@pytest.fixture
def page(context, page_problems):
    page = context.new_page()
    yield page
    assert not page_problems, "the browser reported problems:\n" + "\n".join(page_problems)


@pytest.fixture
def log_in(base_url):
    """Give a browser context a logged-in user's session, for tests whose subject is not the login form."""

    def log_in_(context, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])
        return context

    return log_in_


@pytest.fixture(scope="session")
def axe_source():
    """axe-core's script, from node_modules; skipped (or failed in CI) when it was not installed."""
    try:
        return axe.source()
    except FileNotFoundError as missing:
        message = (
            f"axe-core not found ({missing.filename} is missing): run `npm ci` in the project folder "
            "(make test does it when npm is installed) to run the accessibility checks"
        )
        if REQUIRED:
            pytest.fail(f"BLOG_E2E_REQUIRED is set but {message}.")
        pytest.skip(message)


@pytest.fixture
def check_accessibility(axe_source):
    """Run axe-core on a page and keep its report for the end of the run; return the violations."""

    def check(page, name):
        report = axe.run(page, axe_source, name=name)
        axe.REPORTS.append(report)
        return report

    return check


def pytest_terminal_summary(terminalreporter):
    if axe.REPORTS:
        terminalreporter.write_sep("-", f"axe-core {axe.REPORTS[0].version}, page by page")
        for report in axe.REPORTS:
            terminalreporter.write_line(report.summary())
