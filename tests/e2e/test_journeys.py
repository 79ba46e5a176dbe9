"""The blog as its people use it, in a real browser: readers, the author at the desk, a brand.

Each test is one journey, done with clicks and typing on the pages a person
sees, in French (the site's first language). The database is only read to
find what a page should show, or set up before the journey starts.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment, Status
from tests.comments.factories import make_comment
from tests.e2e.factories import PASSWORD, make_blog_author, make_representative, make_thread_post

pytestmark = pytest.mark.django_db(transaction=True)

AWAITING = "en attente de modération"


def send_comment(page, *, body, name=None, email=None):
    """Fill the comment form wherever it stands on the page and send it."""
    form = page.locator("#comment-form")
    if name is not None:
        form.get_by_label("Nom").fill(name)
    if email is not None:
        form.get_by_label("E-mail").fill(email)
    form.get_by_role("textbox", name="Commentaire").fill(body)
    with page.expect_navigation():
        form.get_by_role("button", name="Envoyer le commentaire").click()


def log_in_to_the_admin(page, base_url, user):
    page.goto(base_url + "/admin/")
    page.locator("#id_username").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    expect(page.locator(".queue-summary")).to_be_visible()


def entry(page, comment):
    return page.locator(f"#comment-{comment.pk}")


def number(comment_entry):
    """The comment's own number (its replies have theirs)."""
    return comment_entry.locator("> article .comment-number")


def reply_to(page, parent, child):
    """The reply as the page nests it, directly under its parent."""
    return page.locator(f"#comment-{parent.pk} > .comment-replies > #comment-{child.pk}")


def test_reader_sees_their_comment_awaiting_moderation_and_nobody_else_does(page, open_context, base_url):
    post = make_thread_post(make_blog_author())
    page.goto(base_url + post.get_absolute_url())

    send_comment(page, name="Camille", email="camille@example.org", body="Merci, je garde ces cinq règles.")

    comment = Comment.objects.get(name="Camille")
    assert comment.status == Status.PENDING
    expect(entry(page, comment)).to_contain_text("Merci, je garde ces cinq règles.")
    expect(entry(page, comment).get_by_role("status")).to_contain_text(AWAITING)
    expect(number(entry(page, comment))).to_have_count(0)

    page.reload()
    expect(entry(page, comment).get_by_role("status")).to_contain_text(AWAITING)

    other = open_context().new_page()
    other.goto(base_url + post.get_absolute_url())
    expect(other.locator(".comment-thread")).to_contain_text("Très juste sur la signature.")
    expect(other.get_by_text("Merci, je garde ces cinq règles.")).to_have_count(0)
    expect(other.locator(f"#comment-{comment.pk}")).to_have_count(0)


def test_author_approves_the_comment_first_in_the_queue_and_it_is_published_numbered(page, open_context, base_url):
    author = make_blog_author()
    post = make_thread_post(author)
    # Already in the queue: one due after the reader's comment, one held for a person.
    make_comment(post=post, status=Status.PENDING, publish_at=timezone.now() + timedelta(hours=60), body="Plus tard.")
    make_comment(post=post, status=Status.HELD, body="Retenu par une règle.")
    page.goto(base_url + post.get_absolute_url())
    send_comment(page, name="Camille", email="camille@example.org", body="Une question sur la règle 3.")
    comment = Comment.objects.get(name="Camille")

    desk = open_context().new_page()
    log_in_to_the_admin(desk, base_url, author)
    desk.locator(".queue-summary").click()
    expect(desk.locator("h1")).to_have_text("File de modération")
    first = desk.locator("#result_list tbody tr").first
    expect(first).to_contain_text("Une question sur la règle 3.")
    first.locator("input.action-select").check()
    desk.locator("select[name=action]").select_option("approve")
    with desk.expect_navigation():
        desk.locator("button[name=index]").click()
    expect(desk.locator(".messagelist .success")).to_contain_text("1 commentaire approuvé")
    expect(desk.locator("#result_list")).not_to_contain_text("Une question sur la règle 3.")

    page.reload()
    mine = entry(page, comment)
    expect(mine.get_by_role("status")).to_have_count(0)
    expect(number(mine)).to_have_text("4.")  # after the three earlier public comments
    stranger = open_context().new_page()
    stranger.goto(base_url + post.get_absolute_url())
    expect(entry(stranger, comment)).to_contain_text("Une question sur la règle 3.")
    expect(number(entry(stranger, comment))).to_have_text("4.")


