"""{% load bidi %}: readers' text that cannot reorder the page around it (see core.bidi).

<span class="comment-author">{{ comment.name|bdi }}</span>    inline, in HTML
<div class="comment-text" dir="auto">{{ comment.body_html|safe }}</div>   a block
<title>{{ post.title|isolate }} · {{ blog_title }}</title>    text: titles, attributes, e-mails
"""

from django import template
from django.template.defaultfilters import stringfilter

from core import bidi as _bidi

register = template.Library()


@register.filter(is_safe=True)
@stringfilter
def isolate(value):
    """The string balanced and between FSI and PDI, for text that cannot hold markup."""
    return _bidi.isolate(value)


@register.filter(name="bdi")
def bdi(value):
    """The string escaped and balanced, in a <bdi> element."""
    return _bidi.bdi(value)
