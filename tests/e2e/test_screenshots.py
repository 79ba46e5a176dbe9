"""Screenshots of the main pages, on a 1280-pixel desktop and a 390-pixel phone.

Every run saves them under test-screenshots/ (ignored by git), so a change
to a page can be looked at. `make screenshots` sets BLOG_SCREENSHOTS_TO_DOCS,
and the pictures README.md and docs/moderation.md show are then also written
to docs/screenshots/: this is the one way they are made. They show the demo
blog (`load_demo`) in French, with the author logged in for the admin pages.

On the phone, no page may be wider than the screen: a sideways scroll is
the commonest way a layout breaks on small screens.
"""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import expect

from accounts.models import User
from comments.models import Comment
from demo.management.commands._demo_content import AUTHOR
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-screenshots"
DOCS = ROOT / "docs" / "screenshots"
TO_DOCS = os.environ.get("BLOG_SCREENSHOTS_TO_DOCS", "").lower() in {"1", "true", "yes", "on"}

THREAD_POST = "/posts/repondre-a-un-client-mecontent-en-public/"
# Screenshot name -> the file in docs/screenshots/ that README.md or docs/moderation.md shows.
FOR_DOCS = {
    "home-desktop": "home.png",
    "post-desktop": "post.png",
    "post-phone": "post-phone.png",
    "admin-index": "admin-index.png",
    "admin-queue": "admin-queue.png",
    "admin-comment": "admin-comment.png",
    "admin-reject": "admin-reject.png",
}


def shoot(page, name, *, full_page=True):
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=path, full_page=full_page, animations="disabled", caret="initial")
    if TO_DOCS and name in FOR_DOCS:
        shutil.copyfile(path, DOCS / FOR_DOCS[name])
    return path


def reader_pages(page, base_url, device):
    page.goto(base_url + "/")
    shoot(page, f"home-{device}")
    page.goto(base_url + THREAD_POST)
    expect(page.locator(".comment-badge-verified")).to_be_visible()
    shoot(page, f"post-{device}")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer le commentaire").click()
    page.locator("#comment-form").scroll_into_view_if_needed()
    shoot(page, f"comment-form-errors-{device}", full_page=False)
    page.goto(base_url + "/accounts/login/")
    shoot(page, f"login-{device}")
    page.goto(base_url + "/accounts/signup/")
    shoot(page, f"signup-{device}")


def test_screenshots_of_the_main_pages(open_context, log_in, base_url):
    OUTPUT.mkdir(exist_ok=True)
    call_command("load_demo", stdout=io.StringIO())
    author = User.objects.get(email=AUTHOR["email"])

    desktop = open_context().new_page()  # DESKTOP is every context's viewport
    reader_pages(desktop, base_url, "desktop")

    phone = open_context().new_page()
    phone.set_viewport_size(PHONE)
    widths = {}
    for url in ("/", THREAD_POST, "/accounts/login/", "/accounts/signup/"):
        phone.goto(base_url + url)
        widths[url] = phone.evaluate("() => document.documentElement.scrollWidth")
    assert widths == dict.fromkeys(widths, PHONE["width"]), f"pages wider than the phone: {widths}"
    reader_pages(phone, base_url, "phone")

    desk = log_in(open_context(), author).new_page()
    desk.goto(base_url + "/admin/")
    shoot(desk, "admin-index", full_page=False)
    desk.goto(base_url + "/admin/comments/comment/")
    shoot(desk, "admin-queue")
    answer = Comment.objects.get(body__startswith="Bonjour Manon")  # a reply with a parent and a reply below
    desk.goto(base_url + f"/admin/comments/comment/{answer.pk}/change/")
    expect(desk.locator("#reply")).to_be_visible()
    shoot(desk, "admin-comment")
    desk.goto(base_url + "/admin/comments/comment/")
    rows = desk.locator("#result_list tbody input.action-select")
    for index in range(min(rows.count(), 2)):
        rows.nth(index).check()
    desk.locator("select[name=action]").select_option("reject")
    with desk.expect_navigation():
        desk.locator("button[name=index]").click()
    shoot(desk, "admin-reject", full_page=False)  # shown, not confirmed: nothing changes

    expected = {"desktop": DESKTOP["width"], "phone": PHONE["width"], "admin": DESKTOP["width"]}
    for path in sorted(OUTPUT.glob("*.png")):
        kind = next(kind for kind in expected if kind in path.stem)
        assert Image.open(path).width == expected[kind], path.name
    assert {path.stem for path in OUTPUT.glob("*.png")} >= set(FOR_DOCS)
