"""What an import did: counts by kind and status, warnings, and what was skipped and why.

The importers fill a Report as they go; the management commands print it
and the admin's import page shows it, both through `sections()`, in the
active language. Reasons are codes with a detail (the shortcode, the
status…), so the same reason is counted once however many items share it,
with a few examples.
"""

from collections import Counter, defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.bidi import isolate

EXAMPLES = 5


def skip_label(kind, code, detail):
    if code == "broken":
        return _("posts that could not be saved") if kind == "post" else _("comments that could not be saved")
    if code == "unknown_status":
        label = _("posts with an unknown status: %(status)s") if kind == "post" else None
        return (label or _("comments with an unknown status: %(status)s")) % {"status": detail}
    labels = {
        "page": lambda: _("pages (this blog has no pages)"),
        "attachment": lambda: _("attachments (media files, not posts)"),
        "not_a_post": lambda: _("items of another type (%(type)s)") % {"type": detail},
        "trash": lambda: _("posts in the trash"),
        "auto_draft": lambda: _("automatic drafts"),
        "pingback": lambda: _("pingbacks"),
        "trackback": lambda: _("trackbacks"),
        "comment_type": lambda: _("comments of another kind (%(type)s)") % {"type": detail},
        "on_skipped_item": lambda: _("comments on items that are not imported (pages, attachments…)"),
        "on_broken_post": lambda: _("comments on a post that could not be imported"),
        "empty": lambda: _("empty comments"),
        "no_thread": lambda: _("comments whose thread matches no post here"),
    }
    return labels.get(code, lambda: code)()


def warning_label(code):
    labels = {
        "parent_missing": lambda: _("replies whose parent is missing: shown at the top level"),
        "shortcode_kept": lambda: _("unknown shortcodes, kept as text"),
        "shortcode_dropped": lambda: _("shortcodes with nothing to show, removed"),
        "embed_linked": lambda: _("embeds from other sites, turned into links"),
        "media_linked": lambda: _("audio and video files, turned into links"),
        "gallery_incomplete": lambda: _("galleries with images missing from the export"),
        "private": lambda: _("private posts, imported as drafts"),
        "password": lambda: _("password-protected posts, imported as drafts"),
        "slug_changed": lambda: _("slugs already taken or unusable, changed"),
        "invalid_field": lambda: _("invalid e-mail addresses, websites or IP addresses, left out"),
        "redirect_taken": lambda: _("old addresses that already lead to another post"),
        "media_missing": lambda: _("media files not found in the media folder"),
        "author_unmapped": lambda: _(
            "comments signed with an author's account or e-mail, left without an account (not in the author map)"
        ),
    }
    return labels.get(code, lambda: code)()


