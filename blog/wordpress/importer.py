"""Import a WordPress export (WXR): authors, posts, comments and their threads, old permalinks.

What maps to what (also in docs/migrating.md):

- post status: publish → published; future → published with its future
  date (scheduled); draft and pending → draft; private and
  password-protected → draft, with a warning (this blog has no private
  posts); trash and auto-draft → skipped. Pages, attachments and other item
  types are skipped and counted, with their comments.
- comment status: 1 (approved) → approved, public from its original date;
  0 (awaiting moderation) → held for review; spam → spam; trash and
  post-trashed → removed. Pingbacks and trackbacks are skipped and counted.
  An export written by this blog (export_wxr) carries each comment's exact
  status and dates in comment meta, and those win.
- a post's author is the account whose e-mail the --author-map gives for
  its login, else the account with the author's e-mail, else a new account
  without a usable password. A comment gets an author's account when its
  comment_user_id or its e-mail is one of the export's authors', so the
  blog author's replies wear the Author badge.

Identity: a post is known by its GUID, a comment by the site address and
its comment id (or its Disqus id when the Disqus plugin synchronised it),
stored in `source`/`source_id`. Importing the same file again finds them
and changes nothing; a newer export adds only what is new. Posts already
imported are left as they are here, even if the export has a newer text.

Everything runs in one transaction, rolled back for a dry run; each post
and each comment is saved in its own savepoint, so one broken item is
reported and skipped without aborting the import or leaving half a post.
The file is read twice, streamed both times: once to prove it is well
formed and count it (nothing is written from a malformed file), once to
import it.
"""

import ipaddress
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _

from accounts.models import User
from blog.models import Post, Redirect
from comments.models import Comment, Status
from comments.services import comment_import

from .content import Converter, comment_text, lead_from
from .reader import Author, WxrReader, parse_gmt, parse_local, parse_rfc822
from .report import Report

SOURCE = "wordpress"
SOURCE_LABEL = "WordPress"
POST_STATUS = {
    "publish": Post.Status.PUBLISHED,
    "future": Post.Status.PUBLISHED,
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.DRAFT,
    "private": Post.Status.DRAFT,
}
SKIPPED_POST_STATUS = {"trash": "trash", "auto-draft": "auto_draft"}
COMMENT_STATUS = {
    "1": Status.APPROVED,
    "approve": Status.APPROVED,
    "approved": Status.APPROVED,
    "0": Status.HELD,
    "hold": Status.HELD,
    "spam": Status.SPAM,
    "trash": Status.REMOVED,
    "post-trashed": Status.REMOVED,
}
# Meta keys written by export_wxr: this blog's own statuses and dates survive a round trip.
META_SOURCE, META_SOURCE_ID = "_carnet_source", "_carnet_source_id"
META_STATUS, META_PUBLISH_AT, META_PUBLISHED_AT = "_carnet_status", "_carnet_publish_at", "_carnet_published_at"
DISQUS_META = "dsq_post_id"
MEDIA_URL = re.compile(r"""(?P<quote>["'])(?P<url>https?://[^"'\s<>]+)(?P=quote)""")
UPLOADS = re.compile(r"/wp-content/uploads/(?P<path>[^?#]+)|^https?://[\w-]+\.files\.wordpress\.com/(?P<wpcom>[^?#]+)")
IMPORTED_MEDIA = "imported"


def parse_author_map(values):
    """'login=email' pairs, or paths of files holding one such pair per line ('#' starts a comment)."""
    mapping = {}
    for value in values or ():
        lines = [value] if "=" in value else Path(value).read_text(encoding="utf-8").splitlines()
        for line in lines:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            login, separator, email = line.partition("=")
            if not separator or not login.strip() or not email.strip():
                raise ValueError(f"An author map entry is login=email, not {line!r}.")
            mapping[login.strip()] = email.strip()
    return mapping


def parse_meta_date(value):
    try:
        moment = datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def clean_email(value):
    value = (value or "").strip()
    try:
        validate_email(value)
    except ValidationError:
        return None
    return value if len(value) <= 254 else None


def clean_website(value):
    value = (value or "").strip()
    if not value or value in ("http://", "https://"):
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return None
    return value if len(value) <= 200 else None


