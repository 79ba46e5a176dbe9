"""A reader's long comment in a real browser: nothing is cut, the counter says how much is over, and all comes back.

Chromium drops silently whatever is pasted or typed past a field's
maxlength; the comment form has none. These tests fill the form as a
reader would (fill() inserts the text like a paste), with JavaScript and
without it.
"""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.e2e.factories import make_blog_author, make_thread_post

pytestmark = pytest.mark.django_db(transaction=True)

LONG = ("Une histoire longue, racontée sans se presser, avec des détails. " * 200).strip()  # 12,999 characters


def comment_form(page):
    return page.locator("#comment-form")


def fill_form(page, body):
    form = comment_form(page)
    form.get_by_label("Nom").fill("Camille")
    form.get_by_label("E-mail").fill("camille@example.org")
    form.get_by_role("textbox", name="Commentaire").fill(body)


def send(page):
    with page.expect_navigation():
        comment_form(page).get_by_role("button", name="Envoyer le commentaire").click()


def test_a_pasted_comment_over_the_limit_is_counted_refused_and_given_back_whole(page, base_url, check_accessibility):
    post = make_thread_post(make_blog_author())
    assert len(LONG) > 10_000
    before = Comment.objects.count()
    page.goto(base_url + post.get_absolute_url())
    body = comment_form(page).get_by_role("textbox", name="Commentaire")
    counter = comment_form(page).locator(".character-count")
    expect(counter).to_have_text("Caractères restants\u00a0: 5000")
    assert body.get_attribute("maxlength") is None

    fill_form(page, LONG)

    assert body.input_value() == LONG  # Nothing cut by the browser.
    over = f"Caractères en trop\u00a0: {len(LONG) - 5000}"
    expect(counter).to_have_text(over)
    expect(counter).to_have_class(re.compile(r"\bis-over\b"))
    expect(comment_form(page).locator("[aria-live=polite]")).to_have_text(over)  # Said once typing pauses.
    assert counter.get_attribute("id") in body.get_attribute("aria-describedby").split()

    send(page)

    expect(page.get_by_text(f"Votre commentaire compte {len(LONG)} caractères")).to_be_visible()
    body = comment_form(page).get_by_role("textbox", name="Commentaire")
    assert body.input_value() == LONG
    expect(comment_form(page).locator(".character-count")).to_have_text(over)
    assert Comment.objects.count() == before
    report = check_accessibility(page, "comment form over its limit")
    assert not report.blocking(), report.describe(report.blocking())


def test_the_counter_follows_the_text_as_it_is_shortened(page, base_url):
    post = make_thread_post(make_blog_author())
    page.goto(base_url + post.get_absolute_url())
    body = comment_form(page).get_by_role("textbox", name="Commentaire")
    counter = comment_form(page).locator(".character-count")

    body.fill("x" * 5003)
    expect(counter).to_have_text("Caractères en trop\u00a0: 3")
    body.press("End")
    for _ in range(3):
        body.press("Backspace")
    expect(counter).to_have_text("Caractères restants\u00a0: 0")
    expect(counter).not_to_have_class(re.compile(r"\bis-over\b"))
    body.fill("Deux lignes,\net un emoji 🙂")  # A line break and an emoji count once each, as the server counts.
    expect(counter).to_have_text(f"Caractères restants\u00a0: {5000 - 26}")


def test_without_javascript_the_form_posts_and_a_long_text_still_comes_back_whole(open_context, base_url):
    post = make_thread_post(make_blog_author())
    page = open_context(java_script_enabled=False).new_page()
    page.goto(base_url + post.get_absolute_url())
    expect(comment_form(page).locator(".character-count")).to_have_count(0)
    expect(comment_form(page).get_by_text("5000 caractères au plus")).to_be_visible()

    fill_form(page, LONG)
    send(page)

    assert comment_form(page).get_by_role("textbox", name="Commentaire").input_value() == LONG
    fill_form(page, "Une remarque courte, envoyée sans JavaScript.")
    send(page)

    assert Comment.objects.latest("created_at").body == "Une remarque courte, envoyée sans JavaScript."
    expect(page.get_by_text("Une remarque courte, envoyée sans JavaScript.")).to_be_visible()
