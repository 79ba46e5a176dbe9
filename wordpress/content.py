"""Turn WordPress post content into the HTML this blog stores, and comments into plain text.

WordPress stores a classic post as text with line breaks and adds the
paragraphs when it shows the page (wpautop); it stores block-editor posts
as HTML between `<!-- wp:… -->` comments; and both may hold shortcodes that
only a WordPress plugin knows how to draw. Here:

- block-editor comments are removed, and what they wrap is kept;
- `[caption]` becomes a <figure> with its <figcaption>; `[embed]`, and a
  YouTube, Vimeo or Dailymotion address alone on its line, become the video
  player the sanitizer allows (settings.BLOG_EMBED_HOSTS), other addresses a
  link; `[gallery]` becomes a figure of the images it names; `[video]` and
  `[audio]` become a link to their file. Each of these leaves a warning when
  something was lost; other shortcodes are kept as text, with a warning;
- text without paragraphs gets them as WordPress would show it (blank lines
  between paragraphs, a single line break kept as <br>); HTML that already
  has its paragraphs is left as it is;
- Post.save() then runs the result through core.sanitize, like every body.

A comment is plain text on this blog (escaped when shown), so its HTML is
read back to text: tags are dropped, a link keeps its address, entities are
decoded and line breaks are kept.
"""

import html
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.utils.html import escape
from django.utils.text import Truncator

BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[\s\S]*?-->")
MORE_COMMENT = re.compile(r"<!--\s*(?:more|noteaser|nextpage)\b[^>]*-->")
SHORTCODE_ATTRIBUTE = re.compile(r'([\w-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|(\S+))')
CAPTION = re.compile(r"\[(?:wp_)?caption([^\]]*)\]([\s\S]*?)\[/(?:wp_)?caption\]")
EMBED = re.compile(r"\[embed[^\]]*\]\s*(\S+?)\s*\[/embed\]")
MEDIA = re.compile(r"\[(video|audio|playlist)([^\]]*)\](?:([\s\S]*?)\[/\1\])?")
GALLERY = re.compile(r"\[gallery([^\]]*)\]")
# What looks like a shortcode: a closing tag [/name], or [name key=value …].
OTHER_SHORTCODE = re.compile(r"\[/([a-zA-Z_][\w-]*)\]|\[([a-zA-Z_][\w-]*)\s+[\w-]+=[^\]]*\]")
LONE_URL = re.compile(r"^[ \t]*(https?://[^\s<>\"']+)[ \t]*$", re.MULTILINE)
IMAGE_AT_START = re.compile(r"^\s*((?:<a\s[^>]*>\s*)?<img\s[^>]*>(?:\s*</a>)?)([\s\S]*)$")

BLOCK_TAGS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote"
    "|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure"
    "|figcaption|details|menu|summary|iframe"
)
BLOCK_TAG = re.compile(rf"(<(/?)({BLOCK_TAGS})(?:\s[^>]*)?/?>)", re.IGNORECASE)
VOID_BLOCKS = {"hr", "col", "area"}
PARAGRAPH_CONTAINERS = {
    "blockquote",
    "div",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "nav",
    "details",
    "form",
}
TIGHT_TAGS = "p|li|h[1-6]|td|th|dt|dd|figure|figcaption|caption|summary|legend|address"
PRESERVED = re.compile(r"\x00\d+\x00")
HAS_PARAGRAPHS = re.compile(r"<p[\s>]|<br\s*/?>", re.IGNORECASE)
PRE = re.compile(r"<pre[\s>][\s\S]*?</pre>", re.IGNORECASE)
KNOWN = {"caption", "wp_caption", "embed", "gallery", "video", "audio", "playlist"}


def shortcode_attributes(text):
    return {match[1].lower(): match[2] or match[3] or match[4] or "" for match in SHORTCODE_ATTRIBUTE.finditer(text)}


