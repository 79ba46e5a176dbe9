"""wordpress.content: WordPress markup becomes ours, and nothing is lost without a warning."""

import pytest

from wordpress.content import Converter, autop, comment_text, lead_from


@pytest.fixture
def warnings():
    return []


@pytest.fixture
def convert(warnings):
    def convert(content, **options):
        return Converter(warn=lambda code, detail="": warnings.append((code, detail)), **options).post_html(content)

    return convert


def test_autop_makes_paragraphs_of_blank_lines_and_breaks_of_single_ones():
    assert autop("One\ntwo\n\nThree") == "<p>One<br>\ntwo</p>\n<p>Three</p>"


def test_autop_leaves_block_tags_alone_and_keeps_pre():
    text = "<h2>Title</h2>\nIntro\n<blockquote>Quoted\n\nTwice</blockquote>\n<pre>a\n\nb</pre>"
    assert autop(text) == (
        "<h2>Title</h2>\n<p>Intro</p>\n<blockquote>\n<p>Quoted</p>\n<p>Twice</p>\n</blockquote>\n<pre>a\n\nb</pre>"
    )


def test_autop_adds_no_paragraph_inside_list_items_but_keeps_their_breaks():
    assert autop("Text\n<ul>\n<li>a</li>\n<li>b\nc</li>\n</ul>\nAfter") == (
        "<p>Text</p>\n<ul>\n<li>a</li>\n<li>b<br>\nc</li>\n</ul>\n<p>After</p>"
    )


def test_block_comments_go_and_their_content_stays(convert, warnings):
    html = convert('<!-- wp:paragraph {"align":"center"} -->\n<p>Kept</p>\n<!-- /wp:paragraph -->\n<!--more-->')
    assert html == "<p>Kept</p>"
    assert warnings == []


def test_html_that_has_its_paragraphs_is_not_reformatted(convert):
    assert convert("<p>One\ntwo</p>\n\n\n<p>Three</p>") == "<p>One\ntwo</p>\n\n\n<p>Three</p>"


def test_caption_becomes_a_figure(convert):
    html = convert('[caption id="a" width="300"]<img src="https://x.example/a.jpg" alt="A"> The caption[/caption]')
    assert html == '<figure><img src="https://x.example/a.jpg" alt="A">\n<figcaption>The caption</figcaption></figure>'


@pytest.mark.parametrize(
    ("url", "player"),
    [
        ("https://www.youtube.com/watch?v=abc123", "https://www.youtube-nocookie.com/embed/abc123"),
        ("https://youtu.be/abc123", "https://www.youtube-nocookie.com/embed/abc123"),
        ("https://vimeo.com/123456", "https://player.vimeo.com/video/123456"),
        ("https://www.dailymotion.com/video/x7abc", "https://www.dailymotion.com/embed/video/x7abc"),
    ],
)
def test_video_embeds_become_the_allowed_player(convert, warnings, url, player):
    assert f'<iframe src="{player}"' in convert(f"[embed]{url}[/embed]")
    assert f'<iframe src="{player}"' in convert(f"Before\n\n{url}\n\nAfter")
    assert warnings == []


def test_an_embed_from_another_site_becomes_a_link_with_a_warning(convert, warnings):
    assert convert("[embed]https://other.example/x[/embed]") == (
        '<p><a href="https://other.example/x">https://other.example/x</a></p>'
    )
    assert warnings == [("embed_linked", "https://other.example/x")]


@pytest.mark.parametrize(
    "url", ["https://vimeo.com/¹²³", "https://youtu.be/vidéo", "https://www.youtube.com/watch?v=٣٤"], ids=str
)
def test_a_video_id_of_other_than_ascii_letters_and_digits_gets_no_player(convert, url):
    assert "<iframe" not in convert(f"[embed]{url}[/embed]")


def test_a_player_whose_host_is_not_allowed_becomes_a_link(convert, settings):
    settings.BLOG_EMBED_HOSTS = ["player.vimeo.com"]
    assert "<iframe" not in convert("[embed]https://youtu.be/abc[/embed]")


def test_gallery_shows_the_images_it_names(convert, warnings):
    html = convert('[gallery ids="1,2"]', attachments={"1": "https://x.example/1.jpg"})
    assert html == '<figure><img src="https://x.example/1.jpg" alt=""></figure>'
    assert warnings == [("gallery_incomplete", "1/2")]


def test_gallery_without_ids_shows_the_post_attachments(convert):
    html = convert("[gallery]", attachments={"7": "https://x.example/7.jpg"}, attached_to={"3": ["7"]}, post_wp_id="3")
    assert "https://x.example/7.jpg" in html


def test_an_empty_gallery_and_an_audio_without_file_are_dropped_with_a_warning(convert, warnings):
    assert convert("[gallery][audio]") == ""
    assert warnings == [("shortcode_dropped", "[audio]"), ("shortcode_dropped", "[gallery]")]


def test_video_file_becomes_a_link(convert, warnings):
    assert convert('[video mp4="https://x.example/v.mp4"][/video]') == (
        '<p><a href="https://x.example/v.mp4">https://x.example/v.mp4</a></p>'
    )
    assert warnings == [("media_linked", "[video] https://x.example/v.mp4")]


def test_unknown_shortcodes_stay_as_text_with_a_warning(convert, warnings):
    html = convert('[contact-form id="1"] and [note]Keep me[/note], but not [1] or [sic]')
    assert html == '<p>[contact-form id="1"] and [note]Keep me[/note], but not [1] or [sic]</p>'
    assert warnings == [("shortcode_kept", "[contact-form]"), ("shortcode_kept", "[note]")]


def test_comment_html_becomes_plain_text_with_its_links_and_breaks():
    assert comment_text('<p>Hi &amp; <b>bold</b><br />next <a href="https://x.example/">here</a></p>') == (
        "Hi & bold\nnext here (https://x.example/)"
    )
    assert comment_text("A &lt;tag&gt; 😀\nand a line") == "A <tag> 😀\nand a line"
    assert comment_text("plain text") == "plain text"


def test_lead_is_the_excerpt_or_the_first_paragraph():
    assert lead_from("An <em>excerpt</em>", "<p>Body</p>") == "An excerpt"
    assert lead_from("", "<p>First\nparagraph</p><p>Second</p>") == "First paragraph"
    assert len(lead_from("", "<p>" + "word " * 200 + "</p>")) <= 300
