"""import_disqus: Disqus comments join the posts they were written on, threaded, once."""

from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from blog.models import Post
from comments.models import Comment, ModerationEvent, Status
from tests.blog.factories import make_post
from wordpress.disqus import DisqusError, import_disqus
from wordpress.importer import import_wxr

pytestmark = pytest.mark.django_db

WXR = Path(__file__).parent / "wxr"
DISQUS = WXR / "disqus.xml"
LEA = {"lea": "lea@lea.example"}  # The operator's word: the Disqus user lea is the account lea@lea.example.


@pytest.fixture
def blog():
    """The WordPress blog the Disqus comments belong to, imported first (posts and redirects)."""
    import_wxr(WXR / "wordpress-org.xml")
    Comment.objects.all().delete()


def by_name():
    """The imported comments by their author's name (the impostor of 8003 left out: she has the author's name)."""
    return {c.name: c for c in Comment.objects.filter(source="disqus").exclude(source_id="8003")}


def test_threads_match_posts_by_identifier_and_by_old_link(blog):
    report = import_disqus(DISQUS)
    comments = by_name()
    assert comments["Margot"].post.slug == "premier-billet"  # by the identifier's guid
    assert comments["Yvonne"].post.slug == "fil-profond"  # by the old permalink (http, not https)
    assert report.skipped_count("comment", "no_thread") == 1  # Wanda, on a page that is not here


def test_statuses_and_threads(blog):
    report = import_disqus(DISQUS, author_map=LEA)
    comments = by_name()
    assert {name: c.status for name, c in comments.items()} == {
        "Margot": Status.APPROVED,
        "Léa Marchand": Status.APPROVED,
        "Spammeur": Status.SPAM,
        "Xavier": Status.REMOVED,
        "Yvonne": Status.HELD,
        "Zacharie": Status.APPROVED,
    }
    assert comments["Léa Marchand"].parent == comments["Margot"]  # the reply came first in the file
    assert comments["Zacharie"].parent is None
    assert report.warnings["parent_missing"] == 1
    margot = comments["Margot"]
    assert margot.body == "Bravo pour ce billet ! 👏\nDeuxième ligne & fin."
    assert margot.created_at.isoformat() == "2019-03-06T09:00:00+00:00"
    assert margot.publish_at == margot.created_at and margot.is_public()
    assert ModerationEvent.objects.filter(comment=margot, source="import").count() == 1


def test_by_the_author_map_the_registered_author_gets_her_account_and_a_guest_using_her_address_does_not(blog):
    import_disqus(DISQUS, author_map={**LEA, "lea@lea.example": "lea@lea.example"})
    replies = Comment.objects.filter(name="Léa Marchand", source="disqus").order_by("created_at")
    author_reply, impostor = replies
    assert author_reply.user == author_reply.post.author
    assert impostor.user is None


def test_importing_twice_adds_nothing(blog):
    import_disqus(DISQUS)
    before = sorted(Comment.objects.values_list("pk", "parent_id", "status"))
    report = import_disqus(DISQUS)
    assert sorted(Comment.objects.values_list("pk", "parent_id", "status")) == before
    assert report.count("comment") == 0 and report.existing["comment"] == 7


def test_comments_the_wordpress_plugin_synchronised_are_not_imported_twice(blog):
    post = Post.objects.get(slug="premier-billet")
    synced = Comment.objects.create(
        post=post, name="Margot", body="Bravo", status=Status.APPROVED, publish_at=post.published_at,
        source="disqus", source_id="8001",
    )  # fmt: skip
    import_disqus(DISQUS)
    assert Comment.objects.filter(name="Margot").count() == 1
    assert Comment.objects.get(source_id="8002").parent == synced


def test_a_thread_matches_a_post_by_its_address_here():
    post = make_post(slug="ici")
    source = (
        DISQUS.read_text(encoding="utf-8")
        .replace("https://lea.example/2019/03/premier-billet/", "https://carnet.example/posts/ici/")
        .replace("10 https://lea.example/?p=10", "")
    )
    import_disqus(BytesIO(source.encode()))
    assert Comment.objects.filter(post=post, name="Margot").exists()


def test_dry_run_and_malformed_file_save_nothing(blog, tmp_path):
    report = import_disqus(DISQUS, dry_run=True)
    assert report.count("comment") == 7 and not Comment.objects.exists()
    broken = tmp_path / "broken.xml"
    broken.write_text(DISQUS.read_text(encoding="utf-8").replace("</disqus>", ""), encoding="utf-8")
    with pytest.raises(DisqusError, match="Malformed XML"):
        import_disqus(broken)
    assert not Comment.objects.exists()
    with pytest.raises(DisqusError, match="not a Disqus export"):
        import_disqus(WXR / "wordpress-com.xml")


def test_the_command_prints_the_report(blog):
    out = StringIO()
    call_command("import_disqus", str(DISQUS), stdout=out)
    assert "comments whose thread matches no post here: 1" in out.getvalue()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_disqus", str(WXR / "malformed.xml"), stdout=StringIO())


def test_a_wxr_file_after_the_disqus_import_does_not_bring_the_synchronised_comments_twice(tmp_path):
    """The Disqus plugin copies comments into WordPress with their Disqus id (dsq_post_id)."""
    import_wxr(WXR / "wordpress-org.xml")
    import_disqus(DISQUS)
    synced = (
        (WXR / "wordpress-org.xml")
        .read_text(encoding="utf-8")
        .replace(
            "<wp:comment_user_id>0</wp:comment_user_id>\n\t\t</wp:comment>",
            "<wp:comment_user_id>0</wp:comment_user_id>\n\t\t\t<wp:commentmeta><wp:meta_key>dsq_post_id</wp:meta_key>"
            "<wp:meta_value>8001</wp:meta_value></wp:commentmeta>\n\t\t</wp:comment>",
            1,
        )
    )
    path = tmp_path / "synced.xml"
    path.write_text(synced, encoding="utf-8")
    Comment.objects.filter(source="wordpress").delete()
    report = import_wxr(path)
    assert Comment.objects.filter(source_id="8001").count() == 1
    assert report.skipped_count("comment", "broken") == 0
    assert report.existing["comment"] == 1
