"""Which posts a reader sees: one row per state, through every door."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from blog.models import Post
from tests.accounts.factories import make_author
from tests.blog.factories import make_post

DAY = timedelta(days=1)

# (state, status, publication date relative to now, visible to readers)
STATES = [
    pytest.param("published", Post.Status.PUBLISHED, -DAY, True, id="published"),
    pytest.param("draft", Post.Status.DRAFT, -DAY, False, id="draft"),
    pytest.param("scheduled", Post.Status.PUBLISHED, DAY, False, id="scheduled"),
    pytest.param("scheduled-draft", Post.Status.DRAFT, DAY, False, id="scheduled-draft"),
]

pytestmark = pytest.mark.django_db


def post_in_state(state, status, offset):
    return make_post(
        title=f"The {state} post", slug=f"the-{state}-post", status=status, published_at=timezone.now() + offset
    )


@pytest.mark.parametrize(("state", "status", "offset", "visible"), STATES)
def test_published_queryset_holds_only_public_posts(state, status, offset, visible):
    post = post_in_state(state, status, offset)
    assert (post in Post.objects.published()) is visible
    assert post.is_published() is visible


def test_published_queryset_answers_for_the_time_given():
    post = make_post(published_at=timezone.now() + DAY)
    assert post not in Post.objects.published()
    assert post in Post.objects.published(now=timezone.now() + 2 * DAY)
    assert post.is_published(now=timezone.now() + 2 * DAY)


@pytest.mark.parametrize(("state", "status", "offset", "visible"), STATES)
def test_home_page_lists_only_public_posts(client, state, status, offset, visible):
    post = post_in_state(state, status, offset)
    response = client.get("/")
    assert response.status_code == 200
    assert (post.title in response.text) is visible
    assert (post in response.context["post_list"]) is visible


@pytest.mark.parametrize(("state", "status", "offset", "visible"), STATES)
def test_post_page_is_not_found_by_readers_unless_public(client, state, status, offset, visible):
    post = post_in_state(state, status, offset)
    response = client.get(post.get_absolute_url())
    assert response.status_code == (200 if visible else 404)
    assert (post.title in response.text) is visible


@pytest.mark.parametrize(("state", "status", "offset", "visible"), STATES)
def test_staff_who_edit_posts_preview_every_state(client, state, status, offset, visible):
    post = post_in_state(state, status, offset)
    editor = make_author()
    editor.user_permissions.add(Permission.objects.get(codename="change_post"))
    client.force_login(editor)
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert post.title in response.text
    assert ("Preview: readers cannot see this post yet." in response.text) is not visible


def test_staff_without_the_edit_permission_do_not_preview_drafts(client):
    post = make_post(status=Post.Status.DRAFT)
    client.force_login(make_author())  # staff, but may not change posts
    assert client.get(post.get_absolute_url()).status_code == 404


def feed_titles(response):
    root = ElementTree.fromstring(response.content)
    atom = "{http://www.w3.org/2005/Atom}"
    if root.tag == f"{atom}feed":
        return [entry.findtext(f"{atom}title") for entry in root.iter(f"{atom}entry")]
    return [item.findtext("title") for item in root.iter("item")]


@pytest.mark.parametrize("url", ["/feed/", "/feed/rss/"])
@pytest.mark.parametrize(("state", "status", "offset", "visible"), STATES)
def test_feeds_list_only_public_posts(client, url, state, status, offset, visible):
    make_post(title="Always public")
    post = post_in_state(state, status, offset)
    response = client.get(url)
    assert response.status_code == 200
    titles = feed_titles(response)
    assert "Always public" in titles
    assert (post.title in titles) is visible


def test_atom_and_rss_feeds_have_their_content_types(client):
    make_post()
    assert client.get("/feed/")["Content-Type"].startswith("application/atom+xml")
    assert client.get("/feed/rss/")["Content-Type"].startswith("application/rss+xml")


@pytest.mark.parametrize(("state", "status", "offset", "visible"), STATES)
def test_sitemap_lists_only_public_posts(client, state, status, offset, visible):
    post = post_in_state(state, status, offset)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locations = [loc.text for loc in ElementTree.fromstring(response.content).iter(f"{namespace}loc")]
    assert (f"http://testserver{post.get_absolute_url()}" in locations) is visible


@pytest.mark.parametrize(("state", "status", "offset", "visible"), STATES)
def test_month_archive_lists_only_public_posts(client, state, status, offset, visible):
    post = post_in_state(state, status, offset)
    month = timezone.localtime(post.published_at)
    response = client.get(f"/archive/{month.year}/{month.month:02d}/")
    # A month with nothing public in it is no archive page at all.
    assert response.status_code == (200 if visible else 404)
    assert (post.title in response.text) is visible
