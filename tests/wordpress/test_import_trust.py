"""An import is a moderator's act: no account by a claimed e-mail, no borrowed name or blocked word published."""

from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command, load_command_class
from django.test import Client

from accounts.models import Membership, Organization
from blog.models import Post
from comments.badges import badge_for
from comments.models import Comment, ModerationEvent, Status
from comments.policy import Draft, Reason, Rules, review_import
from comments.services import comment_approve
from tests.accounts.factories import make_author, make_user
from wordpress.disqus import import_disqus
from wordpress.importer import import_wxr, parse_author_map, read_author_map

pytestmark = pytest.mark.django_db

WXR = Path(__file__).parent / "wxr"
ORG = WXR / "wordpress-org.xml"
DISQUS = WXR / "disqus.xml"


def moderator(*more):
    user = make_user(is_staff=True)
    for permission in ("blog.add_post", "comments.moderate_comment", *more):
        app_label, codename = permission.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


def wxr(**replacements):
    """The WordPress fixture with some of its text replaced, as a file object."""
    text = ORG.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    return BytesIO(text.encode())


def comment_html(html, comment):
    return html.split(f'id="comment-{comment.pk}"')[1].split("</article>")[0]


def report_text(report):
    return "\n".join(line for _heading, lines in report.sections() for line in lines)


# -- no account by the e-mail a file claims ----------------------------------------


def test_a_comment_claiming_the_author_email_is_imported_unlinked_and_never_wears_the_badge(client):
    """Léa's reply carries her e-mail and her WordPress account: without a map, it is nobody's."""
    report = import_wxr(ORG)
    reply = Comment.objects.get(name="Léa Marchand")
    post = Post.objects.get(slug="premier-billet")
    assert reply.user is None and post.author.email == "lea@lea.example"
    assert badge_for(reply, post) is None
    assert reply.status == Status.HELD  # her name on an unlinked comment: a person decides
    assert "linked to the account" not in report_text(report)
    comment_approve(comment=reply, moderator=moderator())
    html = client.get("/posts/premier-billet/").text
    assert "Léa Marchand" in comment_html(html, reply)
    assert "comment-badge" not in comment_html(html, reply)


def test_a_comment_claiming_an_existing_account_email_is_not_given_that_account():
    """Léa already has an account here; a guest's comment in the file types her address."""
    lea = make_user(email="lea@lea.example", display_name="Léa")
    import_wxr(wxr(**{"camille@example.org": "LEA@lea.example"}))
    camille = Comment.objects.get(name="Camille")
    assert camille.user is None and camille.email == "LEA@lea.example"
    assert not Comment.objects.filter(user=lea).exists()


def test_with_the_author_map_the_author_reply_is_hers_wears_the_badge_and_the_report_says_so(client):
    report = import_wxr(ORG, author_map={"lea": "lea@lea.example"})
    reply = Comment.objects.get(name="Léa Marchand")
    assert reply.user.email == "lea@lea.example" and reply.status == Status.APPROVED
    assert reply.reasons == [{"code": "imported", "count": 0, "word": "WordPress"}]  # her own name
    assert report.links[("comment", "lea", "lea@lea.example")] == 1
    assert report.links[("post", "lea", "lea@lea.example")] == 4
    assert "1 comment of “lea” linked to the account lea@lea.example" in report_text(report)
    assert "comment-badge-author" in comment_html(client.get("/posts/premier-billet/").text, reply)
    assert Comment.objects.filter(user__isnull=False).count() == 1


def test_a_mapped_email_links_the_comments_carrying_it_and_each_is_counted():
    make_author(email="claire@example.com", display_name="Claire")
    report = import_wxr(
        wxr(**{"noe@example.org": "lea@lea.example"}), author_map={"LEA@lea.example": "claire@example.com"}
    )
    linked = Comment.objects.filter(user__email="claire@example.com")
    assert sorted(linked.values_list("name", flat=True)) == ["Léa Marchand", "Noé"]
    assert report.links[("comment", "LEA@lea.example", "claire@example.com")] == 2
    assert (
        report.links[("post", "LEA@lea.example", "claire@example.com")]
        == Post.objects.filter(author__email="claire@example.com").count()
    )