def test_author_replies_from_the_admin_under_the_author_badge(page, base_url):
    author = make_blog_author()
    post = make_thread_post(author)
    question = make_comment(post=post, status=Status.PENDING, name="Inès", body="Faut-il répondre la nuit ?")

    log_in_to_the_admin(page, base_url, author)
    page.locator(".queue-summary").click()
    row = page.locator("#result_list tbody tr", has_text="Faut-il répondre la nuit ?")
    row.get_by_role("link", name="Répondre", exact=True).click()
    expect(page.locator("h1")).to_have_text("Répondre à Inès")
    page.get_by_label("Votre réponse").fill("Non : le lendemain matin suffit, si vous l'annoncez.")
    with page.expect_navigation():
        page.get_by_role("button", name="Publier la réponse").click()
    expect(page.locator(".messagelist .success")).to_contain_text("votre réponse est publiée")
    page.get_by_role("link", name="Voir dans le fil").click()

    reply = Comment.objects.get(parent=question)
    expect(reply_to(page, question, reply)).to_contain_text("Non : le lendemain matin suffit")
    expect(reply_to(page, question, reply).locator(".comment-badge")).to_have_text("Auteur")
    expect(number(entry(page, question))).to_be_visible()  # approved with the reply


def test_verified_representative_answers_for_the_brand_and_an_imitator_gets_no_badge(page, open_context, base_url):
    author = make_blog_author()
    representative, brand = make_representative(verified_by=author)
    post = make_thread_post(author)
    complaint = make_comment(
        post=post,
        name="Manon D.",
        email="manon@example.com",
        body="Commande chez Maison Verdane il y a trois semaines, toujours rien.",
    )

    page.goto(base_url + post.get_absolute_url())
    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse e-mail").fill(representative.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    assert page.url.startswith(base_url + post.get_absolute_url())

    entry(page, complaint).get_by_role("link", name="Répondre", exact=True).click()
    form = entry(page, complaint).locator("#comment-form")
    expect(form).to_be_visible()
    form.get_by_label("Léa Fournier pour Maison Verdane, avec le badge Vérifié").check()
    send_comment(page, body="Bonjour Manon, je regarde votre commande tout de suite.")

    answer = Comment.objects.get(parent=complaint)
    assert answer.organization == brand
    expect(reply_to(page, complaint, answer).locator(".comment-badge")).to_have_text("Vérifié · Maison Verdane")
    expect(number(reply_to(page, complaint, answer))).to_be_visible()  # published at once

    imitator = open_context().new_page()
    imitator.goto(base_url + post.get_absolute_url())
    send_comment(imitator, name="Léa Fournier", email="lea@imitation.example", body="Nous vous remboursons tout !")
    name = imitator.get_by_label("Nom")
    expect(name).to_have_attribute("aria-invalid", "true")
    error = imitator.locator("#" + name.get_attribute("aria-describedby").split()[-1])
    expect(error).to_contain_text("trop proche")
    expect(imitator.locator(".comment-thread")).not_to_contain_text("Nous vous remboursons tout !")
    expect(imitator.locator(".comment-badge-verified")).to_have_count(1)  # Léa's own answer only
    assert not Comment.objects.filter(body__contains="remboursons").exists()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_reader_replies_to_a_reply(open_context, base_url, javascript):
    post = make_thread_post(make_blog_author())
    question = Comment.objects.get(name="Sofiane")
    answer = Comment.objects.get(parent=question)
    page = open_context(java_script_enabled=javascript).new_page()
    page.goto(base_url + post.get_absolute_url())

    entry(page, answer).locator("> article").get_by_role("link", name="Répondre", exact=True).click()
    if javascript:
        # The form moves under the answer, says whom it answers, and takes the focus on its first field.
        expect(entry(page, answer).locator("#comment-form")).to_be_visible()
        expect(page.locator("#comment-form-title")).to_have_text("Répondre à Claire Martel")
        expect(page.locator("#comment-form").get_by_label("Nom")).to_be_focused()
    else:
        # Without JavaScript the link reloads the page with the form set to answer it.
        expect(page).to_have_url(re.compile(rf"\?reply_to={answer.pk}#comment-form$"))
        expect(page.locator("#comment-form")).to_contain_text("Vous répondez à un commentaire.")
        expect(entry(page, answer).locator("#comment-form")).to_have_count(0)
    send_comment(page, name="Camille", email="camille@example.org", body="Et s'il insiste ?")

    reply = Comment.objects.get(name="Camille")
    assert reply.parent == answer
    expect(reply_to(page, answer, reply)).to_contain_text("Et s'il insiste ?")
    expect(reply_to(page, answer, reply).get_by_role("status")).to_contain_text(AWAITING)


