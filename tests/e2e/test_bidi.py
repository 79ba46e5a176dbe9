"""Bidirectional controls in a title, names and comments cannot turn the rest of the page around, in Chromium.

Each string leaves an override, an embedding or an isolate open (one also
starts with a stray PDI, which would end a bare <bdi> early). The test
reads the layout: the text that follows each string ("a écrit…", the next
reader's name, the date, the byline) must still read left to right, after
the string, measured with Range.getBoundingClientRect() on its characters.
The window's title is laid out too: the blog's name stays at its end.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.html import escape

from accounts.models import Organization
from accounts.services import membership_request, membership_verify
from comments.models import Status
from core.bidi import PDI, RLE, RLI, RLO, bdi
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.comments.factories import make_comment

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = f"Un titre {RLO}à l'envers"
AUTHOR = f"Claire Martel {RLO}"
NAMES = [f"{PDI}{RLO}Eve", f"Zoé {RLE}", f"{RLI}Ana", "Julien"]
BODIES = [f"Texte {RLO}renversé", f"{RLI}ouvert", f"{RLE}enchâssé", "Très juste."]
ORGANIZATION = f"Maison {RLO}Verdane"

# Where the characters of `needle` are drawn in the first text node under `selector` that holds it.
CHARACTERS = """
([root, needle]) => {
  const scope = typeof root === "string" ? document.querySelector(root) : root;
  const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const start = node.data.indexOf(needle);
    if (start < 0) continue;
    const boxes = [...needle].map((_, index) => {
      const range = document.createRange();
      range.setStart(node, start + index);
      range.setEnd(node, start + index + 1);
      const box = range.getBoundingClientRect();
      return {left: box.left, right: box.right, top: box.top};
    });
    return boxes;
  }
  return null;
}
"""

# For each comment: the boxes of the name, of "a écrit…" after it, of its date, and its name as the DOM reads it.
COMMENTS = """
([label]) => [...document.querySelectorAll(".comment")].map((comment) => {
  const by = comment.querySelector(".comment-by");
  const author = by.querySelector(".comment-author").getBoundingClientRect();
  const walker = document.createTreeWalker(by, NodeFilter.SHOW_TEXT);
  let labelNode = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.data.includes(label)) labelNode = node;
  }
  const at = (node, index) => {
    const range = document.createRange();
    range.setStart(node, index);
    range.setEnd(node, index + 1);
    return range.getBoundingClientRect();
  };
  const start = labelNode.data.indexOf(label);
  const time = comment.querySelector(".comment-date time");
  const timeText = time.firstChild;
  const number = by.querySelector(".comment-number");
  const action = comment.querySelector(".comment-actions a").firstChild;
  return {
    name: by.querySelector(".comment-author").textContent,
    authorLeft: author.left, authorRight: author.right, authorTop: author.top,
    numberRight: number ? number.getBoundingClientRect().right : null,
    labelFirst: at(labelNode, start).left, labelLast: at(labelNode, start + label.length - 1).left,
    labelTop: at(labelNode, start).top,
    dateFirst: at(timeText, 0).left, dateLast: at(timeText, timeText.data.length - 1).left,
    actionFirst: at(action, 0).left, actionLast: at(action, action.data.length - 1).left,
  };
})
"""

# The window's title laid out as plain text, the way a tab strip draws it: where its last part is drawn.
WINDOW_TITLE = """
([site]) => {
  const line = document.createElement("div");
  line.dir = "ltr";
  line.style.cssText = "position: absolute; top: 0; left: 0; white-space: pre; font: 16px monospace;";
  line.textContent = document.title;
  document.body.append(line);
  const text = line.firstChild;
  const at = (index) => {
    const range = document.createRange();
    range.setStart(text, index);
    range.setEnd(text, index + 1);
    return range.getBoundingClientRect();
  };
  const siteStart = text.data.lastIndexOf(site);
  const before = [...Array(siteStart).keys()].map((index) => at(index).right);
  const result = {
    title: document.title,
    rightmostBefore: Math.max(...before),
    siteFirst: at(siteStart).left,
    siteLast: at(siteStart + site.length - 1).left,
  };
  line.remove();
  return result;
}
"""


@pytest.fixture
def hostile_post():
    """A post whose title, author, readers' names and comments each leave a bidirectional control open."""
    author = make_user(display_name=AUTHOR, is_staff=True)
    post = make_post(author=author, title=TITLE, lead=f"Chapeau {RLO}", published_at=timezone.now() - timedelta(days=2))
    now = timezone.now()
    for index, (name, body) in enumerate(zip(NAMES, BODIES, strict=True)):
        moment = now - timedelta(hours=10 - index)
        make_comment(
            post=post,
            name=name,
            website="https://example.org" if index == 0 else "",
            body=body,
            status=Status.APPROVED,
            publish_at=moment,
            published_at=moment,
        )
    organization = Organization.objects.create(name=ORGANIZATION, slug="verdane")
    representative = make_user(display_name=f"Léa {RLO}")
    membership = membership_request(user=representative, organization=organization)
    membership_verify(membership=membership, by=author, note="checked by phone")
    moment = now - timedelta(hours=1)
    make_comment(
        post=post,
        user=representative,
        name=representative.display_name,
        organization=organization,
        body=f"Réponse {RLO}",
        status=Status.APPROVED,
        publish_at=moment,
        published_at=moment,
    )
    return post


