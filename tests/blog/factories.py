import itertools
from datetime import timedelta

from django.utils import timezone

from blog.models import Post
from tests.accounts.factories import make_author

_numbers = itertools.count(1)


def make_post(**fields):
    number = next(_numbers)
    fields.setdefault("title", f"Post {number}")
    fields.setdefault("slug", f"post-{number}")
    fields.setdefault("lead", "A lead.")
    fields.setdefault("body", "<p>A body.</p>")
    fields.setdefault("status", Post.Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(days=1))
    if "author" not in fields:
        fields["author"] = make_author()
    return Post.objects.create(**fields)