def video_embed_url(url):
    """The player address of a YouTube, Vimeo or Dailymotion page, if its host is allowed here; else None."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("m.")
    embed = None
    if host in ("youtube.com", "www.youtube.com", "youtube-nocookie.com", "www.youtube-nocookie.com"):
        video = parse_qs(parts.query).get("v", [""])[0]
        if not video and parts.path.startswith("/embed/"):
            video = parts.path.split("/")[2]
        embed = f"https://www.youtube-nocookie.com/embed/{video}" if video else None
    elif host == "youtu.be":
        video = parts.path.strip("/")
        embed = f"https://www.youtube-nocookie.com/embed/{video}" if video else None
    elif host in ("vimeo.com", "www.vimeo.com") and re.fullmatch(r"[0-9]+", parts.path.strip("/")):
        embed = f"https://player.vimeo.com/video/{parts.path.strip('/')}"
    elif host in ("dailymotion.com", "www.dailymotion.com") and parts.path.startswith("/video/"):
        embed = f"https://www.dailymotion.com/embed/video/{parts.path.split('/')[2]}"
    # ASCII only: \w alone also takes digits and letters of other scripts, which no player id has.
    if embed is None or not re.fullmatch(r"https://[\w./-]+", embed, re.ASCII):
        return None
    return embed if urlsplit(embed).hostname in settings.BLOG_EMBED_HOSTS else None


def video_player(url):
    embed = video_embed_url(url)
    if embed is None:
        return None
    return f'<iframe src="{escape(embed)}" title="Video" width="560" height="315" allowfullscreen></iframe>'


def link(url):
    return f'<p><a href="{escape(url)}">{escape(url)}</a></p>'


class Converter:
    """One post's conversion; `warn(code, detail)` is told about everything that was lost or changed.

    `attachments` maps WordPress attachment ids to their URLs, and
    `attached_to` a post id to its attachments' ids, for [gallery].
    """

    def __init__(self, *, warn, attachments=None, attached_to=None, post_wp_id=""):
        self.warn = warn
        self.attachments = attachments or {}
        self.attached_to = attached_to or {}
        self.post_wp_id = post_wp_id

    def post_html(self, content):
        has_blocks = bool(BLOCK_COMMENT.search(content))
        text = MORE_COMMENT.sub("", BLOCK_COMMENT.sub("", content))
        formatted = has_blocks or bool(HAS_PARAGRAPHS.search(text))
        text = self.shortcodes(text)
        if formatted and not has_blocks:
            return text  # HTML with its paragraphs (this blog's own export among others): kept as it is.
        if not formatted:
            text = autop(text)
        return re.sub(r"\n\s*\n\s*", "\n\n", text).strip()

    def shortcodes(self, text):
        text = CAPTION.sub(self._caption, text)
        text = EMBED.sub(self._embed, text)
        text = MEDIA.sub(self._media, text)
        text = GALLERY.sub(self._gallery, text)
        text = LONE_URL.sub(self._lone_url, text)
        names = {(match[1] or match[2]).lower() for match in OTHER_SHORTCODE.finditer(text)}
        for name in sorted(names - KNOWN):
            self.warn("shortcode_kept", f"[{name}]")
        return text

    def _caption(self, match):
        attributes = shortcode_attributes(match[1])
        inner = match[2].strip()
        found = IMAGE_AT_START.match(inner)
        image, caption = (found[1], found[2].strip()) if found else (inner, "")
        caption = caption or attributes.get("caption", "")
        figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
        return f"\n\n<figure>{image}{figcaption}</figure>\n\n"

    def _embed(self, match):
        url = html.unescape(match[1])
        player = video_player(url)
        if player is None:
            self.warn("embed_linked", url)
            return f"\n\n{link(url)}\n\n"
        return f"\n\n{player}\n\n"

    def _lone_url(self, match):
        player = video_player(html.unescape(match[1]))
        return f"\n\n{player}\n\n" if player else match[0]

    def _media(self, match):
        kind, attributes = match[1], shortcode_attributes(match[2])
        url = attributes.get("src") or next(
            (attributes[key] for key in ("mp4", "m4v", "webm", "ogv", "mp3", "ogg", "wav", "m4a") if key in attributes),
            "",
        )
        url = url or (match[3] or "").strip()
        player = video_player(url) if url else None
        if player:
            return f"\n\n{player}\n\n"
        if not url:
            self.warn("shortcode_dropped", f"[{kind}]")
            return ""
        self.warn("media_linked", f"[{kind}] {url}")
        return f"\n\n{link(url)}\n\n"

    def _gallery(self, match):
        attributes = shortcode_attributes(match[1])
        ids = [part.strip() for part in attributes.get("ids", "").split(",") if part.strip()]
        if not ids:
            ids = self.attached_to.get(self.post_wp_id, [])
        urls = [self.attachments[wp_id] for wp_id in ids if wp_id in self.attachments]
        if not urls:
            self.warn("shortcode_dropped", "[gallery]")
            return ""
        if len(urls) < len(ids):
            self.warn("gallery_incomplete", f"{len(urls)}/{len(ids)}")
        images = "".join(f'<img src="{escape(url)}" alt="">' for url in urls)
        return f"\n\n<figure>{images}</figure>\n\n"


def autop(text):
    """WordPress' automatic paragraphs (wpautop): blank lines separate paragraphs, a single line break is a <br>.

    Block-level tags stand on their own, as in WordPress; text between them
    becomes paragraphs where a paragraph may stand (at the top level, in a
    blockquote or a div), and keeps its line breaks as <br> elsewhere (in a
    list item, a table cell, a caption). <pre> keeps its line breaks.
    """
    preserved = []

    def keep(match):
        preserved.append(match[0])
        return f"\n\n\x00{len(preserved) - 1}\x00\n\n"

    text = PRE.sub(keep, text.replace("\r\n", "\n").replace("\r", "\n"))
    text = BLOCK_TAG.sub(r"\n\n\1\n\n", text)
    open_blocks, out = [], []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if tag := BLOCK_TAG.fullmatch(chunk):
            name = tag[3].lower()
            if tag[2]:
                while open_blocks and open_blocks.pop() != name:
                    pass
            elif name not in VOID_BLOCKS and not chunk.endswith("/>"):
                open_blocks.append(name)
            out.append(chunk)
        elif PRESERVED.fullmatch(chunk):
            out.append(preserved[int(chunk[1:-1])])
        else:
            inline = re.sub(r"\s*\n\s*", "<br>\n", chunk)
            paragraph = not open_blocks or open_blocks[-1] in PARAGRAPH_CONTAINERS
            out.append(f"<p>{inline}</p>" if paragraph else inline)
    text = "\n".join(out)
    # Text that is not a paragraph sits right inside its tag: <li>text</li>, not <li>\ntext\n</li>.
    text = re.sub(rf"(<(?:{TIGHT_TAGS})(?:\s[^>]*)?>)\n", r"\1", text, flags=re.IGNORECASE)
    return re.sub(rf"\n(</(?:{TIGHT_TAGS})>)", r"\1", text, flags=re.IGNORECASE)


class _TextParser(HTMLParser):
    BREAKS = {"br"}
    PARAGRAPHS = {"p", "div", "blockquote", "li", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.href = None
        self.link_text = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BREAKS:
            self.parts.append("\n")
        elif tag == "a":
            self.href = dict(attrs).get("href") or ""
            self.link_text = []

    def handle_startendtag(self, tag, attrs):
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.PARAGRAPHS:
            self.parts.append("\n\n")
        elif tag == "a" and self.href is not None:
            text = "".join(self.link_text)
            if self.href and self.href.strip() not in text and self.href.startswith(("http://", "https://")):
                self.parts.append(f" ({self.href.strip()})")
            self.href = None

    def handle_data(self, data):
        self.parts.append(data)
        if self.href is not None:
            self.link_text.append(data)


def comment_text(content):
    """A WordPress comment (text with a little HTML) as the plain text this blog keeps."""
    if "<" not in content and "&" not in content:
        return content.strip()
    parser = _TextParser()
    parser.feed(content)
    parser.close()
    text = "".join(parser.parts)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def lead_from(excerpt, body_html):
    """The post's lead, as plain text: its excerpt (600 characters at most), else its first paragraph (300)."""
    text = comment_text(excerpt or "")
    if text:
        return Truncator(text).chars(600)
    first = comment_text(body_html).split("\n\n", 1)[0]
    return Truncator(" ".join(first.split())).chars(300)
