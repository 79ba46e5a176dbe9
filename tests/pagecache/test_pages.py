"""The post page cache: served to anonymous readers, changed by exactly what changes the page.

A page served from the cache costs no SQL query: tests tell a cached page
from a freshly drawn one by counting the queries of the request.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone, translation
from django.views import View

from accounts import services as account_services
from accounts.models import Membership, Organization
from comments import services, stamps
from comments.models import Status
from pagecache import pages
from pagecache.middleware import CachedPageMiddleware, asks_for_the_cache
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.comments.factories import comment_url, form_data, make_comment, reporter, token_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0
    settings.BLOG_PAGE_CACHE_SECONDS = 600
    with translation.override("en"):
        yield


def fetch(client, post, **headers):
    """The page and whether it came from the cache (no query at all)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(post.get_absolute_url(), headers=headers)
    assert response.status_code in (200, 304)
    return response, len(captured) == 0


def is_cached(post):
    return fetch(Client(), post)[1]


@pytest.fixture
def post():
    return make_post()


@pytest.fixture
def other_post():
    return make_post()


@pytest.fixture
def rep():
    brand = Organization.objects.create(name="Maison Verdane", slug="maison-verdane", email_domains="verdane.example")
    user = make_user(display_name="Léa Fournier", email="lea@verdane.example")
    account_services.membership_verify(membership=Membership.objects.create(user=user, organization=brand))
    return user


def test_an_anonymous_reader_gets_the_cached_page_with_the_same_thread(client, post):
    make_comment(post=post, body="Cached words.")

    first, first_cached = fetch(client, post)
    second, second_cached = fetch(Client(), post)

    assert (first_cached, second_cached) == (False, True)
    assert "Cached words." in second.text
    assert second["Cache-Control"] == "private, no-cache"
    assert {"Cookie", "Accept-Language"} <= {v.strip() for v in second["Vary"].split(",")}


def test_each_reader_gets_their_own_form_token_and_csrf_token_from_a_cached_page(post):
    one, _ = fetch(Client(), post)
    two, cached = fetch(Client(), post)

    assert cached
    assert token_in(one.text) != token_in(two.text)
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert csrf.search(one.text).group(1) != csrf.search(two.text).group(1)
    assert "drawn-per-reader" not in two.text


def test_a_comment_sent_from_a_cached_page_is_accepted_for_another_reader(post):
    fetch(Client(), post)  # Someone else drew the page.
    reader = Client(enforce_csrf_checks=True)
    page, cached = fetch(reader, post)
    assert cached

    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    data = form_data(body="Sent from a cached page.", token=token_in(page.text), csrfmiddlewaretoken=csrf)
    response = reader.post(comment_url(post), data)

    assert response.status_code == 302
    assert post.comments.get().body == "Sent from a cached page."


def test_two_readers_of_one_cached_page_each_keep_their_own_comment(post):
    fetch(Client(), post)
    first, second = Client(), Client()
    first_token = token_in(fetch(first, post)[0].text)
    second_token = token_in(fetch(second, post)[0].text)

    first.post(comment_url(post), form_data(body="First reader.", token=first_token))
    second.post(comment_url(post), form_data(body="Second reader.", email="other@example.org", token=second_token))

    assert sorted(post.comments.values_list("body", flat=True)) == ["First reader.", "Second reader."]
    assert "Second reader." not in first.get(post.get_absolute_url()).text


def test_a_pending_comment_never_reaches_the_cached_page(client, post):
    client.post(comment_url(post), form_data(body="Mine, awaiting moderation."))
    [comment] = post.comments.all()
    assert comment.status == Status.PENDING

    mine, mine_cached = fetch(client, post)
    theirs, theirs_cached = fetch(Client(), post)
    again, again_cached = fetch(Client(), post)

    assert not mine_cached
    assert "Mine, awaiting moderation." in mine.text
    assert "Mine, awaiting moderation." not in theirs.text
    assert "Mine, awaiting moderation." not in again.text
    assert again_cached


def test_the_writer_of_a_pending_comment_never_gets_the_cached_page(client, post):
    fetch(Client(), post)  # Cached before the comment is sent.
    client.post(comment_url(post), form_data(body="Still mine."))

    page, cached = fetch(client, post)

    assert not cached
    assert "Still mine." in page.text