def test_reader_reports_take_a_comment_off_the_page_and_into_the_queue(page, open_context, log_in, base_url, settings):
    settings.COMMENTS_FLAGS_TO_HOLD = 2
    # Readers on two addresses (behind the proxy that says which): reports count once per address block,
    # so a second browser on the first address would change nothing.
    settings.BEHIND_PROXY = True
    author = make_blog_author()
    post = make_thread_post(author)
    reported = Comment.objects.get(name="Julien R.")

    for reader in range(settings.COMMENTS_FLAGS_TO_HOLD):
        browser = open_context(extra_http_headers={"X-Forwarded-For": f"198.51.100.{reader + 1}"}).new_page()
        browser.goto(base_url + post.get_absolute_url())
        expect(entry(browser, reported)).to_be_visible()
        entry(browser, reported).get_by_role("link", name="Signaler", exact=True).click()
        expect(browser.locator("blockquote")).to_contain_text("Très juste sur la signature.")
        browser.get_by_label("Pourquoi ?").fill(f"lecteur {reader + 1}")
        with browser.expect_navigation():
            browser.get_by_role("button", name="Signaler", exact=True).click()
        expect(browser.locator(".messages .alert-success")).to_contain_text("votre signalement a été transmis")

    page.goto(base_url + post.get_absolute_url())
    expect(page.locator(".comment-thread")).to_contain_text("Et quand le client a tort ?")
    expect(page.get_by_text("Très juste sur la signature.")).to_have_count(0)

    desk = log_in(open_context(), author).new_page()
    desk.goto(base_url + "/admin/comments/comment/")
    row = desk.locator("#result_list tbody tr", has_text="Très juste sur la signature.")
    expect(row).to_contain_text("signalé par 2 lecteurs")
    expect(row.locator(".status-badge")).to_have_text("Retenu pour examen")


def test_language_switch_keeps_the_reader_on_the_same_page(page, base_url):
    post = make_thread_post(make_blog_author())
    answer = Comment.objects.get(name="Julien R.")
    address = f"{base_url}{post.get_absolute_url()}?reply_to={answer.pk}"
    page.goto(address)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#comment-form")).to_contain_text("Vous répondez à un commentaire.")

    with page.expect_navigation():
        page.get_by_role("button", name="EN", exact=True).click()
    assert page.url == address
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#comment-form")).to_contain_text("You are replying to a comment.")

    with page.expect_navigation():
        page.get_by_role("button", name="FR", exact=True).click()
    assert page.url == address
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#comment-form")).to_contain_text("Vous répondez à un commentaire.")
