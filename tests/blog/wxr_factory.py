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