def test_a_logged_in_reader_gets_a_fresh_page(client, post):
    fetch(Client(), post)
    client.force_login(make_user(display_name="Noé"))

    page, cached = fetch(client, post)

    assert not cached
    assert "You comment as <strong>Noé</strong>" in page.text


def test_a_reader_with_a_message_gets_it_on_a_fresh_page(client, post):
    comment = make_comment(post=post)
    fetch(Client(), post)

    page = client.post(f"/comments/{comment.pk}/report/", {"reason": "rude"}, follow=True)

    assert "your report was sent to the moderators" in page.text


def test_pages_in_each_language_are_cached_apart(post):
    english, _ = fetch(Client(), post, accept_language="en")
    french, french_cached = fetch(Client(), post, accept_language="fr")

    assert not french_cached
    assert "Leave a comment" in english.text
    assert "Leave a comment" not in french.text
    assert fetch(Client(), post, accept_language="fr")[1]


def test_each_page_of_comments_is_cached_apart(client, post, settings):
    settings.COMMENTS_PER_PAGE = 1
    make_comment(post=post, body="On the first page.")
    make_comment(post=post, body="On the second page.")
    fetch(Client(), post)

    second = Client().get(f"{post.get_absolute_url()}?cpage=2")

    assert "On the second page." in second.text
    assert "On the first page." not in second.text


def change_approve(post, other_post, rep):
    comment = make_comment(post=post, status=Status.HELD, body="Approved later.")
    make_comment(post=other_post)
    return lambda: services.comment_approve(comment=comment, moderator=post.author), "Approved later.", True


def change_reject(post, other_post, rep):
    comment = make_comment(post=post, body="Rejected later.")
    return lambda: services.comment_reject(comment=comment, moderator=post.author), "Rejected later.", False


def change_remove(post, other_post, rep):
    comment = make_comment(post=post, body="Withdrawn later.")
    return lambda: services.comment_remove(comment=comment), "Withdrawn later.", False


def change_edit(post, other_post, rep):
    comment = make_comment(post=post, body="Before the edit.")

    def edit():
        services.comment_edit(comment=comment, moderator=post.author, body="After the edit.", note="typo")

    return edit, "After the edit.", True


def change_reply(post, other_post, rep):
    comment = make_comment(post=post)

    def reply():
        services.comment_reply(parent=comment, author=post.author, body="The author answers.")

    return reply, "The author answers.", True


def change_post_edit(post, other_post, rep):
    def edit():
        post.title = "A better title"
        post.save()

    return edit, "A better title", True


def change_flags(post, other_post, rep, settings=None):
    comment = make_comment(post=post, body="Reported until held.")

    def report():
        for n in range(3):
            services.comment_flag(comment=comment, reporter=reporter(str(n)))

    return report, "Reported until held.", False


CHANGES_TO_ONE_POST = {
    "a comment approved": change_approve,
    "a comment rejected": change_reject,
    "a comment withdrawn": change_remove,
    "a comment edited": change_edit,
    "a reply": change_reply,
    "a post edited": change_post_edit,
    "a comment held after reports": change_flags,
}


@pytest.mark.parametrize("change", CHANGES_TO_ONE_POST.values(), ids=CHANGES_TO_ONE_POST.keys())
def test_a_change_to_a_post_or_its_thread_renews_its_pages_and_no_others(post, other_post, rep, change):
    act, text, shown = change(post, other_post, rep)
    fetch(Client(), post)
    fetch(Client(), other_post)

    act()
    page, cached = fetch(Client(), post)

    assert not cached
    assert (text in page.text) is shown
    assert is_cached(other_post)


def test_a_revoked_badge_leaves_every_page(post, other_post, rep):
    make_comment(post=post, user=rep, organization=rep.memberships.get().organization, name="Léa Fournier")
    assert "Verified · Maison Verdane" in fetch(Client(), post)[0].text
    fetch(Client(), other_post)

    account_services.membership_revoke(membership=rep.memberships.get(), by=post.author, note="left the brand")
    page, cached = fetch(Client(), post)

    assert not cached
    assert "Verified · Maison Verdane" not in page.text
    assert not is_cached(other_post)


