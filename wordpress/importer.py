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
- a post's author is the account the author map gives for its login or
  e-mail, else the account with the author's e-mail, else a new account
  without a usable password.
- a comment gets an account only from the author map, the operator's
  word: when the export's author behind its comment_user_id, or its own
  e-mail, is in the map. An e-mail a file claims proves nothing (anyone
  types any address into a comment form, and anyone can write a file), so
  without the map every comment is unlinked and wears no badge, the blog
  author's replies included; the report lists every link made.
- an imported comment's name and text go through the imitation check and
  the blocklist (comments.services.comment_import): approved at the source
  or not, a comment that fails them is held, with the reason.
- who may import: IMPORT_PERMISSIONS (adding posts, moderating comments:
  an import publishes comments). The admin and the commands' --as pass the
  acting account, checked here and recorded on each comment's history;
  a command run without --as acts for the shell's operator, who is trusted.

Identity: a post is known by its GUID, a comment by the site address and
its comment id (or its Disqus id when the Disqus plugin synchronised it),
stored in `source`/`source_id`. Importing the same file again finds them
and changes nothing; a newer export adds only what is new. Posts already
imported are left as they are here, even if the export has a newer text.

Everything runs in one transaction, rolled back for a dry run; each post
and each comment is saved in its own savepoint, so one broken item is
reported and skipped without aborting the import or leaving half a post.
The file is read twice, streamed both times: once to prove it is well
formed, no deeper than BLOG_IMPORT_MAX_DEPTH, and count it (nothing is
written from a malformed or too deep file), once to import it.
"""

import csv
import ipaddress
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.impersonation import imitated
from accounts.models import User
from blog.models import Post
from comments.models import Comment, Status
from comments.services import comment_import

from .content import Converter, comment_text, lead_from
from .models import Redirect
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


# What an import needs: it writes posts, and it publishes comments, which is a moderator's decision.
IMPORT_PERMISSIONS = {
    "blog.add_post": gettext_lazy("Can add post"),
    "comments.moderate_comment": gettext_lazy("Can moderate comments"),
}


def missing_import_permissions(user):
    """The names of the permissions `user` lacks to import; empty when they may."""
    return [str(label) for permission, label in IMPORT_PERMISSIONS.items() if not user.has_perm(permission)]


def quoted(names):
    """“Can add post”, “Can moderate comments”, in the active language's quotation marks."""
    return ", ".join(_("“%(name)s”") % {"name": name} for name in names)


def check_import_permission(actor):
    """Refuse an import for an account that may not run it; None is the operator at the server's shell."""
    if actor is not None and (missing := missing_import_permissions(actor)):
        raise PermissionDenied(
            _("%(account)s may not import: importing needs the permissions %(missing)s.")
            % {"account": actor.email, "missing": quoted(missing)}
        )


