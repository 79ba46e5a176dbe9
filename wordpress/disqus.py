"""Import a Disqus export: its comments join the posts they were written on, with their threads.

A Disqus export (Moderation → Export, an XML file) lists the discussions
(`thread`, one per page of the old blog) and then the comments (`post`).
Each thread is matched to a post here:

1. by its identifier: the Disqus plugin for WordPress writes
   "<post id> <guid>", and the guid is what import_wxr keeps as the post's
   source_id;
2. by its link: an old permalink that redirects to a post (written by
   import_wxr), or the address of a post on this blog;
3. otherwise its comments are skipped and counted.

Statuses: isSpam → spam; isDeleted → removed; isApproved false (when the
export has it) → held for review; otherwise approved, public from its
original date. A comment is known by its Disqus id (source "disqus"), the
same id the Disqus plugin stores in WordPress (dsq_post_id): importing the
same export again, or after a WXR export that already held these comments,
adds nothing twice.

Accounts: only the operator's author map links a comment to an account
(and so to a badge), and only a comment a registered Disqus user wrote
(isAnonymous false), by their username or e-mail; a guest who typed an
address is never linked, whatever the map says. Names and words are
checked as for a WXR import (comment_import): an imitation or a blocked
word holds the comment.

The file is streamed twice, like a WXR file: once to check it (its
nesting too: see reader.ReplyDepth) and match the threads, once to import
the comments, each in its own savepoint, all in one transaction (rolled
back for a dry run, or when the file is malformed or too deep). A reply
may attach to a comment an earlier import brought: its depth here counts.
"""

from datetime import datetime
from urllib.parse import unquote, urlsplit

from defusedxml.ElementTree import iterparse
from django.conf import settings
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from blog.models import Post
from comments.models import Comment, Status
from comments.services import comment_import

from .content import comment_text
from .importer import AuthorMap, NameCheck, check_import_permission, clean_email, clean_ip
from .models import Redirect
from .reader import ReplyDepth, WxrError, check_xml_depth, too_deep, xml_errors
from .report import Report

SOURCE = "disqus"
SOURCE_LABEL = "Disqus"
NS = "{http://disqus.com}"
DSQ_ID = "{http://disqus.com/disqus-internals}id"


class DisqusError(WxrError):
    """The file is not a Disqus export that can be read: nothing is imported."""


def _true(value):
    return (value or "").strip().lower() == "true"


def _date(value):
    try:
        moment = datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else timezone.make_aware(moment, timezone.UTC)


def _parse(source):
    """(event, element, depth), with parse errors turned into a DisqusError naming the place."""
    if hasattr(source, "read"):
        source.seek(0)
    depth = 0
    with xml_errors(DisqusError):
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                if depth == 0 and element.tag != f"{NS}disqus":
                    raise DisqusError("This is not a Disqus export: its root is not <disqus>.")
                depth += 1
                check_xml_depth(depth, DisqusError)
                yield event, element, depth
            else:
                yield event, element, depth
                depth -= 1


def _records(source):
    """Each top-level thread and post as a small dict, the element released once read."""
    root = None
    for event, element, depth in _parse(source):
        if event == "start":
            root = element if depth == 1 else root
            continue
        if depth != 2:
            continue
        kind = element.tag.removeprefix(NS)
        if kind in ("thread", "post"):
            record = {"kind": kind, "id": element.get(DSQ_ID, "")}
            for child in element:
                name = child.tag.removeprefix(NS)
                if name == "id":
                    record["identifier"] = child.text or ""
                elif name in ("thread", "parent"):
                    record[name] = child.get(DSQ_ID, "")
                elif name == "author":
                    record.update({f"author_{c.tag.removeprefix(NS)}": (c.text or "").strip() for c in child})
                else:
                    record[name] = child.text or ""
            yield record
        root.remove(element)


