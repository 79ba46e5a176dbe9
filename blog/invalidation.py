"""Give cached post pages a new version stamp whenever what they show changes.

A side effect on purpose kept out of the services: whichever door a change
comes through (a service, an admin form, a management command), the saved
row says which pages it touches. See blog/page_cache.py for the design.

- a comment saved or deleted: its post's pages (a new comment, a decision,
  a reply, an edit, a hold after reports, a withdrawal);
- a post saved or deleted, or its co-authors changed: its pages (the
  Author badge follows the co-authors);
- an account, an organisation or a membership saved or deleted: every
  post's pages, since a badge, a name or a logo can appear on any of them.
  A login, which only records last_login, changes nothing on a page.

Writes through QuerySet.update() send no signal: code that changes what a
page shows that way bumps the stamps itself.
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import page_cache


def _bump(bump, *args):
    # Now, and again once the transaction commits: a page drawn from the
    # rows as they were before the commit is then not served either.
    bump(*args)
    transaction.on_commit(partial(bump, *args))


def comment_changed(sender, instance, **kwargs):
    _bump(page_cache.bump_post, instance.post_id)


def post_changed(sender, instance, **kwargs):
    _bump(page_cache.bump_post, instance.pk)


def co_authors_changed(sender, instance, action, reverse, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # From an account (user.co_authored_posts.add): any post may be one of them.
        _bump(page_cache.bump_site)
    else:
        _bump(page_cache.bump_post, instance.pk)


def people_changed(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    _bump(page_cache.bump_site)


def connect():
    from django.contrib.auth import get_user_model

    from accounts.models import Membership, Organization
    from comments.models import Comment

    from .models import Post

    for action, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(comment_changed, sender=Comment, dispatch_uid=f"page-cache-comment-{action}")
        signal.connect(post_changed, sender=Post, dispatch_uid=f"page-cache-post-{action}")
        for model in (get_user_model(), Organization, Membership):
            signal.connect(people_changed, sender=model, dispatch_uid=f"page-cache-{model.__name__}-{action}")
    m2m_changed.connect(co_authors_changed, sender=Post.co_authors.through, dispatch_uid="page-cache-post-co-authors")
