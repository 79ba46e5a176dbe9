"""import_wxr: a WordPress export becomes posts, threads, statuses, authors and redirects, once."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from blog.models import Post
from comments.models import Comment, ModerationEvent, Status
from tests.accounts.factories import make_author
from wordpress.importer import import_wxr, parse_author_map
from wordpress.models import Redirect
from wordpress.reader import WxrError

pytestmark = pytest.mark.django_db

WXR = Path(__file__).parent / "wxr"
ORG = WXR / "wordpress-org.xml"
COM = WXR / "wordpress-com.xml"
MALFORMED = WXR / "malformed.xml"
LEA = {"lea": "lea@lea.example"}  # The operator's word: the WordPress login lea is the account lea@lea.example.


def statuses(slug):
    return sorted(Comment.objects.filter(post__slug=slug).values_list("name", "status"))


def test_each_post_status_maps_to_ours():
    import_wxr(ORG)
    assert dict(Post.objects.values_list("slug", "status")) == {
        "premier-billet": "published",
        "fil-profond": "published",
        "billet-programme": "published",  # future: published, with its future date
        "brouillon": "draft",  # no slug in the export: made from the title
        "en-relecture": "draft",  # pending review
        "prive": "draft",  # private
    }
    scheduled = Post.objects.get(slug="billet-programme")
    assert scheduled.published_at.year == 2100
    assert set(Post.objects.published().values_list("slug", flat=True)) == {"premier-billet", "fil-profond"}
    assert Post.objects.get(slug="fil-profond").comments_enabled is False  # comment_status closed


def test_each_comment_status_maps_to_ours_with_original_dates():
    report = import_wxr(ORG, author_map=LEA)
    assert statuses("premier-billet") == [
        ("Camille", Status.APPROVED),
        ("Cheap pills", Status.SPAM),
        ("Inès", Status.REMOVED),  # trash
        ("Léa Marchand", Status.APPROVED),
        ("Noé", Status.APPROVED),
        ("Orphée", Status.APPROVED),
        ("Yann", Status.HELD),  # 0: awaiting moderation
        ("Zoé", Status.APPROVED),
    ]
    camille = Comment.objects.get(name="Camille")
    assert camille.created_at.isoformat() == "2019-03-04T11:00:00+00:00"
    assert camille.publish_at == camille.published_at == camille.created_at
    assert (camille.email, camille.website, camille.ip_address) == (
        "camille@example.org",
        "https://camille.example/",
        "203.0.113.7",
    )
    assert Comment.objects.get(name="Yann").publish_at is None
    assert report.count("comment") == Comment.objects.count() == 20
    assert report.skipped_count("comment", "pingback") == 1
    assert report.skipped_count("comment", "trackback") == 1


def test_imported_comments_skip_the_policy_and_say_so_in_their_history():
    import_wxr(ORG)
    events = ModerationEvent.objects.filter(comment__name="Yann")
    assert [(e.source, e.from_status, e.to_status) for e in events] == [("import", "", "held")]
    assert Comment.objects.get(name="Yann").reasons == [{"code": "imported", "count": 0, "word": "WordPress"}]


def test_comments_on_pages_attachments_and_trashed_posts_are_skipped_and_counted():
    report = import_wxr(ORG)
    assert not Comment.objects.filter(name__in=["Visiteur", "Photographe", "Paul"]).exists()
    assert report.skipped_count("comment", "on_skipped_item") == 3
    assert report.skipped_count("item", "page") == 1
    assert report.skipped_count("item", "attachment") == 1
    assert report.skipped_count("post", "trash") == 1


def test_a_thread_twelve_levels_deep_keeps_every_parent():
    import_wxr(ORG)
    chain = []
    comment = Comment.objects.get(name="Niveau 11")
    while comment is not None:
        chain.append(comment.name)
        comment = comment.parent
    assert chain == [f"Niveau {depth}" for depth in range(11, -1, -1)]


def test_a_reply_before_its_parent_in_the_file_still_finds_it():
    import_wxr(ORG)
    assert Comment.objects.get(name="Zoé").parent == Comment.objects.get(name="Noé")


def test_a_reply_whose_parent_is_missing_goes_to_the_top_level_with_a_warning():
    report = import_wxr(ORG)
    assert Comment.objects.get(name="Orphée").parent is None
    assert report.warnings["parent_missing"] == 1
    assert report.examples["parent_missing"] == ["#109"]


def test_non_ascii_emoji_and_split_cdata_come_through():
    import_wxr(ORG)
    camille = Comment.objects.get(name="Camille")
    assert camille.body == (
        "Très juste ! J'ajoute un point : répondre vite 🎉\nDeuxième ligne, avec un lien (https://camille.example/note)."
    )
    body = Post.objects.get(slug="premier-billet").body
    assert "<code>a ]]&gt; b</code>" in body
    assert "<script" not in body and "alert" not in body
    assert Post.objects.get(slug="premier-billet").title == "Premier billet : les fils de discussion"


def test_with_the_author_map_the_blog_author_reply_gets_the_author_account_and_badge(client):
    import_wxr(ORG, author_map=LEA)
    lea = User.objects.get(email="lea@lea.example")
    reply = Comment.objects.get(name="Léa Marchand")
    assert reply.user == lea
    assert Post.objects.get(slug="premier-billet").author == lea
    assert not lea.has_usable_password()
    html = client.get("/posts/premier-billet/").text
    reply_html = html.split(f'id="comment-{reply.pk}"')[1].split("</article>")[0]
    assert "comment-badge-author" in reply_html
    camille_html = html.split(f'id="comment-{Comment.objects.get(name="Camille").pk}"')[1].split("</article>")[0]
    assert "comment-badge" not in camille_html


def test_author_map_gives_posts_to_existing_accounts():
    claire = make_author(email="claire@example.com", display_name="Claire")
    report = import_wxr(ORG, author_map={"lea": "claire@example.com"})
    assert Post.objects.get(slug="premier-billet").author == claire
    assert Comment.objects.get(name="Léa Marchand").user == claire  # by comment_user_id
    assert report.users_created == ["tom@lea.example"]
    assert not User.objects.filter(email="lea@lea.example").exists()


def test_author_map_reads_pairs_and_files(tmp_path):
    path = tmp_path / "authors.txt"
    path.write_text("# login=email\nlea = claire@example.com\n\ntom=tom@example.com\n")
    assert parse_author_map(["sam=sam@example.com", str(path)]) == {
        "sam": "sam@example.com",
        "lea": "claire@example.com",
        "tom": "tom@example.com",
    }
    with pytest.raises(ValueError):
        parse_author_map(["lea="])


def test_importing_the_same_file_twice_changes_nothing():
    import_wxr(ORG)
    before = (
        list(Post.objects.order_by("pk").values()),
        list(Comment.objects.order_by("pk").values_list("pk", "parent_id", "status")),
        Redirect.objects.count(),
        User.objects.count(),
        ModerationEvent.objects.count(),
    )
    report = import_wxr(ORG)
    after = (
        list(Post.objects.order_by("pk").values()),
        list(Comment.objects.order_by("pk").values_list("pk", "parent_id", "status")),
        Redirect.objects.count(),
        User.objects.count(),
        ModerationEvent.objects.count(),
    )
    assert after == before
    assert report.count("post") == report.count("comment") == 0
    assert report.existing == {"post": 6, "comment": 20}
    assert report.users_created == [] and report.redirects == 0


def test_a_newer_export_adds_only_what_is_new(tmp_path):
    import_wxr(ORG)
    newer = ORG.read_text(encoding="utf-8").replace(
        "\t</item>\n\n\t<item>\n\t\t<title><![CDATA[Un fil très profond]]>",
        """\t\t<wp:comment>