class DisqusImporter:
    def __init__(self, source, *, author_map=None, actor=None, dry_run=False, progress=None, now=None):
        self.source = source
        self.actor = actor
        self.report = Report(dry_run=dry_run)
        self.authors = AuthorMap(author_map, report=self.report)
        self.names = NameCheck()  # No post is written: who is protected does not change.
        self.limit = settings.BLOG_IMPORT_MAX_DEPTH
        self.depths = {}  # our pk → depth in its thread (0: top level)
        self.dry_run = dry_run
        self.progress = progress
        self.now = now or timezone.now()
        self.pks = {}  # Disqus id → our pk
        self.deferred = {}  # missing parent id → [records waiting for it]
        self.done = 0

    def run(self):
        check_import_permission(self.actor)
        threads, total = {}, 0
        replies = ReplyDepth(DisqusError, self.limit)
        for record in _records(self.source):
            if record["kind"] == "thread":
                threads[record["id"]] = record
            else:
                total += 1
                replies.add(record["id"], (record.get("parent") or "").strip())
        del replies
        self.total = total
        with transaction.atomic():
            self.posts = {dsq_id: self.match(thread) for dsq_id, thread in threads.items()}
            for record in _records(self.source):
                if record["kind"] == "post":
                    self.add(record)
                    self.done += 1
                    if self.progress and self.done % 250 == 0:
                        self.progress(posts=0, posts_total=0, comments=self.done, comments_total=total)
            while self.deferred:
                _parent, children = self.deferred.popitem()
                for child in children:
                    self.report.warn("parent_missing", child["id"])
                    self.write(child, parent=None)
            if self.dry_run:
                transaction.set_rollback(True)
        if self.progress:
            self.progress(posts=0, posts_total=0, comments=self.done, comments_total=total)
        return self.report

    def match(self, thread):
        """The post a Disqus thread was about, or None."""
        identifier = (thread.get("identifier") or "").strip()
        candidates = [identifier, identifier.partition(" ")[2].strip()]
        for candidate in filter(None, candidates):
            post = Post.objects.filter(source_id=candidate).first()
            if post:
                return post
        link = (thread.get("link") or "").strip()
        if not link:
            return None
        parts = urlsplit(link)
        path = unquote(parts.path)
        old = [path + (f"?{parts.query}" if parts.query else ""), path]
        redirect = Redirect.objects.filter(old_path__in=old).select_related("post").first()
        if redirect:
            return redirect.post
        try:
            found = resolve(path)
        except Resolver404:
            return None
        if found.view_name == "blog:post_detail":
            return Post.objects.filter(slug=found.kwargs["slug"]).first()
        return None

    def add(self, record):
        post = self.posts.get(record.get("thread", ""))
        if post is None:
            self.report.skip("comment", "no_thread")
            return
        parent = (record.get("parent") or "").strip()
        if parent and parent not in self.pks:
            known = Comment.objects.filter(source=SOURCE, source_id=parent).values_list("pk", flat=True).first()
            if known is None:
                self.deferred.setdefault(parent, []).append(record)
                return
            self.pks[parent] = known
        self.write(record, parent=self.pks.get(parent))

    def depth_of(self, pk):
        """How deep comment `pk` sits in its thread here (0: top level), walking up at most past the limit."""
        chain = []
        while pk is not None and pk not in self.depths and len(chain) <= self.limit:
            chain.append(pk)
            pk = Comment.objects.filter(pk=pk).values_list("parent_id", flat=True).first()
        if pk is not None and pk not in self.depths:
            return self.limit + 1  # Deeper than the limit already.
        depth = self.depths[pk] if pk is not None else -1
        for node in reversed(chain):
            depth += 1
            self.depths[node] = depth
        return depth

    def write(self, record, *, parent):
        waiting = [(record, parent)]
        while waiting:
            record, parent = waiting.pop(0)
            depth = self.depth_of(parent) + 1 if parent else 0
            if depth > self.limit:
                raise too_deep(DisqusError, self.limit, record["id"])
            pk = self.save(record, parent=parent, depth=depth)
            if pk is not None:
                self.pks[record["id"]] = pk
            for child in self.deferred.pop(record["id"], []):
                if pk is None:
                    self.report.warn("parent_missing", child["id"])
                waiting.append((child, pk))

    def status_of(self, record):
        if _true(record.get("isSpam")):
            return Status.SPAM
        if _true(record.get("isDeleted")):
            return Status.REMOVED
        if "isApproved" in record and not _true(record["isApproved"]):
            return Status.HELD
        return Status.APPROVED

    def save(self, record, *, parent, depth):
        report = self.report
        post = self.posts[record["thread"]]
        if not record["id"]:
            report.skip("comment", "broken", example=_("a comment without an id"))
            return None
        known = Comment.objects.filter(source=SOURCE, source_id=record["id"][:255]).values_list("pk", flat=True)
        if (pk := known.first()) is not None:
            report.already("comment")
            return pk
        body = comment_text(record.get("message", ""))
        if not body:
            report.skip("comment", "empty")
            return None
        status = self.status_of(record)
        created_at = _date(record.get("createdAt")) or self.now
        email = clean_email(record.get("author_email"))
        ip = clean_ip(record.get("ipAddress"))
        if record.get("ipAddress", "").strip() and ip is None:
            report.warn("invalid_field", record["ipAddress"][:60])
        user, mapped_from = self.account_of(record, email, post=post)
        name = record.get("author_name") or record.get("author_username") or _("Anonymous")
        try:
            comment = comment_import(
                post=post,
                parent=Comment(pk=parent, post_id=post.pk) if parent else None,
                user=user,
                name=name,
                email=email or "",
                body=body,
                status=status,
                created_at=created_at,
                published_at=created_at if status == Status.APPROVED else None,
                ip_address=ip,
                source=SOURCE,
                source_id=record["id"][:255],
                source_label=SOURCE_LABEL,
                actor=self.actor,
                imitation=self.names,
                now=self.now,
            )
        except Exception as error:  # Any broken comment is reported and skipped.
            report.skip("comment", "broken", example=f"{record['id']}: {error}")
            return None
        self.depths[comment.pk] = depth
        report.add("comment", comment.status)
        if user is not None:
            report.link("comment", mapped_from, user.email)
        return comment.pk

    def account_of(self, record, email, *, post):
        """(account, map source) for a registered Disqus user the author map names, else (None, None)."""
        if record.get("author_isAnonymous", "true").strip().lower() != "false":
            return None, None  # A guest: the address was typed, not proven.
        username = record.get("author_username", "")
        mapped = self.authors.lookup(username, email)
        if mapped is None:
            if email and email.casefold() == post.author.email.casefold():
                self.report.warn("author_unmapped", username or email)
            return None, None
        return self.authors.account(mapped[1]), mapped[0]


def import_disqus(source, **options):
    """Import a Disqus export (a path or a binary file object); return the Report."""
    return DisqusImporter(source, **options).run()
