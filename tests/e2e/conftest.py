"""Browser tests: the live site driven in headless Chromium by Playwright.

Playwright cannot download its own browser everywhere, so the tests launch
the system Chromium (Debian packages `chromium` and `chromium-driver`). When
it is missing they are skipped with a message saying so, unless
`BLOG_E2E_REQUIRED` is set (CI sets it): then a missing browser is a failure.

Each page opened through the `page` fixture fails its test on any JavaScript
console error, uncaught exception or Content Security Policy violation: a
page that works only because nobody looked at the console is not working.
"""

import os
import shutil

import pytest

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


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server.url


class PageProblems(list):
    """What went wrong in the browser while a test ran: console errors, page errors, CSP violations."""

    def watch(self, page):
        page.on("console", lambda message: message.type == "error" and self.append(f"console: {message.text}"))
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
def page(context, page_problems):
    page = context.new_page()
    yield page
    assert not page_problems, "the browser reported problems:\n" + "\n".join(page_problems)