class Report:
    def __init__(self, *, dry_run=False):
        self.dry_run = dry_run
        self.created = Counter()  # (kind, status) → count
        self.existing = Counter()  # kind → count
        self.skipped = Counter()  # (kind, code, detail) → count
        self.warnings = Counter()  # code → count
        self.examples = defaultdict(list)  # code → a few details
        self.terms = Counter()  # the channel's category, tag, term → count
        self.users_created = []
        self.links = Counter()  # (kind, source in the author map or export, account e-mail) → count
        self.redirects = 0
        self.media_copied = 0
        self.media_kept = []
        self._media_kept = set()

    def add(self, kind, status):
        self.created[kind, status] += 1

    def link(self, kind, source, account):
        """A post or comment given to an account here: every one is listed, so the operator sees who got what."""
        self.links[kind, source, account] += 1

    def already(self, kind):
        self.existing[kind] += 1

    def skip(self, kind, code, detail="", example=""):
        self.skipped[kind, code, detail if code in ("not_a_post", "comment_type", "unknown_status") else ""] += 1
        if example and len(self.examples[f"skip:{code}"]) < EXAMPLES:
            self.examples[f"skip:{code}"].append(example)

    def warn(self, code, detail=""):
        self.warnings[code] += 1
        if detail and detail not in self.examples[code] and len(self.examples[code]) < EXAMPLES:
            self.examples[code].append(detail)

    def keep_media(self, url):
        if url not in self._media_kept:
            self._media_kept.add(url)
            self.media_kept.append(url)

    def count(self, kind, status=None):
        if status is None:
            return sum(n for (k, _status), n in self.created.items() if k == kind)
        return self.created[kind, status]

    def skipped_count(self, kind=None, code=None):
        return sum(n for (k, c, _detail), n in self.skipped.items() if kind in (None, k) and code in (None, c))

    def sections(self, *, all_media=True):
        """[(heading, [line, …]), …] in the active language; empty sections are left out."""
        from blog.models import Post
        from comments.models import Status

        statuses = {"post": dict(Post.Status.choices), "comment": dict(Status.choices)}
        imported = []
        for (kind, status), count in sorted(self.created.items(), key=lambda pair: (pair[0][0] != "post", pair[0])):
            label = statuses[kind].get(status, status)
            if kind == "post":
                line = ngettext("%(count)d post: %(status)s", "%(count)d posts: %(status)s", count)
            else:
                line = ngettext("%(count)d comment: %(status)s", "%(count)d comments: %(status)s", count)
            imported.append(line % {"count": count, "status": label})
        for kind, count in sorted(self.existing.items()):
            line = (
                ngettext("%(count)d post already imported", "%(count)d posts already imported", count)
                if kind == "post"
                else ngettext("%(count)d comment already imported", "%(count)d comments already imported", count)
            )
            imported.append(line % {"count": count})
        if self.users_created:
            imported.append(
                ngettext(
                    "%(count)d author account created, without a password: %(emails)s",
                    "%(count)d author accounts created, without a password: %(emails)s",
                    len(self.users_created),
                )
                % {"count": len(self.users_created), "emails": ", ".join(map(isolate, self.users_created))}
            )
        linked = []
        for (kind, source, account), count in sorted(self.links.items()):
            if kind == "post":
                line = ngettext(
                    "%(count)d post of “%(source)s” given to the account %(account)s",
                    "%(count)d posts of “%(source)s” given to the account %(account)s",
                    count,
                )
            else:
                line = ngettext(
                    "%(count)d comment of “%(source)s” linked to the account %(account)s",
                    "%(count)d comments of “%(source)s” linked to the account %(account)s",
                    count,
                )
            linked.append(line % {"count": count, "source": source, "account": account})
        if self.redirects:
            imported.append(
                ngettext(
                    "%(count)d old address now redirects to its post",
                    "%(count)d old addresses now redirect to their posts",
                    self.redirects,
                )
                % {"count": self.redirects}
            )
        if self.media_copied:
            imported.append(
                ngettext("%(count)d media file copied", "%(count)d media files copied", self.media_copied)
                % {"count": self.media_copied}
            )

        skipped = []
        for (kind, code, detail), count in sorted(self.skipped.items()):
            line = f"{skip_label(kind, code, detail)}: {count}"
            if examples := self.examples.get(f"skip:{code}"):
                line += f" ({', '.join(map(isolate, examples))})"
            skipped.append(line)
        if self.terms["category"]:
            count = self.terms["category"]
            skipped.append(
                ngettext("%(count)d category (this blog has none)", "%(count)d categories (this blog has none)", count)
                % {"count": count}
            )
        if self.terms["tag"]:
            count = self.terms["tag"]
            skipped.append(
                ngettext("%(count)d tag (this blog has none)", "%(count)d tags (this blog has none)", count)
                % {"count": count}
            )

        warnings = []
        for code, count in sorted(self.warnings.items()):
            line = f"{warning_label(code)}: {count}"
            if examples := self.examples.get(code):
                line += f" ({', '.join(map(isolate, examples))})"
            warnings.append(line)

        media = list(self.media_kept if all_media else self.media_kept[:50])
        if not all_media and len(self.media_kept) > 50:
            media.append(_("… and %(count)d more") % {"count": len(self.media_kept) - 50})

        sections = [
            (_("Imported"), imported or [_("Nothing new.")]),
            (_("Linked to accounts here"), linked),
            (_("Skipped"), skipped),
            (_("Warnings"), warnings),
            (_("Media kept at their original address"), media),
        ]
        return [(heading, lines) for heading, lines in sections if lines]

    def as_text(self):
        lines = []
        if self.dry_run:
            lines.append(_("Dry run: nothing was saved."))
        for heading, rows in self.sections():
            lines.append(f"{heading}:")
            lines.extend(f"  {row}" for row in rows)
        return "\n".join(lines)
