"""Commenting with the keyboard alone: focus order, visible focus, labels, errors tied to their fields."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment, Status
from tests.e2e.factories import make_blog_author, make_thread_post

pytestmark = pytest.mark.django_db(transaction=True)

# What the focused element looks like: its id or tag, whether a ring or glow
# shows it, and the text of its labels (form fields only).
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const glow = style.boxShadow !== "none";
  const box = el.getBoundingClientRect();
  return {
    id: el.id || el.tagName.toLowerCase(),
    text: (el.textContent || "").trim().slice(0, 40),
    visibleFocus: outline || glow,
    onScreen: box.width > 1 && box.height > 1,
    labels: el.labels ? Array.from(el.labels, label => label.textContent.trim()) : null,
  };
}"""


def tab(page, key="Tab"):
    page.keyboard.press(key)
    return page.evaluate(FOCUSED)


def tab_to(page, element_id, limit=80):
    """Press Tab until the element has the focus; return every stop on the way."""
    stops = []
    for _ in range(limit):
        stops.append(tab(page))
        if stops[-1]["id"] == element_id:
            return stops
    raise AssertionError(f"#{element_id} never got the focus; stops: {[stop['id'] for stop in stops]}")


def test_a_reader_comments_with_the_keyboard_alone(page, base_url):
    post = make_thread_post(make_blog_author())
    page.goto(base_url + post.get_absolute_url())

    stops = tab_to(page, "id_name")
    assert stops[0]["text"] == "Aller au contenu" and stops[0]["onScreen"], "the skip link comes first and shows"
    hidden = [stop for stop in stops if not (stop["visibleFocus"] and stop["onScreen"])]
    assert not hidden, f"focus not visible on {hidden}"

    # The form's fields in the order they are filled; the robots' field is never reached.
    page.keyboard.type("Camille")
    assert tab(page)["id"] == "id_email"
    page.keyboard.type("camille@")  # not an address yet
    assert tab(page)["id"] == "id_website"
    body = tab(page)
    assert body["id"] == "id_body"
    assert body["labels"] == ["Commentaire*"] and body["visibleFocus"]
    page.keyboard.type("Écrit sans souris.")
    # The e-mail choice is one radio group: one Tab stop, on its first choice.
    notify = tab(page)
    assert notify["id"].startswith("id_notify_") and notify["labels"] == ["Rien de plus"] and notify["visibleFocus"]
    submit = tab(page)
    assert submit["text"] == "Envoyer le commentaire" and submit["visibleFocus"]
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The error is tied to its field, which takes the focus; the rest is kept.
    email = page.locator("#id_email")
    expect(email).to_be_focused()
    expect(email).to_have_attribute("aria-invalid", "true")
    described_by = email.get_attribute("aria-describedby").split()
    errors = [page.locator(f"#{element_id}") for element_id in described_by]
    assert any("adresse" in error.inner_text() for error in errors if error.is_visible())
    expect(page.locator("#id_name")).to_have_value("Camille")
    expect(page.locator("#id_name")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_body")).to_have_value("Écrit sans souris.")

    page.keyboard.press("End")
    page.keyboard.type("example.org")
    assert tab(page)["id"] == "id_website"
    assert tab(page)["id"] == "id_body"
    assert tab(page)["id"].startswith("id_notify_")
    assert tab(page)["text"] == "Envoyer le commentaire"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    comment = Comment.objects.get(name="Camille")
    assert comment.email == "camille@example.org" and comment.status == Status.PENDING
    expect(page.locator(f"#comment-{comment.pk}").get_by_role("status")).to_be_visible()


def test_the_reply_form_opens_and_closes_from_the_keyboard(page, base_url):
    post = make_thread_post(make_blog_author())
    julien = Comment.objects.get(name="Julien R.")
    page.goto(base_url + post.get_absolute_url())
    reply_link = page.locator(f"#comment-{julien.pk} .comment-reply-link")
    reply_link.evaluate("link => link.id = 'reply-to-julien'")  # a name for tab_to, nothing else changes

    stops = tab_to(page, "reply-to-julien")
    assert all(stop["visibleFocus"] for stop in stops)
    page.keyboard.press("Enter")

    # The form now stands under Julien's comment, focus on its first field.
    expect(page.locator(f"#comment-{julien.pk} #comment-form")).to_be_visible()
    expect(page.locator("#id_name")).to_be_focused()

    # Back to its place with "Cancel the reply"; the focus returns to the link.
    cancel = tab(page, "Shift+Tab")
    assert cancel["text"] == "Annuler la réponse" and cancel["visibleFocus"]
    page.keyboard.press("Enter")
    expect(page.locator(f"#comment-{julien.pk} #comment-form")).to_have_count(0)
    expect(reply_link).to_be_focused()