def test_a_renamed_organisation_shows_on_the_pages(post, rep):
    brand = rep.memberships.get().organization
    make_comment(post=post, user=rep, organization=brand, name="Léa Fournier")
    fetch(Client(), post)

    brand.name = "Verdane & Fils"
    brand.save()

    assert "Verified · Verdane &amp; Fils" in fetch(Client(), post)[0].text


def test_a_login_does_not_empty_the_cache(client, post):
    user = make_user(password="a-long-test-password")
    fetch(Client(), post)

    assert client.login(email=user.email, password="a-long-test-password")

    assert is_cached(post)


def test_a_comment_due_at_noon_is_on_the_cached_page_at_noon(post):
    noon = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
    post.published_at = noon - timedelta(days=3)
    post.save()
    make_comment(post=post, body="Already public.", publish_at=noon - timedelta(days=1))
    make_comment(post=post, status=Status.PENDING, publish_at=noon, body="Due at noon.")

    with time_machine.travel(noon - timedelta(minutes=5), tick=False):
        before, _ = fetch(Client(), post)
    with time_machine.travel(noon - timedelta(seconds=1), tick=False):
        just_before, cached = fetch(Client(), post)
    with time_machine.travel(noon, tick=False):
        at_noon, _ = fetch(Client(), post)

    assert "Due at noon." not in before.text
    assert cached
    assert "Due at noon." not in just_before.text
    assert "Due at noon." in at_noon.text
    assert "2 comments" in at_noon.text