def test_what_follows_a_readers_string_still_reads_left_to_right(page, base_url, hostile_post):
    with translation.override("fr"):
        wrote = translation.gettext("wrote…")
    page.goto(base_url + hostile_post.get_absolute_url())

    comments = page.evaluate(COMMENTS, [wrote])

    assert len(comments) == 5
    turned = []
    for comment in comments:
        checks = {
            # "a écrit…" reads left to right, on the name's line, after the name.
            "label reversed": comment["labelFirst"] < comment["labelLast"],
            "label off the name's line": abs(comment["labelTop"] - comment["authorTop"]) < 8,
            "label before the name": comment["labelFirst"] >= comment["authorRight"] - 1,
            # The number is before the name; the date and the links under the text read left to right.
            "number after the name": comment["numberRight"] <= comment["authorLeft"] + 1,
            "date reversed": comment["dateFirst"] < comment["dateLast"],
            "link reversed": comment["actionFirst"] < comment["actionLast"],
        }
        turned += [f"{comment['name']!r}: {what}" for what, holds in checks.items() if not holds]
    assert not turned, "\n".join(turned)
    # The next reader's name, after every open control, reads as typed.
    julien = page.evaluate(CHARACTERS, [".comment:nth-child(4) .comment-author", "Julien"])
    assert [box["left"] for box in julien] == sorted(box["left"] for box in julien)


def test_the_byline_after_the_title_and_the_author_keeps_its_order(page, base_url, hostile_post):
    page.goto(base_url + hostile_post.get_absolute_url())

    by = page.evaluate(CHARACTERS, [".post .post-meta", "Par"])
    martel = page.evaluate(CHARACTERS, [".post .post-meta", "Martel"])  # The author's name ends with an RLO.
    time, month = page.evaluate(
        """() => ["time", "a"].map((tag) => {
          const box = document.querySelector(".post .post-meta " + tag).getBoundingClientRect();
          return {left: box.left, right: box.right};
        })"""
    )

    assert [box["left"] for box in by] == sorted(box["left"] for box in by)
    assert [box["left"] for box in martel] == sorted(box["left"] for box in martel)
    # "Par", the author, the date, the month: in this order, left to right.
    assert by[-1]["right"] <= martel[0]["left"]
    assert martel[-1]["right"] <= time["left"] + 1
    assert time["right"] <= month["left"] + 1


def test_the_window_title_ends_with_the_blogs_name(page, base_url, hostile_post):
    page.goto(base_url + hostile_post.get_absolute_url())

    laid_out = page.evaluate(WINDOW_TITLE, [settings.BLOG_TITLE])

    assert laid_out["title"].endswith(f" · {settings.BLOG_TITLE}")
    assert laid_out["siteFirst"] < laid_out["siteLast"]  # The blog's name reads left to right...
    assert laid_out["siteFirst"] >= laid_out["rightmostBefore"] - 1  # ...after everything the title holds.


def test_the_reply_label_built_by_the_script_holds_the_name_in_an_isolate(page, base_url, hostile_post):
    page.goto(base_url + hostile_post.get_absolute_url())
    page.locator(".comment").first.locator(".comment-reply-link").click()

    title = page.locator("#comment-form-title")
    # The label, then the name alone in its isolate, balanced: nothing it opens reaches past it.
    assert title.evaluate("el => el.lastChild.tagName") == "BDI"
    assert title.locator("bdi").text_content() == f"\u2068{RLO}Eve\u202c\u2069"
    label = page.evaluate(CHARACTERS, ["#comment-form-title", "Répondre"])
    assert [box["left"] for box in label] == sorted(box["left"] for box in label)


def test_a_stray_pdi_would_end_a_bare_bdi_early_but_not_a_balanced_one(page):
    """Why `bdi` balances the string it isolates: Chromium ends the element's isolate at the first PDI inside."""
    name = NAMES[0]
    page.set_content(
        f'<p id="bare">X <bdi>{escape(name)}</bdi> wrote</p><p id="balanced">X {bdi(name)} wrote</p>'
        "<style>p { font: 16px monospace; }</style>"
    )

    bare = page.evaluate(CHARACTERS, ["#bare", " wrote"])
    balanced = page.evaluate(CHARACTERS, ["#balanced", " wrote"])

    assert bare[1]["left"] > bare[-1]["left"]  # Turned around by the RLO that escaped.
    assert balanced[1]["left"] < balanced[-1]["left"]