def test_posts_given_to_an_existing_account_are_listed_in_the_report():
    make_author(email="lea@lea.example", display_name="Léa Marchand")
    report = import_wxr(ORG)
    assert report.links == {("post", "lea", "lea@lea.example"): 4}
    assert "4 posts of “lea” given to the account lea@lea.example" in report_text(report)


def test_an_author_comment_left_unlinked_is_pointed_out_in_the_report():
    report = import_wxr(ORG)
    assert report.warnings["author_unmapped"] == 1
    assert report.examples["author_unmapped"] == ["lea"]


def test_a_disqus_author_is_linked_only_by_the_map_and_a_guest_never():
    import_wxr(ORG)
    import_disqus(DISQUS)
    assert not Comment.objects.filter(source="disqus", user__isnull=False).exists()
    Comment.objects.filter(source="disqus").delete()
    report = import_disqus(DISQUS, author_map={"lea": "lea@lea.example", "lea@lea.example": "lea@lea.example"})
    author_reply = Comment.objects.get(source="disqus", source_id="8002")
    guest = Comment.objects.get(source="disqus", source_id="8003")  # isAnonymous, her address typed in
    assert author_reply.user == author_reply.post.author
    assert guest.user is None and guest.status == Status.HELD
    assert report.links == {("comment", "lea", "lea@lea.example"): 1}


def test_the_author_map_reads_csv_json_and_the_old_pairs(tmp_path):
    assert read_author_map("source,account\nlea,lea@example.com\n# a note\n\nTom@Old.example , tom@example.com\n") == {
        "lea": "lea@example.com",
        "Tom@Old.example": "tom@example.com",
    }
    assert read_author_map('{"lea": "lea@example.com"}') == {"lea": "lea@example.com"}
    path = tmp_path / "authors.csv"
    path.write_text("lea,lea@example.com\n")
    assert parse_author_map(["sam=sam@example.com", str(path)]) == {"sam": "sam@example.com", "lea": "lea@example.com"}
    for broken in ("lea\n", "lea,not-an-address\n", "lea,a@example.com\nlea,b@example.com\n", '["lea"]', "{"):
        with pytest.raises(ValueError):
            read_author_map(broken)


# -- names and words are checked, holding and never refusing -----------------------

RULES = Rules(max_links=0, blocklist=("casino",), require_previous_approval=True, rate_limit=0)


@pytest.mark.parametrize(
    ("draft", "imitates", "held"),
    [
        pytest.param(Draft("Old words."), "", (), id="nothing to hold"),
        pytest.param(
            Draft("See https://a.example and https://b.example"), "", (), id="links were judged at the source"
        ),
        pytest.param(Draft("Old words.", name="Léa"), "Léa Marchand", (Reason("imitation", word="Léa Marchand"),)),
        pytest.param(Draft("Au CASINO !"), "", (Reason("blocked_word", word="casino"),), id="a blocked word"),
        pytest.param(
            Draft("Old words.", website="https://casino.example"), "", (Reason("blocked_word", word="casino"),)
        ),
        pytest.param(
            Draft("casino", name="Léa"),
            "Léa Marchand",
            (Reason("imitation", word="Léa Marchand"), Reason("blocked_word", word="casino")),
            id="every reason",
        ),
    ],
)
def test_review_import_holds_for_a_borrowed_name_or_a_blocked_word_only(draft, imitates, held):
    assert review_import(draft, rules=RULES, imitates=imitates) == held


def test_the_imitation_reason_reads_for_the_moderator():
    assert Reason("imitation", word="Léa Marchand").label() == "name too close to “Léa Marchand”"


def test_a_name_imitating_a_protected_person_is_imported_but_held_with_the_reason_shown():
    """Camille, approved on WordPress, signed with the name of a verified representative here."""
    brand = Organization.objects.create(name="Maison Verdane", slug="maison-verdane")
    rep = make_user(display_name="Inès Carpentier")
    Membership.objects.create(user=rep, organization=brand, status=Membership.Status.VERIFIED)
    import_wxr(wxr(**{"<![CDATA[Camille]]>": "<![CDATA[Inès Carpentier]]>"}))
    held = Comment.objects.get(name="Inès Carpentier")
    assert held.status == Status.HELD and held.publish_at is None and held.published_at is None
    assert {"code": "imitation", "count": 0, "word": "Inès Carpentier"} in held.reasons
    assert held not in Comment.objects.public()
    event = ModerationEvent.objects.get(comment=held)
    assert event.to_status == Status.HELD and {"code": "imitation", "count": 0, "word": "Inès Carpentier"} in (
        event.reasons
    )
    desk = Client()
    desk.force_login(make_user(is_staff=True, is_superuser=True))
    page = desk.get(f"/admin/comments/comment/{held.pk}/change/").text
    assert "name too close to “Inès Carpentier”" in page
    queue = desk.get("/admin/comments/comment/", {"reason": "imitation"}).text
    assert f"/admin/comments/comment/{held.pk}/change/" in queue
    assert f"/admin/comments/comment/{Comment.objects.get(name='Noé').pk}/change/" not in queue