def read_author_map(text):
    """The operator's author map from a file's text: {source: account e-mail}.

    A JSON object ({"lea": "lea@example.com"}), or one `source,account`
    per line (CSV, an optional first line `source,account` as a header;
    `source=account`, the older format, is read too; `#` starts a comment).
    A source is a login or an e-mail as the export writes them (WordPress
    login or author e-mail, Disqus username or e-mail); the account is the
    e-mail of an account here. A ValueError names the line that is wrong.
    """
    text = text.lstrip("\ufeff")
    if text.lstrip().startswith(("{", "[")):
        try:
            data = json.loads(text)
        except ValueError as error:
            raise ValueError(_("The author map is not valid JSON: %(error)s.") % {"error": error}) from None
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise ValueError(_('A JSON author map is one object of "source": "account e-mail" pairs.'))
        rows = [(_("entry %(number)d") % {"number": n}, k, v) for n, (k, v) in enumerate(data.items(), 1)]
    else:
        rows, header = [], True
        for number, line in enumerate(text.splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            if "," in line:
                fields = [field.strip() for field in next(csv.reader([line], skipinitialspace=True))]
            else:
                fields = [field.strip() for field in line.split("=", 1)]
            if header and [field.casefold() for field in fields] == ["source", "account"]:
                header = False
                continue
            header = False
            if len(fields) != 2:
                raise ValueError(
                    _("Author map, line %(number)d: write source,account, not “%(line)s”.")
                    % {"number": number, "line": line}
                )
            rows.append((_("line %(number)d") % {"number": number}, *fields))
    mapping = {}
    for place, source, account in rows:
        source, account = source.strip(), account.strip()
        if not source or clean_email(account) is None:
            raise ValueError(
                _("Author map, %(place)s: “%(account)s” is not an e-mail address for “%(source)s”.")
                % {"place": place, "source": source, "account": account}
            )
        _add_to_map(mapping, source, account, place)
    return mapping


def _add_to_map(mapping, source, account, place):
    """Sources match whatever their case: one source given two accounts is a mistake, refused."""
    known = mapping.get(source) or next((a for s, a in mapping.items() if s.casefold() == source.casefold()), None)
    if known is not None and known.casefold() != account.casefold():
        raise ValueError(
            _("Author map, %(place)s: “%(source)s” is given two accounts.") % {"place": place, "source": source}
        )
    mapping[source] = account


def parse_author_map(values):
    """The command's --author-map values: 'source=email' pairs, or paths of author map files (read_author_map)."""
    mapping = {}
    for value in values or ():
        text = value if "=" in value and not Path(value).is_file() else Path(value).read_text(encoding="utf-8")
        for source, account in read_author_map(text).items():
            _add_to_map(mapping, source, account, value)
    return mapping


class AuthorMap:
    """The operator's word on who wrote what: a source login or e-mail → an account here, found or created once.

    It is the only way an imported comment gets an account (and so a
    badge): a file can claim any e-mail, the operator vouches for the map.
    Sources match whatever their case.
    """

    def __init__(self, mapping, *, report):
        self.mapping = {source.strip().casefold(): (source, account) for source, account in (mapping or {}).items()}
        self.report = report
        self.accounts = {}

    def lookup(self, *keys):
        """(the source as the map writes it, the account's e-mail) for the first of `keys` in the map, or None."""
        for key in keys:
            if key and (found := self.mapping.get(key.strip().casefold())):
                return found
        return None

    def account(self, email, *, display_name=""):
        """The account with this e-mail; one is created, without a usable password, when there is none."""
        key = email.casefold()
        if key not in self.accounts:
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user = User(email=email, display_name=(display_name or email.partition("@")[0])[:80])
                user.set_unusable_password()
                user.save()
                self.report.users_created.append(email)
            self.accounts[key] = user
        return self.accounts[key]


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


class NameCheck:
    """accounts.impersonation.imitated, remembered per (name, account) during one import.

    Who is protected changes during an import only when a post is given to
    an account that had none; the importer calls `forget()` then.
    """

    def __init__(self):
        self.known = {}

    def __call__(self, name, *, user=None):
        key = (name, user.pk if user is not None else None)
        if key not in self.known:
            self.known[key] = imitated(name, user=user)
        return self.known[key]

    def forget(self):
        self.known.clear()


class Authors:
    """The export's authors, turned into accounts on first use (mapped, found by e-mail, or created)."""

    def __init__(self, *, author_map, report):
        self.map = AuthorMap(author_map, report=report)
        self.report = report
        self.by_login = {}
        self.by_id = {}
        self.emails = set()
        self.users = {}
        self.links = {}  # login → (source, account e-mail) when the posts went to a mapped or existing account

    def add(self, author):
        self.by_login[author.login] = author
        if author.wp_id:
            self.by_id[author.wp_id] = author
        if author.email:
            self.emails.add(author.email.strip().casefold())

    def user(self, login):
        """The account for a post's author: mapped, else found by the export's e-mail for them, else created."""
        login = login or "wordpress"
        if login not in self.users:
            author = self.by_login.get(login) or Author(login=login, display_name=login)
            mapped = self.map.lookup(login, author.email)
            email = (
                mapped[1] if mapped else clean_email(author.email) or f"{slugify(login) or 'author'}@imported.invalid"
            )
            created = len(self.report.users_created)
            user = self.map.account(email, display_name=author.display_name or login)
            if mapped or len(self.report.users_created) == created:
                self.links[login] = (mapped[0] if mapped else login, user.email)
            self.users[login] = user
        return self.users[login]

    def for_comment(self, comment):
        """(account, map source) when the author map names the comment's writer, else (None, None).

        The writer is named by the export's author behind comment_user_id
        (their login or e-mail) or by the comment's own e-mail. A comment
        that an author's id or e-mail signs and the map leaves out is
        counted in the report's warnings: the operator sees whose replies
        came in without their account.
        """
        author = self.by_id.get(comment.user_id) if comment.user_id not in ("", "0") else None
        keys = (author.login, author.email) if author else ()
        mapped = self.map.lookup(*keys, comment.author_email)
        if mapped is None:
            if author or comment.author_email.strip().casefold() in self.emails:
                self.report.warn("author_unmapped", author.login if author else comment.author_email.strip())
            return None, None
        return self.map.account(mapped[1]), mapped[0]


class WxrImporter:
    """Import one WXR file; `run()` returns the Report. See the module's docstring for the rules."""

    def __init__(self, source, *, author_map=None, actor=None, media_dir=None, dry_run=False, progress=None, now=None):
        self.reader = WxrReader(source)
        self.actor = actor
        self.report = Report(dry_run=dry_run)
        self.authors = Authors(author_map=author_map or {}, report=self.report)
        self.media_dir = Path(media_dir).resolve() if media_dir else None
        self.dry_run = dry_run
        self.progress = progress
        self.now = now or timezone.now()
        self.tz = timezone.get_current_timezone()
        self.state = None
        self.names = NameCheck()
        self.post_authors = set()
        self.posts_done = self.comments_done = 0
        self.copied = set()

    def run(self):
        check_import_permission(self.actor)
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
        if author.pk not in self.post_authors:
            self.post_authors.add(author.pk)
            self.names.forget()  # The author may be protected now.
        self.report.add("post", post.status)
        if link := self.authors.links.get(item.creator or "wordpress"):
            self.report.link("post", *link)
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
            user, mapped_from = self.authors.for_comment(comment)
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
                actor=self.actor,
                imitation=self.names,
                now=self.now,
            )
        except Exception as error:  # Any broken comment is reported and skipped.
            report.skip("comment", "broken", example=f"#{comment.wp_id}: {error}")
            return None
        state.known[source_id] = saved.pk
        report.add("comment", saved.status)
        if user is not None:
            report.link("comment", mapped_from, user.email)
        return saved.pk


def import_wxr(source, **options):
    """Import a WXR file (a path or a binary file object); return the Report."""
    return WxrImporter(source, **options).run()
