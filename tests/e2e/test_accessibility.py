"""axe-core on the pages readers and the author use: no serious or critical violation of ours.

Every report, violations of any impact included, is printed at the end of
the run ("axe-core …, page by page"); README.md lists what remains.
"""

import pytest
from playwright.sync_api import expect

from comments.models import Comment, Status
from comments.services import comment_create, comment_flag
from tests.comments.factories import make_comment, reporter
from tests.e2e.factories import make_blog_author, make_representative, make_thread_post

pytestmark = pytest.mark.django_db(transaction=True)


def make_scene():
    """A post whose thread shows both badges, and a queue with a pending, a held and a reported comment."""
    author = make_blog_author()
    representative, brand = make_representative(verified_by=author)
    post = make_thread_post(author)
    complaint = make_comment(post=post, name="Manon D.", body="Toujours pas de colis chez Maison Verdane.")
    comment_create(post=post, parent=complaint, user=representative, organization=brand, body="Je m'en occupe.")
    make_comment(post=post, status=Status.PENDING, name="Élodie", body="Combien de temps attendre ?")
    make_comment(post=post, status=Status.HELD, name="Promo", body="Meilleurs prix ici", reasons=[{"code": "links"}])
    reported = Comment.objects.get(name="Julien R.")
    for reader in ("a", "b", "c"):
        comment_flag(comment=reported, reporter=reporter(str(reader)))
    return author, post


def home(page, base_url, post):
    page.goto(base_url + "/")


def post_with_thread(page, base_url, post):
    page.goto(base_url + post.get_absolute_url())
    expect(page.locator(".comment-badge-verified")).to_be_visible()


def comment_form_with_errors(page, base_url, post):
    page.goto(base_url + post.get_absolute_url())
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer le commentaire").click()
    expect(page.locator("#comment-form [aria-invalid=true]")).to_have_count(3)  # name, e-mail, comment


def login(page, base_url, post):
    page.goto(base_url + "/accounts/login/")


def signup(page, base_url, post):
    page.goto(base_url + "/accounts/signup/")


OUR_PAGES = [home, post_with_thread, comment_form_with_errors, login, signup]


@pytest.mark.parametrize("open_page", OUR_PAGES, ids=lambda open_page: open_page.__name__)
def test_our_pages_have_no_serious_or_critical_accessibility_violation(page, base_url, check_accessibility, open_page):
    author, post = make_scene()
    open_page(page, base_url, post)
    report = check_accessibility(page, open_page.__name__.replace("_", " "))
    assert not report.blocking(), report.describe(report.blocking())


# Violations in the Django admin's own markup that remain on the queue, by
# axe rule id (README.md lists them): none serious or critical today.
ADMIN_OWN = {}


def test_the_admin_queue_has_no_serious_or_critical_accessibility_violation(
    page, context, log_in, base_url, check_accessibility
):
    author, post = make_scene()
    log_in(context, author)
    page.goto(base_url + "/admin/comments/comment/")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)  # pending, held, reported
    report = check_accessibility(page, "admin queue")
    assert not report.blocking(allowed=ADMIN_OWN), report.describe(report.blocking(allowed=ADMIN_OWN))
    # Our own columns, minor rules included: every column has a header (the "Reply" buttons' too).
    assert "empty-table-header" not in {violation["id"] for violation in report.violations}