def test_an_organisation_name_inside_an_imported_name_is_held():
    Organization.objects.create(name="Maison Verdane", slug="maison-verdane")
    import_wxr(wxr(**{"<![CDATA[Noé]]>": "<![CDATA[Maison Verdane Support]]>"}))
    assert Comment.objects.get(name="Maison Verdane Support").status == Status.HELD


def test_a_blocked_word_holds_an_imported_comment_and_spam_stays_spam(settings):
    settings.COMMENTS_BLOCKLIST = ["casino"]
    import_wxr(wxr(**{"Très juste !": "Très juste, comme au Casino !", "Buy now": "Casino now"}))
    camille = Comment.objects.get(name="Camille")
    assert camille.status == Status.HELD
    assert {"code": "blocked_word", "count": 0, "word": "casino"} in camille.reasons
    assert Comment.objects.get(name="Cheap pills").status == Status.SPAM
    assert Comment.objects.filter(name="Zoé", status=Status.APPROVED).exists()


def test_a_held_count_in_the_report_follows_the_checks():
    report = import_wxr(ORG)
    assert report.count("comment", Status.HELD) == 2  # Yann (held on WordPress) and Léa's unlinked reply
    assert report.count("comment", Status.APPROVED) == 16


def test_a_disqus_guest_borrowing_the_author_name_is_held():
    import_wxr(ORG, author_map={"lea": "lea@lea.example"})
    import_disqus(DISQUS)
    guest = Comment.objects.get(source="disqus", source_id="8003")
    assert guest.status == Status.HELD
    assert {"code": "imitation", "count": 0, "word": "Léa Marchand"} in guest.reasons


# -- the commands: the shell is trusted, --as names the account and is checked -------


def test_the_commands_say_what_an_import_needs_in_their_help():
    for command in ("import_wxr", "import_disqus"):
        parser = load_command_class("wordpress", command).create_parser("manage.py", command)
        help_text = " ".join(parser.format_help().split())
        assert "Can moderate comments" in help_text and "--as" in help_text and "--author-map" in help_text


def test_as_an_account_that_may_not_moderate_the_command_refuses_and_imports_nothing():
    editor = make_user(is_staff=True, email="editor@example.com")
    editor.user_permissions.add(Permission.objects.get(codename="add_post"))
    with pytest.raises(CommandError, match="editor@example.com.*Can moderate comments"):
        call_command("import_wxr", str(ORG), "--as", "editor@example.com", stdout=StringIO())
    assert not Post.objects.exists() and not Comment.objects.exists()
    with pytest.raises(CommandError, match="No account"):
        call_command("import_wxr", str(ORG), "--as", "nobody@example.com", stdout=StringIO())


def test_as_a_moderator_the_command_imports_and_names_her_in_the_history():
    user = moderator()
    call_command("import_wxr", str(ORG), "--as", user.email, stdout=StringIO())
    call_command("import_disqus", str(DISQUS), "--as", user.email, stdout=StringIO())
    assert Comment.objects.filter(source="disqus").exists()
    assert set(ModerationEvent.objects.values_list("actor", flat=True)) == {user.pk}


def test_import_disqus_reads_the_author_map(tmp_path):
    import_wxr(ORG)
    path = tmp_path / "authors.csv"
    path.write_text("source,account\nlea,lea@lea.example\n")
    out = StringIO()
    call_command("import_disqus", str(DISQUS), "--author-map", str(path), stdout=out)
    assert Comment.objects.get(source="disqus", source_id="8002").user.email == "lea@lea.example"
    assert "1 comment of “lea” linked to the account lea@lea.example" in out.getvalue()
