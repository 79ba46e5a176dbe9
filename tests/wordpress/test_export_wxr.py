"""export_wxr: a WordPress export of the blog that import_wxr reads back to the same blog."""

from datetime import UTC, datetime, timedelta
from io import BytesIO, StringIO

import pytest
from defusedxml.ElementTree import fromstring
from django.core.management import call_command

from accounts.models import User
from blog.models import Post
from comments.models import Comment, ModerationEvent, Status
from tests.accounts.factories import make_author, make_user
from tests.blog.factories import make_post
from tests.comments.factories import make_comment
from wordpress.exporter import cdata, export_wxr
from wordpress.importer import import_wxr

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SITE = "https://carnet.example"


def at(days):
    return NOW - timedelta(days=days)


@pytest.fixture
def blog():
    """Two authors, every post and comment status, a thread four deep, text that XML finds awkward."""
    claire = make_author(email="claire@example.com", display_name="Claire")
    marc = make_author(email="marc@example.com", display_name="Marc")
    reader = make_user(email="reader@example.org", display_name="Lecteur")
    post = make_post(
        title="Modérer : « ]]> » & <autres> 🎉",
        slug="moderer",
        author=claire,
        lead="Une introduction & des <chevrons>.",
        body="<p>Un <strong>paragraphe</strong>.</p>\n<p>Du code : <code>a ]]&gt; b</code></p>",
        published_at=at(30),
    )
    make_post(title="Brouillon", slug="brouillon", author=marc, status=Post.Status.DRAFT, published_at=at(3))
    make_post(title="Plus tard", slug="plus-tard", author=claire, published_at=NOW + timedelta(days=5))
    make_post(title="Fermé", slug="ferme", author=marc, published_at=at(20), comments_enabled=False)

    def comment(name, status, days, parent=None, **fields):
        fields.setdefault("publish_at", at(days) if status in (Status.APPROVED, Status.PENDING) else None)
        return make_comment(
            post=post, name=name, status=status, created_at=at(days), parent=parent, body=f"{name} écrit.", **fields
        )

    top = comment(
        "Anne", Status.APPROVED, 29, published_at=at(28), ip_address="203.0.113.1", website="https://a.example"
    )
    reply = comment("Claire", Status.APPROVED, 28, parent=top, user=claire)
    deeper = comment("Bruno", Status.PENDING, 27, parent=reply, publish_at=at(25))  # public through the delay
    comment("Chloé", Status.APPROVED, 26, parent=deeper, user=reader)
    comment("Denis", Status.PENDING, 1, publish_at=NOW + timedelta(hours=40))  # not public yet
    comment("Émile", Status.HELD, 2)
    comment("Spam", Status.SPAM, 3)
    comment("Fanny", Status.REJECTED, 4, parent=top)
    comment("Gaston", Status.REMOVED, 5)
    make_comment(
        post=post,
        name="Hélène",
        status=Status.APPROVED,
        created_at=at(6),
        publish_at=at(6),
        body="Ligne 1\nLigne 2 & <b>pas du HTML</b> ]]> fin 😀",
    )
    return post


def snapshot():
    """Everything the round trip must keep, without database ids."""
    posts = sorted(
        (p.slug, p.title, p.author.email, p.lead, p.body, p.status, p.published_at, p.comments_enabled)
        for p in Post.objects.select_related("author")
    )
    comments = sorted(
        (
            c.post.slug,
            c.name,
            c.parent.name if c.parent else None,
            c.user.email if c.user else None,
            c.email,
            c.website,
            c.body,
            c.status,
            c.created_at,
            c.publish_at,
            c.published_at,
            c.ip_address,
        )
        for c in Comment.objects.select_related("post", "parent", "user")
    )
    return posts, comments


def test_cdata_splits_its_end_marker_and_drops_what_xml_cannot_hold():
    assert cdata("a]]>b\x01") == "<![CDATA[a]]]]><![CDATA[>b]]>"
    assert fromstring(f"<x>{cdata('a]]>b')}</x>").text == "a]]>b"


def test_the_export_is_a_wxr_file_wordpress_reads(blog):
    out = StringIO()
    counts = export_wxr(out, site_url=SITE, now=NOW)
    assert counts == {"posts": 4, "comments": 10}
    root = fromstring(out.getvalue().encode())
    wp = "{http://wordpress.org/export/1.2/}"
    items = root.find("channel").findall("item")
    by_slug = {item.findtext(f"{wp}post_name"): item for item in items}
    assert {slug: item.findtext(f"{wp}status") for slug, item in by_slug.items()} == {
        "moderer": "publish",
        "brouillon": "draft",
        "plus-tard": "future",
        "ferme": "publish",
    }
    approved = {
        c.findtext(f"{wp}comment_author"): c.findtext(f"{wp}comment_approved")
        for c in by_slug["moderer"].findall(f"{wp}comment")
    }
    assert approved == {
        "Anne": "1",
        "Claire": "1",
        "Bruno": "1",
        "Chloé": "1",
        "Denis": "0",
        "Émile": "0",
        "Spam": "spam",
        "Fanny": "trash",
        "Gaston": "trash",
        "Hélène": "1",
    }
    assert by_slug["moderer"].findtext("title") == "Modérer : « ]]> » & <autres> 🎉"
    assert [a.findtext(f"{wp}author_login") for a in root.find("channel").findall(f"{wp}author")] == [
        "claire@example.com",
        "marc@example.com",
    ]


def test_exporting_then_importing_into_an_empty_database_gives_the_same_blog(blog):
    before = snapshot()
    out = StringIO()
    export_wxr(out, site_url=SITE, now=NOW)
    Comment.objects.all().delete()
    Post.objects.all().delete()
    User.objects.all().delete()

    # The authors' accounts come back through the author map only: the export's logins are their e-mails.
    authors = {email: email for email in ("claire@example.com", "marc@example.com")}
    report = import_wxr(BytesIO(out.getvalue().encode()), author_map=authors, now=NOW)

    assert report.count("post") == 4 and report.count("comment") == 10
    posts, comments = snapshot()
    # A reader's account is not an author of the export: their comment comes back without it.
    expected_comments = [row[:3] + ((None,) if row[1] == "Chloé" else row[3:4]) + row[4:] for row in before[1]]
    assert posts == before[0]
    assert comments == expected_comments
    assert set(ModerationEvent.objects.values_list("source", flat=True)) == {"import"}


def test_the_command_writes_a_file(blog, tmp_path):
    path = tmp_path / "blog.xml"
    err = StringIO()
    call_command("export_wxr", str(path), "--site-url", SITE, stderr=err)
    assert "4 posts and 10 comments" in err.getvalue()
    assert fromstring(path.read_bytes()).tag == "rss"
    out = StringIO()
    call_command("export_wxr", "--site-url", SITE, stdout=out)
    assert out.getvalue() == path.read_text(encoding="utf-8").replace(
        fromstring(path.read_bytes()).find("channel").findtext("pubDate"),
        fromstring(out.getvalue().encode()).find("channel").findtext("pubDate"),
    )
