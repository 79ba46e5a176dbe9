"""Version stamps of what a post's page shows, renewed by whatever changes it.

A stamp is a random string kept in the cache: one per post, and one for the
whole site. Two caches keep what they drew under the stamps it was drawn
with, and serve it only while the stamps are still the same: the thread's
outline (comments.thread.kept_outline) and whole post pages (pagecache).

- a comment saved or deleted: its post's stamp (a new comment, a decision,
  a reply, an edit, a hold after reports, a withdrawal);
- a post saved or deleted, or its co-authors changed: its stamp (the
  Author badge follows the co-authors);
- an account, an organisation or a membership saved or deleted: the site's
  stamp, since a badge, a name or a logo can appear on any post's page.
  A login, which only records last_login, changes nothing on a page.

Stamps change through signals, a side effect on purpose kept out of the
services: whichever door a change comes through (a service, an admin form, a
management command), the saved row says which pages it touches. They change
at once and again after the transaction commits, so that anything drawn from
the old rows in between cannot outlive the change. Writes through
QuerySet.update() send no signal: code that changes what a page shows that
way bumps the stamps itself.

Why here and not in pagecache, the main reader: the thread keeps its outline
under these stamps and comments may not import pagecache, which sits above
it. The stamps and what renews them stay together, so that the kept outline
never depends on an app above for its freshness; comments is the lowest app
that knows every model a post's page shows (posts, comments, accounts).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

if TYPE_CHECKING:
    from django.db.models import Model

    from blog.models import Post

    from .models import Comment

# The cache keys are those of the page cache's first stamps: stamps kept in a shared cache stay valid.
SITE_VERSION = "blog:page-version:site"


def post_version_key(post_pk: int) -> str:
    return f"blog:page-version:post:{post_pk}"


def bump_post(post_pk: int) -> None:
    """Give a post a new stamp: what was kept under the old one is no longer served."""
    cache.set(post_version_key(post_pk), secrets.token_hex(8), None)


def bump_site() -> None:
    """Give the site a new stamp: no post's page kept under the old one is served any more."""
    cache.set(SITE_VERSION, secrets.token_hex(8), None)


def current_versions(post_pk: int) -> tuple[str, str]:
    """The (post, site) stamps now, creating any that is missing (evicted: every entry under it is then invalid)."""
    keys = (post_version_key(post_pk), SITE_VERSION)
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, secrets.token_hex(8), None)
            found[key] = cache.get(key)
    return tuple(found[key] for key in keys)


def _bump(bump: Callable[..., None], *args: int) -> None:
    # Now, and again once the transaction commits: a page drawn from the
    # rows as they were before the commit is then not served either.
    bump(*args)
    transaction.on_commit(partial(bump, *args))


def comment_changed(sender: type[Comment], instance: Comment, **kwargs: object) -> None:
    _bump(bump_post, instance.post_id)


def post_changed(sender: type[Post], instance: Post, **kwargs: object) -> None:
    _bump(bump_post, instance.pk)


def co_authors_changed(sender: type[Model], instance: Model, action: str, reverse: bool, **kwargs: object) -> None:
    if not action.startswith("post_"):
        return
    if reverse:  # From an account (user.co_authored_posts.add): any post may be one of them.
        _bump(bump_site)
    else:
        _bump(bump_post, instance.pk)


def people_changed(
    sender: type[Model], instance: Model, update_fields: frozenset[str] | None = None, **kwargs: object
) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    _bump(bump_site)


def connect() -> None:
    """Renew the stamps on every change to what a post's page shows (called once, by the app's ready())."""
    from django.contrib.auth import get_user_model

    from accounts.models import Membership, Organization
    from blog.models import Post

    from .models import Comment

    for action, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(comment_changed, sender=Comment, dispatch_uid=f"page-cache-comment-{action}")
        signal.connect(post_changed, sender=Post, dispatch_uid=f"page-cache-post-{action}")
        for model in (get_user_model(), Organization, Membership):
            signal.connect(people_changed, sender=model, dispatch_uid=f"page-cache-{model.__name__}-{action}")
    m2m_changed.connect(co_authors_changed, sender=Post.co_authors.through, dispatch_uid="page-cache-post-co-authors")
