"""core.sanitize: what survives in a post body, and how a reader's text is shown."""

import pytest

from core.sanitize import clean_post_html, render_reader_text
from tests.blog.factories import make_post

YOUTUBE = '<iframe src="https://www.youtube-nocookie.com/embed/abc123" title="A video" allowfullscreen></iframe>'
VIMEO = '<iframe src="https://player.vimeo.com/video/123456" width="640" height="360"></iframe>'


@pytest.mark.parametrize(
    ("html", "forbidden"),
    [
        pytest.param("<p>Hi</p><script>alert(1)</script>", ["<script", "alert(1)"], id="script"),
        pytest.param("<p>Hi</p><SCRIPT SRC=//evil.example/x.js></SCRIPT>", ["script", "evil.example"], id="script-src"),
        pytest.param("<p>Hi</p><style>body{display:none}</style>", ["<style", "display:none"], id="style"),
        pytest.param('<p onclick="steal()">Hi</p>', ["onclick", "steal()"], id="onclick"),
        pytest.param('<img src="x.png" onerror="steal()" alt="x">', ["onerror", "steal()"], id="onerror"),
        pytest.param('<a href="javascript:steal()">Hi</a>', ["javascript:", "steal()"], id="javascript-link"),
        pytest.param('<a href="JaVaScRiPt:steal()">Hi</a>', ["steal()"], id="javascript-mixed-case"),
        pytest.param('<a href="&#106;avascript:steal()">Hi</a>', ["steal()"], id="javascript-entity"),
        pytest.param('<img src="javascript:steal()" alt="x">', ["javascript:", "steal()"], id="javascript-img"),
        pytest.param('<a href="data:text/html,<script>x</script>">Hi</a>', ["data:", "<script"], id="data-url"),
        pytest.param('<iframe src="https://evil.example/embed"></iframe>', ["<iframe", "evil.example"], id="iframe"),
        pytest.param(
            '<iframe src="https://www.youtube.com.evil.example/embed/x"></iframe>', ["<iframe", "evil"], id="lookalike"
        ),
        pytest.param('<iframe src="http://www.youtube.com/embed/x"></iframe>', ["<iframe"], id="iframe-http"),
        pytest.param('<iframe srcdoc="<script>x</script>"></iframe>', ["<iframe", "srcdoc"], id="iframe-srcdoc"),
        pytest.param('<iframe src="javascript:alert(1)"></iframe>', ["<iframe", "javascript"], id="iframe-js"),
        pytest.param('<object data="x.swf"></object><embed src="x.swf">', ["<object", "<embed"], id="object"),
        pytest.param('<form action="/x"><input name="p"></form>', ["<form", "<input"], id="form"),
        pytest.param('<p style="position:fixed">Hi</p>', ["style="], id="style-attribute"),
        pytest.param("<svg><script>alert(1)</script></svg>", ["<svg", "alert(1)"], id="svg"),
    ],
)
def test_dangerous_markup_is_removed_from_post_bodies(html, forbidden):
    cleaned = clean_post_html(html)
    for fragment in forbidden:
        assert fragment.lower() not in cleaned.lower()


@pytest.mark.parametrize("embed", [YOUTUBE, VIMEO], ids=["youtube", "vimeo"])
def test_video_embeds_from_allowed_hosts_are_kept(embed):
    cleaned = clean_post_html(f"<p>Watch:</p>{embed}")
    assert "<iframe" in cleaned
    src = embed.split('src="')[1].split('"')[0]
    assert f'src="{src}"' in cleaned


def test_refused_iframe_leaves_the_allowed_one_in_place():
    cleaned = clean_post_html(f'<iframe src="https://evil.example/"></iframe>{VIMEO}')
    assert cleaned.count("<iframe") == 1
    assert "player.vimeo.com" in cleaned


def test_allowed_markup_is_kept():
    html = (
        '<h2>Title</h2><p><strong>bold</strong> <em>it</em> <a href="https://example.com/" title="t">link</a></p>'
        '<ul><li>one</li></ul><blockquote>quote</blockquote><img src="https://example.com/a.png" alt="A">'
    )
    cleaned = clean_post_html(html)
    for fragment in ["<h2>Title</h2>", "<strong>bold</strong>", "<em>it</em>", "<li>one</li>", "<blockquote>"]:
        assert fragment in cleaned
    assert 'href="https://example.com/"' in cleaned
    assert 'alt="A"' in cleaned


def test_staff_links_are_not_marked_as_user_content():
    cleaned = clean_post_html('<a href="https://example.com/">link</a>')
    assert "nofollow" not in cleaned
    assert "ugc" not in cleaned


@pytest.mark.django_db
def test_saving_a_post_cleans_its_body():
    post = make_post(
        body='<p onclick="x()">Kept</p><script>alert(1)</script><iframe src="https://evil.example/"></iframe>'
    )
    post.refresh_from_db()
    assert post.body == "<p>Kept</p>"


@pytest.mark.django_db
def test_editing_a_post_cleans_its_body_again():
    post = make_post()
    post.body = '<p>Edited</p><img src="x.png" onerror="x()">'
    post.save()
    post.refresh_from_db()
    assert "onerror" not in post.body
    assert "<p>Edited</p>" in post.body


# Readers' text


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        pytest.param("<script>alert(1)</script>", "<script", id="script"),
        pytest.param('<b onclick="x()">bold</b>', "<b", id="tags"),
        pytest.param('<a href="https://example.com">link</a>', '<a href="https://example.com">link</a>', id="link-tag"),
        pytest.param("<img src=x onerror=alert(1)>", "<img", id="img"),
    ],
)
def test_reader_text_never_becomes_html(text, forbidden):
    html = render_reader_text(text)
    assert forbidden not in html
    assert "&lt;" in html


def test_reader_text_escapes_and_keeps_the_words():
    assert render_reader_text("Fish & <chips>") == "<p>Fish &amp; &lt;chips&gt;</p>"


def test_reader_urls_become_links_marked_as_user_content():
    html = render_reader_text("See https://example.com/page?a=1&b=2 for more.")
    assert 'href="https://example.com/page?a=1&amp;b=2"' in html
    assert 'rel="nofollow ugc noopener"' in html
    assert html.count("<a ") == 1


def test_reader_www_addresses_become_links_too():
    html = render_reader_text("Go to www.example.org now")
    assert 'href="https://www.example.org"' in html
    assert 'rel="nofollow ugc noopener"' in html


def test_reader_javascript_url_is_not_a_link():
    html = render_reader_text("javascript:alert(1)")
    assert "<a" not in html
    assert "href" not in html


def test_reader_line_breaks_and_paragraphs_are_kept():
    html = render_reader_text("First line\nsecond line\n\nNew paragraph")
    assert html == "<p>First line<br>second line</p>\n\n<p>New paragraph</p>"


def test_reader_text_is_marked_safe_for_templates():
    from django.template import engines

    template = engines["django"].from_string("{{ text }}")
    html = template.render({"text": render_reader_text("a < b")})
    assert html == "<p>a &lt; b</p>"
