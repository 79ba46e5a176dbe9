"""Stored XSS in a real browser: pages full of payloads are opened in Chromium and no script may run.

Every payload of tests/security/xss_payloads.txt is stored where readers
and staff write (comment text, names, websites, profile names, post
bodies), many per page. Each page is opened twice: as served, with the
Content Security Policy (any violation is a failure: an executable vector
reached the HTML), and with the policy bypassed, so that the markup alone
must be inert. The test fails if alert, confirm, prompt, print or open is
called, a dialog opens, a script error is thrown, the page navigates away,
or a link points at a script URL. Requests leaving the site are answered
empty by the test, never sent.
"""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from comments.forms import CommentForm, new_form_token
from comments.models import Comment, Status
from core.sanitize import render_reader_text
from tests.accounts.factories import make_author, make_user
from tests.blog.factories import make_post
from tests.comments.factories import form_data
from tests.security.inert import payloads

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOADS = payloads()
PER_PAGE = 120

HOOKS = """
window.__xss = [];
for (const name of ['alert', 'confirm', 'prompt', 'print', 'open']) {
  try {
    Object.defineProperty(window, name, {
      value: (...args) => { window.__xss.push(name + '(' + args.join(',') + ')'); },
      writable: false, configurable: false,
    });
  } catch (error) {}
}
"""


def batches(items, size=PER_PAGE):
    return [items[start : start + size] for start in range(0, len(items), size)]


def accepted_website(payload):
    form = CommentForm(form_data(website=payload, token=new_form_token(reader="", post_id=0)), reader="", post_id=0)
    return form.cleaned_data["website"] if form.is_valid() else ""


def seed_pages():
    """Posts whose bodies, comments, names and websites hold every payload; return their paths."""
    author = make_author()
    reader = make_user()
    now = timezone.now()
    paths = []
    for number, batch in enumerate(batches(PAYLOADS)):
        post = make_post(author=author, title=f"Payloads {number}", body="\n".join(batch))
        Comment.objects.bulk_create(
            Comment(
                post=post,
                user=reader if index % 7 == 0 else None,
                name=payload[:80],
                email="reader@example.org",
                website=accepted_website(payload),
                body=payload,
                body_html=render_reader_text(payload),
                status=Status.APPROVED,
                publish_at=now - timedelta(minutes=1),
            )
            for index, payload in enumerate(batch)
        )
        paths.append(post.get_absolute_url())
    return paths


@pytest.fixture
def external_requests_answered_empty():
    """Route every request that would leave the live server to an empty answer."""

    def install(context, base_url):
        local = urlsplit(base_url).netloc

        def handle(route):
            if urlsplit(route.request.url).netloc == local:
                route.continue_()
            else:
                route.fulfill(status=204, body="")

        context.route("**/*", handle)

    return install


def open_and_watch(context, url):
    """Open a page; return what ran (hooks, dialogs, navigation) and the links to scripts."""
    page = context.new_page()
    dialogs, navigations = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("framenavigated", lambda frame: frame == page.main_frame and navigations.append(frame.url))
    page.goto(url, wait_until="load")
    # Let image errors, autofocus, animations and toggles fire.
    page.wait_for_timeout(400)
    page.mouse.move(200, 300)
    page.keyboard.press("Tab")
    page.wait_for_timeout(100)
    ran = page.evaluate("window.__xss")
    script_links = page.evaluate(
        "[...document.querySelectorAll('[href],[src],[action],[formaction],[data]')]"
        ".flatMap(el => ['href','src','action','formaction','data'].map(a => el.getAttribute(a)).filter(Boolean))"
        ".filter(v => /^\\s*(javascript|vbscript|data):/i.test(v))"
    )
    final_url = page.url
    page.close()
    left = [address for address in navigations if address.split("#")[0] != url.split("#")[0]]
    if final_url.split("#")[0] != url.split("#")[0]:
        left.append(final_url)
    return {"ran": ran, "dialogs": dialogs, "navigated": left, "script_links": script_links}


def assert_inert(context, page_problems, urls):
    findings = {}
    for url in urls:
        result = open_and_watch(context, url)
        if any(result.values()):
            findings[url] = result
    problems = [problem for problem in page_problems if "Failed to load resource" not in problem]
    page_problems.clear()
    assert findings == {}
    assert problems == []


def test_no_payload_runs_with_the_content_security_policy(
    context, page_problems, base_url, external_requests_answered_empty
):
    paths = seed_pages()
    context.add_init_script(HOOKS)
    external_requests_answered_empty(context, base_url)
    assert_inert(context, page_problems, [base_url + path for path in paths] + [base_url + "/"])


def test_no_payload_runs_even_without_the_policy(
    new_context, page_problems, base_url, external_requests_answered_empty
):
    paths = seed_pages()
    context = new_context(bypass_csp=True)
    context.on("page", page_problems.watch)
    context.add_init_script(HOOKS)
    external_requests_answered_empty(context, base_url)
    assert_inert(context, page_problems, [base_url + path for path in paths] + [base_url + "/"])


def test_the_hooks_would_see_a_script_that_ran(new_context, page_problems, base_url, external_requests_answered_empty):
    """The watch is not blind: an unsanitized vector written into the page is caught."""
    path = seed_pages()[0]
    context = new_context(bypass_csp=True)
    context.add_init_script(HOOKS)
    external_requests_answered_empty(context, base_url)
    page = context.new_page()
    page.goto(base_url + path)
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=alert(1)>')")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") == ["alert(1)"]
    page.close()