\t\t\t<wp:comment_id>112</wp:comment_id>
\t\t\t<wp:comment_author><![CDATA[Nouvelle]]></wp:comment_author>
\t\t\t<wp:comment_date_gmt><![CDATA[2026-01-01 08:00:00]]></wp:comment_date_gmt>
\t\t\t<wp:comment_content><![CDATA[Arrivée depuis le premier import.]]></wp:comment_content>
\t\t\t<wp:comment_approved><![CDATA[1]]></wp:comment_approved>
\t\t\t<wp:comment_parent>102</wp:comment_parent>
\t\t</wp:comment>
\t</item>\n\n\t<item>\n\t\t<title><![CDATA[Un fil très profond]]>""",
        1,
    )
    path = tmp_path / "newer.xml"
    path.write_text(newer, encoding="utf-8")
    report = import_wxr(path)
    assert report.count("comment") == 1 and report.count("post") == 0
    new = Comment.objects.get(name="Nouvelle")
    assert new.parent == Comment.objects.get(name="Léa Marchand")
    assert Comment.objects.count() == 21


def test_dry_run_saves_nothing_and_reports_everything():
    report = import_wxr(ORG, dry_run=True)
    assert report.count("post") == 6 and report.count("comment") == 20
    assert (Post.objects.count(), Comment.objects.count(), Redirect.objects.count(), User.objects.count()) == (
        0,
        0,
        0,
        0,
    )


def test_malformed_xml_is_a_clear_error_and_nothing_is_imported():
    with pytest.raises(WxrError, match=r"^Malformed XML at line 24, column 3: mismatched tag\.$"):
        import_wxr(MALFORMED)
    assert Post.objects.count() == 0 and User.objects.count() == 0


def test_a_file_that_is_not_a_wordpress_export_is_refused(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text('<rss version="2.0"><channel><item><title>x</title></item></channel></rss>')
    with pytest.raises(WxrError, match="not a WordPress export"):
        import_wxr(path)


def test_one_broken_post_is_skipped_without_aborting_the_import(monkeypatch):
    original = Post.save

    def save(post, *args, **kwargs):
        if post.slug == "fil-profond":
            raise ValueError("disk full")
        return original(post, *args, **kwargs)

    monkeypatch.setattr(Post, "save", save)
    report = import_wxr(ORG)
    assert not Post.objects.filter(slug="fil-profond").exists()
    assert not Redirect.objects.filter(old_path="/2019/04/fil-profond/").exists()
    assert Post.objects.count() == 5
    assert report.skipped_count("post", "broken") == 1
    assert report.skipped_count("comment", "on_broken_post") == 12
    assert "Un fil très profond: disk full" in report.examples["skip:broken"]


def test_wordpress_com_export_with_https_namespace_and_plain_text():
    report = import_wxr(COM, author_map={"sam@petitesnotes.example": "sam@petitesnotes.example"})
    post = Post.objects.get()
    assert post.title == "Café & croissants — 日本語 ✨"
    assert post.slug == "cafe"  # the Japanese part of the slug cannot be an ASCII slug
    assert report.warnings["slug_changed"] == 1
    assert post.body == "<p>Un café, <em>deux</em> croissants. 🥐</p>"
    assert post.author.email == "sam@petitesnotes.example"
    ana, sam = Comment.objects.order_by("created_at")
    assert (ana.name, ana.body, ana.website) == ("Ana 🌸", "Miam ! & merci 😋", "http://ana.example")
    assert sam.parent == ana and sam.user == post.author  # the map names the author's e-mail
    assert Redirect.objects.filter(old_path="/2021/06/01/cafe/", post=post).exists()


def test_old_permalinks_and_short_links_answer_301(client):
    import_wxr(ORG)
    response = client.get("/2019/03/premier-billet/")
    assert (response.status_code, response["Location"]) == (301, "/posts/premier-billet/")
    response = client.get("/2019/03/premier-billet")  # without its final slash
    assert (response.status_code, response["Location"]) == (301, "/posts/premier-billet/")
    response = client.get("/?p=20")
    assert (response.status_code, response["Location"]) == (301, "/posts/fil-profond/")
    assert client.get("/2019/03/nothing-here/").status_code == 404
    assert client.get("/?p=999").status_code == 200  # the home page, as before


def test_a_path_no_old_permalink_can_hold_is_a_plain_404(client):
    """A NUL character (refused by PostgreSQL in a query) or a digit that int() refuses: not looked up."""
    import_wxr(ORG)
    assert client.get("/2019/03/%00/").status_code == 404
    assert client.get("/?p=%C2%B9").status_code == 200  # "¹": the home page


def test_media_are_copied_from_the_media_dir_and_missing_ones_listed(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    uploads = tmp_path / "uploads" / "2019" / "03"
    uploads.mkdir(parents=True)
    (uploads / "atelier-300x200.jpg").write_bytes(b"small picture")
    (uploads / "atelier.jpg").write_bytes(b"large picture")
    with django_capture_on_commit_callbacks(execute=True):
        report = import_wxr(ORG, media_dir=tmp_path / "uploads")
    body = Post.objects.get(slug="premier-billet").body
    assert 'src="/media/imported/2019/03/atelier-300x200.jpg"' in body
    assert 'href="/media/imported/2019/03/atelier.jpg"' in body
    assert (Path(settings.MEDIA_ROOT) / "imported/2019/03/atelier-300x200.jpg").read_bytes() == b"small picture"
    assert report.media_copied == 2
    assert report.media_kept == ["https://lea.example/wp-content/uploads/2019/03/visite.mp4"]
    assert report.warnings["media_missing"] == 1


def test_without_media_dir_urls_are_kept_and_listed():
    report = import_wxr(ORG)
    assert "https://lea.example/wp-content/uploads/2019/03/atelier-300x200.jpg" in report.media_kept
    assert len(report.media_kept) == 3


def test_categories_and_tags_are_counted_as_skipped():
    report = import_wxr(ORG)
    assert (report.terms["category"], report.terms["tag"]) == (2, 1)


def thread_shape(html):
    """(comment id, depth) of each comment on the page, in reading order."""
    return [
        (int(pk), int(depth)) for pk, depth in re.findall(r'<li id="comment-(\d+)" class="comment depth-(\d+)', html)
    ]


def test_public_pages_show_exactly_the_approved_comments_threaded_as_in_the_source(client, settings):
    settings.COMMENTS_MAX_DEPTH = 20
    import_wxr(ORG, author_map=LEA)
    by_name = {c.name: c.pk for c in Comment.objects.all()}
    html = client.get("/posts/premier-billet/").text
    assert thread_shape(html) == [
        (by_name["Camille"], 0),
        (by_name["Léa Marchand"], 1),
        (by_name["Orphée"], 0),
        (by_name["Noé"], 0),
        (by_name["Zoé"], 1),
    ]
    for hidden in ("Yann", "Cheap pills", "Inès", "Visiteur"):
        assert hidden not in html
    html = client.get("/posts/fil-profond/").text
    assert thread_shape(html) == [(by_name[f"Niveau {depth}"], depth) for depth in range(12)]


def test_the_command_prints_the_report_and_refuses_a_broken_file():
    out = StringIO()
    call_command(
        "import_wxr", str(ORG), "--dry-run", "--author-map", "lea=lea@lea.example", stdout=out, stderr=StringIO()
    )
    text = out.getvalue()
    assert "Dry run: nothing was saved." in text
    assert "20 comments" not in text  # counted by status
    assert "17 comments: Approved" in text and "1 comment: Held for review" in text
    assert "pingbacks: 1" in text
    assert Post.objects.count() == 0
    with pytest.raises(CommandError, match="Malformed XML.*Nothing was imported"):
        call_command("import_wxr", str(MALFORMED), stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_wxr", "/nonexistent/export.xml", stdout=StringIO(), stderr=StringIO())


def test_the_command_reads_the_author_map():
    make_author(email="claire@example.com")
    call_command("import_wxr", str(ORG), "--author-map", "lea=claire@example.com", stdout=StringIO())
    assert Post.objects.get(slug="premier-billet").author.email == "claire@example.com"
    assert timezone.is_aware(Post.objects.get(slug="premier-billet").published_at)


def peak_while_reading(path):
    """The peak of Python allocations while every record of the file is read, in bytes."""
    import tracemalloc

    from wordpress.reader import WxrReader

    tracemalloc.start()
    try:
        for _event in WxrReader(path).events():
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_streams_a_post_with_many_comments_in_flat_memory(tmp_path):
    """Ten times more comments in one post must not take ten times the memory (the benchmark prints figures)."""
    from tests.wordpress.wxr_factory import write_wxr

    small, large = tmp_path / "small.xml", tmp_path / "large.xml"
    with small.open("w", encoding="utf-8") as stream:
        write_wxr(stream, posts=1, comments=200)
    with large.open("w", encoding="utf-8") as stream:
        write_wxr(stream, posts=1, comments=2000)
    assert large.stat().st_size > 9 * small.stat().st_size
    assert peak_while_reading(large) < 2 * peak_while_reading(small)
