"""Write a large WXR file of invented posts and threaded comments, for the memory test and the benchmark."""

import random
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" \
xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" \
xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Grand carnet</title>
<link>https://grand.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://grand.example</wp:base_site_url>
<wp:base_blog_url>https://grand.example</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[auteur]]></wp:author_login>\
<wp:author_email><![CDATA[auteur@grand.example]]></wp:author_email>\
<wp:author_display_name><![CDATA[L'autrice]]></wp:author_display_name></wp:author>
"""
STATUSES = ["1"] * 8 + ["0", "spam"]
WORDS = [
    "merci",
    "pour",
    "ce",
    "billet",
    "la",
    "marque",
    "a",
    "répondu",
    "vite",
    "mais",
    "pas",
    "sur",
    "le",
    "fond",
    "je",
    "reviens",
    "sur",
    "votre",
    "point",
    "🎉",
]


def write_wxr(stream, *, posts, comments, seed=1):
    """Write `posts` posts sharing `comments` comments (40 % top level, the rest replies up to 12 deep)."""
    rng = random.Random(seed)  # noqa: S311 - invented text, not secrets
    start = datetime(2015, 1, 1, tzinfo=UTC)
    stream.write(HEADER)
    comment_id = 0
    per_post = [comments // posts + (1 if n < comments % posts else 0) for n in range(posts)]
    for number, count in enumerate(per_post, start=1):
        date = start + timedelta(days=number)
        stream.write(
            f"<item><title><![CDATA[Billet {number}]]></title>"
            f"<link>https://grand.example/{date:%Y/%m}/billet-{number}/</link>"
            f"<dc:creator><![CDATA[auteur]]></dc:creator>"
            f'<guid isPermaLink="false">https://grand.example/?p={number}</guid>'
            f"<content:encoded><![CDATA[Premier paragraphe du billet {number}.\n\nDeuxième paragraphe.]]>"
            f"</content:encoded><wp:post_id>{number}</wp:post_id>"
            f"<wp:post_date_gmt><![CDATA[{date:%Y-%m-%d %H:%M:%S}]]></wp:post_date_gmt>"
            f"<wp:post_name><![CDATA[billet-{number}]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status>"
            f"<wp:post_type><![CDATA[post]]></wp:post_type>\n"
        )
        ids, depth_of = [], {}
        for index in range(count):
            comment_id += 1
            parent = 0
            if ids and rng.random() > 0.4:
                parent = rng.choice(ids[-20:])
                if depth_of[parent] >= 11:
                    parent = 0
            depth_of[comment_id] = depth_of[parent] + 1 if parent else 0
            ids.append(comment_id)
            text = " ".join(rng.choices(WORDS, k=rng.randint(5, 40)))
            moment = date + timedelta(minutes=index + 1)
            stream.write(
                f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                f"<wp:comment_author><![CDATA[Lecteur {comment_id % 500}]]></wp:comment_author>"
                f"<wp:comment_author_email><![CDATA[lecteur{comment_id % 500}@example.org]]></wp:comment_author_email>"
                f"<wp:comment_author_IP><![CDATA[203.0.113.{comment_id % 250}]]></wp:comment_author_IP>"
                f"<wp:comment_date_gmt><![CDATA[{moment:%Y-%m-%d %H:%M:%S}]]></wp:comment_date_gmt>"
                f"<wp:comment_content><![CDATA[{escape(text)}]]></wp:comment_content>"
                f"<wp:comment_approved><![CDATA[{rng.choice(STATUSES)}]]></wp:comment_approved>"
                f"<wp:comment_type><![CDATA[comment]]></wp:comment_type>"
                f"<wp:comment_parent>{parent}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id>"
                "</wp:comment>\n"
            )
        stream.write("</item>\n")
    stream.write("</channel>\n</rss>\n")


def _minimal_item(number=1):
    return (
        f"<item><title>Billet {number}</title><link>https://grand.example/billet-{number}/</link>"
        f'<dc:creator>auteur</dc:creator><guid isPermaLink="false">https://grand.example/?p={number}</guid>'
        f"<content:encoded>Texte.</content:encoded><wp:post_id>{number}</wp:post_id>"
        f"<wp:post_date_gmt>2015-01-0{number} 10:00:00</wp:post_date_gmt><wp:post_name>billet-{number}</wp:post_name>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>\n"
    )


def write_reply_chain(stream, *, levels, reverse=False):
    """Write one post whose comments form one chain `levels` long, each the reply to the one before.

    With `reverse`, the deepest reply comes first in the file and the top of the chain last.
    """
    stream.write(HEADER)
    stream.write(_minimal_item())
    numbers = range(levels, 0, -1) if reverse else range(1, levels + 1)
    for number in numbers:
        stream.write(
            f"<wp:comment><wp:comment_id>{number}</wp:comment_id><wp:comment_parent>{number - 1}</wp:comment_parent>"
            f"<wp:comment_author>Lecteur {number}</wp:comment_author>"
            f"<wp:comment_date_gmt>2015-01-02 10:00:00</wp:comment_date_gmt>"
            f"<wp:comment_content>Réponse {number}</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
            "</wp:comment>\n"
        )
    stream.write("</item>\n</channel>\n</rss>\n")


def write_nested_elements(stream, *, levels):
    """Write an export whose one post holds `levels` elements nested in one another (no export needs that)."""
    stream.write(HEADER)
    stream.write(_minimal_item())
    stream.write("<x>" * levels + "</x>" * levels)
    stream.write("</item>\n</channel>\n</rss>\n")


def write_disqus_chain(stream, *, levels, link, reverse=False, first=1):
    """Write a Disqus export: one thread at `link`, its posts one chain `levels` long (from number `first` on)."""
    stream.write(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n'
        f'<thread dsq:id="1"><id /><link>{escape(link)}</link><title>Billet</title></thread>\n'
    )
    numbers = range(levels, first - 1, -1) if reverse else range(first, levels + 1)
    for number in numbers:
        parent = f'<parent dsq:id="{number - 1}" />' if number > 1 else ""
        stream.write(
            f'<post dsq:id="{number}"><message>Réponse {number}</message>'
            "<createdAt>2019-03-06T09:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>"
            f"<author><name>Lecteur {number}</name><isAnonymous>true</isAnonymous></author>"
            f'<thread dsq:id="1" />{parent}</post>\n'
        )
    stream.write("</disqus>\n")
