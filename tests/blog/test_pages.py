"""The reader's pages: home, archive, post page meta tags, robots.txt, 404."""

import zoneinfo
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone

from blog.models import Post
from comments.models import Status
from tests.accounts.factories import make_author
from tests.blog.factories import image_upload, make_post
from tests.comments.factories import make_comment

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


class MetaTags(HTMLParser):
    """Collect <meta property=... content=...> and <link rel=canonical>."""

    def __init__(self, html):
        super().__init__()
        self.properties = {}
        self.canonical = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "property" in attrs:
            self.properties[attrs["property"]] = attrs["content"]
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]


# Home page


def test_home_page_shows_lead_date_author_and_public_comment_count(client):
    author = make_author(display_name="Claire Test")
    post = make_post(
        author=author, lead="What this post is about.", published_at=datetime(2024, 3, 15, 9, tzinfo=PARIS)
    )
    for status in (Status.APPROVED, Status.APPROVED):
        make_comment(post=post, status=status)
    make_comment(post=post, status=Status.PENDING, publish_at=timezone.now() - timedelta(minutes=1))
    make_comment(post=post, status=Status.PENDING)  # due in 48 hours: not public yet
    for status in (Status.HELD, Status.REJECTED, Status.SPAM, Status.REMOVED):
        make_comment(post=post, status=status)

    response = client.get("/")

    assert response.status_code == 200
    text = response.text
    assert "What this post is about." in text
    assert "By Claire Test" in text
    assert formats.date_format(post.published_at.astimezone(PARIS), "DATE_FORMAT") in text
    assert "3 comments" in text
    assert response.context["post_list"][0].public_comment_count == 3


def test_home_page_shows_the_cover_thumbnail(client):
    post = make_post()
    post.set_cover(image_upload(size=(1200, 800)))
    post.save()
    response = client.get("/")
    assert post.cover_thumbnail.url in response.text


def test_home_page_is_paginated_newest_first(client, settings):
    settings.BLOG_POSTS_PER_PAGE = 2
    now = timezone.now()
    oldest, middle, newest = (make_post(published_at=now - timedelta(days=days)) for days in (3, 2, 1))

    first = client.get("/")
    second = client.get("/?page=2")

    assert list(first.context["post_list"]) == [newest, middle]
    assert list(second.context["post_list"]) == [oldest]
    assert 'rel="next"' in first.text
    assert 'rel="prev"' in second.text
    assert client.get("/?page=3").status_code == 404


def home_page_queries(client, number_of_posts):
    now = timezone.now()
    for index in range(number_of_posts):
        post = make_post(author=make_author(), published_at=now - timedelta(hours=index + 1))
        make_comment(post=post)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    assert len(response.context["post_list"]) == number_of_posts
    Post.objects.all().delete()
    return len(queries)


def test_home_page_query_count_does_not_grow_with_posts(client, settings):
    settings.BLOG_POSTS_PER_PAGE = 50
    assert home_page_queries(client, 3) == home_page_queries(client, 20)


# Month archive


def test_month_archive_lists_the_public_posts_of_that_month_only(client):
    march = make_post(title="In March", published_at=datetime(2024, 3, 15, 12, tzinfo=PARIS))
    last_evening = make_post(title="Last evening of March", published_at=datetime(2024, 3, 31, 23, 30, tzinfo=PARIS))
    make_post(title="A March draft", status=Post.Status.DRAFT, published_at=datetime(2024, 3, 20, tzinfo=PARIS))
    make_post(title="In April", published_at=datetime(2024, 4, 2, 12, tzinfo=PARIS))
    make_post(title="In February", published_at=datetime(2024, 2, 10, 12, tzinfo=PARIS))

    response = client.get("/archive/2024/03/")

    assert response.status_code == 200
    # Months follow the blog's time zone: 23:30 in Paris on 31 March is March.
    assert list(response.context["post_list"]) == [last_evening, march]
    assert "A March draft" not in response.text
    assert response.context["previous_month"].month == 2
    assert response.context["next_month"].month == 4


def test_month_archive_without_public_posts_is_not_found(client):
    make_post(status=Post.Status.DRAFT, published_at=datetime(2024, 5, 3, tzinfo=PARIS))
    assert client.get("/archive/2024/05/").status_code == 404


def test_post_page_links_to_its_month_archive(client):
    post = make_post(published_at=datetime(2024, 3, 15, 12, tzinfo=PARIS))
    assert 'href="/archive/2024/3/"' in client.get(post.get_absolute_url()).text
    assert client.get("/archive/2024/3/").status_code == 200


# Post page


def test_post_page_has_open_graph_tags(client):
    post = make_post(title='Say "hello" <politely>', lead="Why greetings matter.")
    post.set_cover(image_upload(size=(800, 450)))
    post.save()

    response = client.get(post.get_absolute_url())

    tags = MetaTags(response.text)
    assert tags.properties["og:type"] == "article"
    assert tags.properties["og:title"] == 'Say "hello" <politely>'
    assert tags.properties["og:description"] == "Why greetings matter."
    assert tags.properties["og:url"] == f"http://testserver{post.get_absolute_url()}"
    assert tags.properties["og:image"] == f"http://testserver{post.cover.url}"
    assert tags.properties["article:author"] == post.author.display_name
    assert tags.canonical == f"http://testserver{post.get_absolute_url()}"
    assert "<politely>" not in response.text


def test_post_page_without_cover_has_no_og_image(client):
    post = make_post()
    tags = MetaTags(client.get(post.get_absolute_url()).text)
    assert "og:image" not in tags.properties
    assert tags.properties["og:title"] == post.title


# robots.txt and errors


def test_robots_txt_is_plain_text_and_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


@pytest.mark.parametrize("url", ["/no-such-page/", "/posts/no-such-post/", "/archive/2024/13/"])
def test_not_found_pages_use_our_template(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    assert "This address leads nowhere" in response.text


def test_post_page_shows_an_allowed_video_and_its_host_may_be_framed(client, settings):
    post = make_post(body='<p>Watch</p><iframe src="https://player.vimeo.com/video/1" title="Video"></iframe>')
    response = client.get(post.get_absolute_url())
    assert '<iframe src="https://player.vimeo.com/video/1"' in response.text
    policy = response.headers.get("Content-Security-Policy", "")
    frame_src = next(part for part in policy.split(";") if part.strip().startswith("frame-src"))
    for host in settings.BLOG_EMBED_HOSTS:
        assert f"https://{host}" in frame_src


def test_feeds_list_the_newest_posts_first_and_at_most_twenty(client):
    now = timezone.now()
    for days in range(22, 0, -1):
        make_post(title=f"{days} days ago", published_at=now - timedelta(days=days))
    for url in ("/feed/", "/feed/rss/"):
        text = client.get(url).text
        assert text.count("days ago</title>") == 20
        assert text.index(">1 days ago<") < text.index(">2 days ago<") < text.index(">20 days ago<")
        assert ">21 days ago<" not in text