def clean_ip(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


@dataclass
class ItemState:
    """The item being read: its post (None if skipped), and how its comments' ids map to ours."""

    title: str
    post: Post | None = None
    skip: str = ""
    known: dict = field(default_factory=dict)  # source_id → pk, for a post imported before
    pks: dict = field(default_factory=dict)  # WordPress comment id → our pk
    deferred: dict = field(default_factory=dict)  # missing parent id → [comments waiting for it]


class Authors:
    """The export's authors, turned into accounts on first use (mapped, found by e-mail, or created)."""

    def __init__(self, *, author_map, report):
        self.author_map = author_map
        self.report = report
        self.by_login = {}
        self.login_by_id = {}
        self.login_by_email = {email.lower(): login for login, email in author_map.items()}
        self.users = {}

    def add(self, author):
        self.by_login[author.login] = author
        if author.wp_id:
            self.login_by_id[author.wp_id] = author.login
        if author.email:
            self.login_by_email.setdefault(author.email.lower(), author.login)

    def user(self, login):
        login = login or "wordpress"
        if login not in self.users:
            author = self.by_login.get(login) or Author(login=login, display_name=login)
            email = self.author_map.get(login) or clean_email(author.email)
            email = email or f"{slugify(login) or 'author'}@imported.invalid"
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user = User(email=email, display_name=(author.display_name or login)[:80])
                user.set_unusable_password()
                user.save()
                self.report.users_created.append(email)
            self.users[login] = user
        return self.users[login]

    def for_comment(self, comment):
        """The author's account when the comment was written by one of the export's authors, else None."""
        login = self.login_by_id.get(comment.user_id) if comment.user_id not in ("", "0") else None
        login = login or self.login_by_email.get(comment.author_email.strip().lower())
        return self.user(login) if login else None


class WxrImporter:
    """Import one WXR file; `run()` returns the Report. See the module's docstring for the rules."""

    def __init__(self, source, *, author_map=None, media_dir=None, dry_run=False, progress=None, now=None):
        self.reader = WxrReader(source)
        self.report = Report(dry_run=dry_run)
        self.authors = Authors(author_map=author_map or {}, report=self.report)
        self.media_dir = Path(media_dir).resolve() if media_dir else None
        self.dry_run = dry_run
        self.progress = progress
        self.now = now or timezone.now()
        self.tz = timezone.get_current_timezone()
        self.state = None
        self.posts_done = self.comments_done = 0
        self.copied = set()

    def run(self):
        self.summary = self.reader.scan()
        with transaction.atomic():
            for event, record in self.reader.events():
                if event == "author":
                    self.authors.add(record)
                elif event == "term":
                    self.report.terms[record] += 1
                elif event == "post":
                    self.start_item(record)
                elif event == "comment":
                    self.add_comment(record)
                    self.comments_done += 1
                    if self.comments_done % 250 == 0:
                        self.tell()
                elif event == "end":
                    self.finish_item()
                    self.posts_done += 1
                    self.tell()
            if self.dry_run:
                transaction.set_rollback(True)
        return self.report

    def tell(self):
        if self.progress:
            self.progress(
                posts=self.posts_done,
                posts_total=sum(self.summary.items.values()),
                comments=self.comments_done,
                comments_total=self.summary.comments,
            )

    @property
    def site(self):
        channel = self.reader.channel
        return (channel.get("wp:base_blog_url") or channel.get("wp:base_site_url") or channel.get("link", "")).rstrip(
            "/"
        )

    # -- posts -----------------------------------------------------------------------

    def start_item(self, item):
        self.state = state = ItemState(title=item.title or item.slug or item.wp_id)
        kind = item.type or "post"
        if kind != "post":
            code = {"page": "page", "attachment": "attachment"}.get(kind, "not_a_post")
            self.report.skip("item", code, kind)
            state.skip = "on_skipped_item"
            return
        if item.status in SKIPPED_POST_STATUS:
            self.report.skip("post", SKIPPED_POST_STATUS[item.status], example=state.title)
            state.skip = "on_skipped_item"
            return
        if item.status not in POST_STATUS:
            self.report.skip("post", "unknown_status", item.status, example=state.title)
            state.skip = "on_skipped_item"
            return
        source = item.meta.get(META_SOURCE) or SOURCE
        source_id = item.meta.get(META_SOURCE_ID) or item.guid or f"{self.site}/?p={item.wp_id}"
        source_id = source_id[:255]
        post = Post.objects.filter(source=source, source_id=source_id).first()
        if post is not None:
            self.report.already("post")
            state.post = post
            state.known = dict(post.comments.exclude(source="").values_list("source_id", "pk"))
            return
        try:
            # The author's account outside the post's savepoint: a post that fails must not take it along.
            author = self.authors.user(item.creator)
            with transaction.atomic():
                state.post = self.create_post(item, source, source_id, author=author)
        except Exception as error:  # Any broken item is reported and skipped.
            self.report.skip("post", "broken", example=f"{state.title}: {error}")
            state.skip = "on_broken_post"

    def create_post(self, item, source, source_id, *, author):
        def warn(code, detail=""):
            self.report.warn(code, detail)

        converter = Converter(
            warn=warn,
            attachments=self.summary.attachments,
            attached_to=self.summary.attached_to,
            post_wp_id=item.wp_id,
        )
        body = self.media(converter.post_html(item.content))
        status = POST_STATUS[item.status]
        if item.status == "private":
            warn("private", item.title)
        if item.password:
            status = Post.Status.DRAFT
            warn("password", item.title)
        published_at = (
            parse_gmt(item.date_gmt) or parse_local(item.date, self.tz) or parse_rfc822(item.pub_date) or self.now
        )
        title = Truncator(item.title.strip() or _("Untitled post")).chars(200)
        post = Post(
            title=title,
            slug=self.slug_for(item, title),
            author=author,
            lead=lead_from(item.excerpt, body) or title,
            body=body,
            status=status,
            published_at=published_at,
            comments_enabled=item.comment_status != "closed",
            source=source,
            source_id=source_id,
        )
        post.save()
        self.report.add("post", post.status)
        self.redirect(post, item)
        return post

    def slug_for(self, item, title):
        wanted = unquote(item.slug or "")
        base = slugify(wanted)[:200] or slugify(title)[:200] or f"post-{item.wp_id or 'imported'}"
        slug, number = base, 1
        while Post.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base[: 200 - len(str(number)) - 1]}-{number}"
        if wanted and slug != wanted:
            self.report.warn("slug_changed", f"{wanted} → {slug}")
        return slug

    def redirect(self, post, item):
        """Old permalink (and WordPress' ?p=ID short link) → this post, unless it is already its address."""
        paths = []
        if item.link:
            parts = urlsplit(item.link)
            paths.append(unquote(parts.path) + (f"?{parts.query}" if parts.query else ""))
        if item.wp_id and META_SOURCE_ID not in item.meta:
            base = urlsplit(self.site).path.rstrip("/")
            paths.append(f"{base}/?p={item.wp_id}")
        for path in dict.fromkeys(paths):
            if not path.startswith("/") or len(path) > 500 or path == post.get_absolute_url():
                continue
            redirect, created = Redirect.objects.get_or_create(old_path=path, defaults={"post": post})
            if created:
                self.report.redirects += 1
            elif redirect.post_id != post.pk:
                self.report.warn("redirect_taken", path)

    def media(self, body):
        """Copy the uploads a body uses from --media-dir and point at the copies; else keep and list their URLs."""

        def replace(match):
            url = match["url"]
            found = UPLOADS.search(url)
            if not found:
                return match[0]
            relative = unquote(found["path"] or found["wpcom"])
            copy = self.copy_upload(relative) if self.media_dir else None
            if copy is None:
                if self.media_dir:
                    self.report.warn("media_missing", relative)
                self.report.keep_media(url)
                return match[0]
            return f"{match['quote']}{copy}{match['quote']}"

        return MEDIA_URL.sub(replace, body)

    def copy_upload(self, relative):
        """The URL of the copy of wp-content/uploads/<relative>, copied when the import commits; None if missing."""
        path = (self.media_dir / relative).resolve()
        if not path.is_relative_to(self.media_dir) or not path.is_file():
            return None
        name = f"{IMPORTED_MEDIA}/{Path(relative).as_posix()}"
        if name not in self.copied:
            self.copied.add(name)
            self.report.media_copied += 1
            transaction.on_commit(lambda: self.store(name, path))
        return default_storage.url(name)

    @staticmethod
    def store(name, path):
        if not default_storage.exists(name):
            with path.open("rb") as handle:
                default_storage.save(name, File(handle, name=path.name))

    # -- comments --------------------------------------------------------------------

    def add_comment(self, comment):
        state = self.state
        if state.skip:
            self.report.skip("comment", state.skip)
            return
        if comment.type in ("pingback", "trackback"):
            self.report.skip("comment", comment.type)
            return
        if comment.type not in ("", "comment"):
            self.report.skip("comment", "comment_type", comment.type)
            return
        parent = comment.parent.strip()
        if parent and parent != "0" and parent not in state.pks:
            state.deferred.setdefault(parent, []).append(comment)
            return
        self.write_comment(comment, parent=state.pks.get(parent))

    def write_comment(self, comment, *, parent):
        """Save one comment (or find it from an earlier import), then the replies that waited for it."""
        waiting = [(comment, parent)]
        while waiting:
            comment, parent = waiting.pop(0)
            pk = self.save_comment(comment, parent=parent)
            if pk is not None:
                self.state.pks[comment.wp_id] = pk
            for child in self.state.deferred.pop(comment.wp_id, []):
                if pk is None:
                    self.report.warn("parent_missing", f"#{child.wp_id}")
                waiting.append((child, pk))

    def finish_item(self):
        """Replies whose parent never came are imported at the top level, with a warning."""
        state = self.state
        while state.deferred:
            parent, children = state.deferred.popitem()
            for child in children:
                self.report.warn("parent_missing", f"#{child.wp_id}")
                self.write_comment(child, parent=None)
        self.state = None

    def identity(self, comment):
        meta = comment.meta
        if meta.get(META_SOURCE) and meta.get(META_SOURCE_ID):
            return meta[META_SOURCE], meta[META_SOURCE_ID][:255]
        if meta.get(DISQUS_META, "").strip():
            return "disqus", meta[DISQUS_META].strip()[:255]
        return SOURCE, f"{self.site}/#comment-{comment.wp_id}"[:255]

    def status_of(self, comment):
        """(status, publish_at, published_at), or None when the status is unknown."""
        meta = comment.meta
        if meta.get(META_STATUS) in Status.values:
            status = meta[META_STATUS]
            publish_at = parse_meta_date(meta.get(META_PUBLISH_AT))
            if status == Status.PENDING and publish_at is None:
                status = Status.HELD
            return status, publish_at, parse_meta_date(meta.get(META_PUBLISHED_AT))
        status = COMMENT_STATUS.get(comment.approved.strip().lower())
        if status is None:
            return None
        # Approved in WordPress: public, and its publication recorded, at its original date.
        date = self.comment_date(comment) if status == Status.APPROVED else None
        return status, date, date

    def comment_date(self, comment):
        return (
            parse_gmt(comment.date_gmt)
            or parse_local(comment.date, self.tz)
            or self.state.post.published_at
            or self.now
        )

    def save_comment(self, comment, *, parent):
        """Our pk for this comment (new or found from an earlier import); None when it is skipped."""
        state, report = self.state, self.report
        if not comment.wp_id:
            report.skip("comment", "broken", example=_("a comment without an id"))
            return None
        source, source_id = self.identity(comment)
        if source != SOURCE and source_id not in state.known:
            # Brought by import_disqus (or another post of this blog's export) before this file.
            found = Comment.objects.filter(source=source, source_id=source_id).values_list("pk", flat=True).first()
            if found is not None:
                state.known[source_id] = found
        if source_id in state.known:
            report.already("comment")
            return state.known[source_id]
        decided = self.status_of(comment)
        if decided is None:
            report.skip("comment", "unknown_status", comment.approved)
            return None
        status, publish_at, published_at = decided
        body = comment_text(comment.content)
        if not body:
            report.skip("comment", "empty")
            return None
        email, website, ip = (
            clean_email(comment.author_email),
            clean_website(comment.author_url),
            clean_ip(comment.author_ip),
        )
        invalid = [
            value
            for value, cleaned in (
                (comment.author_email, email),
                (comment.author_url, website),
                (comment.author_ip, ip),
            )
            if value.strip() and cleaned is None
        ]
        for value in invalid:
            report.warn("invalid_field", value[:60])
        created_at = self.comment_date(comment)
        try:
            user = self.authors.for_comment(comment)
            saved = comment_import(
                post=state.post,
                parent=Comment(pk=parent, post_id=state.post.pk) if parent else None,
                user=user,
                name=comment.author.strip() or (user.display_name if user else _("Anonymous")),
                email=email or "",
                website=website or "",
                body=body,
                status=status,
                created_at=created_at,
                publish_at=publish_at,
                published_at=published_at,
                ip_address=ip,
                source=source,
                source_id=source_id,
                source_label=SOURCE_LABEL,
                now=self.now,
            )
        except Exception as error:  # Any broken comment is reported and skipped.
            report.skip("comment", "broken", example=f"#{comment.wp_id}: {error}")
            return None
        state.known[source_id] = saved.pk
        report.add("comment", status)
        return saved.pk


def import_wxr(source, **options):
    """Import a WXR file (a path or a binary file object); return the Report."""
    return WxrImporter(source, **options).run()