def test_comments_closing_by_age_show_on_time_through_the_cache(post, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 2
    start = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
    post.published_at = start
    post.save()

    with time_machine.travel(start + timedelta(days=1), tick=False):
        assert "Leave a comment" in fetch(Client(), post)[0].text
    with time_machine.travel(start + timedelta(days=2), tick=False):
        assert "Comments are closed." in fetch(Client(), post)[0].text


def test_an_unchanged_page_answers_304_and_a_changed_one_200(client, post):
    make_comment(post=post)
    first, _ = fetch(client, post)
    assert first.status_code == 200

    same, _ = fetch(client, post, if_none_match=first["ETag"])
    since, _ = fetch(client, post, if_modified_since=first["Last-Modified"])
    make_comment(post=post, body="Something new.")
    changed, _ = fetch(client, post, if_none_match=first["ETag"])

    assert (same.status_code, since.status_code) == (304, 304)
    assert same["ETag"] == first["ETag"]
    assert same["Cache-Control"] == "private, no-cache"
    assert changed.status_code == 200
    assert "Something new." in changed.text
    assert changed["ETag"] != first["ETag"]


def test_another_readers_etag_gets_a_full_page(post):
    first, _ = fetch(Client(), post)

    other, _ = fetch(Client(), post, if_none_match=first["ETag"])

    assert other.status_code == 200


def test_the_cache_can_be_turned_off(post, settings):
    settings.BLOG_PAGE_CACHE_SECONDS = 0
    fetch(Client(), post)

    assert not is_cached(post)


# The short door: CachedPageMiddleware serves readers without a session before the rest of the stack.


@pytest.fixture
def view_calls(monkeypatch):
    """The requests that went down the whole stack to the view door (the short door serves the others)."""
    calls = []
    serve = CachedPageMiddleware.serve

    def counted(self, request, view):
        calls.append(request.path)
        return serve(self, request, view)

    monkeypatch.setattr(CachedPageMiddleware, "serve", counted)
    return calls


def test_a_reader_without_a_session_gets_the_page_before_the_view_with_the_same_headers(post, view_calls):
    make_comment(post=post, body="Through the short door.")
    drawn = Client().get(post.get_absolute_url())

    served = Client().get(post.get_absolute_url())

    assert view_calls == [post.get_absolute_url()]
    assert "Through the short door." in served.text
    assert "drawn-per-reader" not in served.text
    assert served.cookies["csrftoken"].value
    for header in (
        "Content-Type",
        "Content-Language",
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cache-Control",
        "Last-Modified",
    ):
        assert served[header] == drawn[header], header
    assert {v.strip() for v in served["Vary"].split(",")} == {v.strip() for v in drawn["Vary"].split(",")}
    assert served["Content-Length"] == str(len(served.content))


def test_a_comment_sent_from_a_page_served_by_the_short_door_passes_the_csrf_check(post, view_calls):
    fetch(Client(), post)
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(post.get_absolute_url())
    assert len(view_calls) == 1

    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = reader.post(
        comment_url(post), form_data(body="Short door.", token=token_in(page.text), csrfmiddlewaretoken=csrf)
    )

    assert response.status_code == 302
    assert post.comments.get().body == "Short door."


def test_the_short_door_keeps_a_readers_csrf_cookie_and_replaces_a_damaged_one(post):
    fetch(Client(), post)
    reader = Client()
    reader.cookies["csrftoken"] = "k" * 32
    kept = reader.get(post.get_absolute_url()).cookies["csrftoken"].value
    reader.cookies["csrftoken"] = "not a token"
    replaced = reader.get(post.get_absolute_url()).cookies["csrftoken"].value

    assert kept == "k" * 32
    assert len(replaced) == 32
    assert replaced != "k" * 32


@pytest.mark.parametrize("cookie", ["sessionid", "messages", "a_cookie_of_another_site"])
def test_a_reader_with_any_other_cookie_goes_down_the_whole_stack(post, view_calls, cookie):
    fetch(Client(), post)
    reader = Client()
    reader.cookies[cookie] = "something"

    assert reader.get(post.get_absolute_url()).status_code == 200
    assert len(view_calls) == 2


def test_the_short_door_serves_the_language_of_the_readers_cookie(post, view_calls):
    fetch(Client(), post, accept_language="fr")
    reader = Client()
    reader.cookies["django_language"] = "fr"

    page = reader.get(post.get_absolute_url(), headers={"accept-language": "en"})

    assert len(view_calls) == 1
    assert page["Content-Language"] == "fr"
    assert "Leave a comment" not in page.text


def test_the_short_door_answers_304_to_a_reader_whose_copy_is_current(post, view_calls):
    fetch(Client(), post)
    reader = Client()
    first = reader.get(post.get_absolute_url())

    again = reader.get(post.get_absolute_url(), headers={"if-none-match": first["ETag"]})

    assert again.status_code == 304
    assert len(view_calls) == 1


def test_a_page_without_a_form_asks_for_no_csrf_token(post, rf):
    page = pages.draw(HttpResponse("<p>No form here.</p>"), post=post, versions=("a", "b"), now=timezone.now())
    request = rf.get(post.get_absolute_url())

    response = pages.respond(request, page)

    assert response.content == b"<p>No form here.</p>"
    assert "CSRF_COOKIE" not in request.META


def test_a_page_whose_html_left_the_cache_is_drawn_again(post, view_calls):
    make_comment(post=post, body="Drawn twice.")
    digest = fetch(Client(), post)[0]["ETag"].strip('"').split("-")[0]
    cache.delete(pages.body_key(digest))
    pages._body.cache_clear()  # noqa: SLF001 - this process's copies

    page = Client().get(post.get_absolute_url())

    assert "Drawn twice." in page.text
    assert len(view_calls) == 2


def test_a_page_address_that_comes_to_show_another_post_follows_that_posts_stamp(post, other_post):
    now = timezone.now()

    def keep(shown, html):
        versions = stamps.current_versions(shown.pk)
        pages.store("blog:page:test", pages.draw(HttpResponse(html), post=shown, versions=versions, now=now))

    keep(post, "First post.")
    assert pages.fetch("blog:page:test").parts == (b"First post.",)
    keep(other_post, "Second post.")  # The same address, now another post (a slug given to another post).
    assert pages.fetch("blog:page:test").parts == (b"Second post.",)

    stamps.bump_post(other_post.pk)

    assert pages.fetch("blog:page:test") is None


# How a view asks for the cache: a plain attribute, which blog's post view carries (blog imports nothing of pagecache).


def test_the_post_page_asks_for_the_cache_and_the_other_pages_do_not(post):
    assert asks_for_the_cache(resolve(post.get_absolute_url()).func)
    for address in ("/", comment_url(post), "/feed/", "/comments/feed/"):
        assert not asks_for_the_cache(resolve(address).func), address


def test_a_view_asks_for_the_cache_with_page_cache_true_on_itself_or_its_class():
    def plain(request):
        return HttpResponse()

    def asking(request):
        return HttpResponse()

    asking.page_cache = True

    class Asking(View):
        page_cache = True

    assert [asks_for_the_cache(view) for view in (plain, asking, Asking.as_view(), View.as_view())] == [
        False,
        True,
        True,
        False,
    ]
