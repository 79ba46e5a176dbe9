"""The moderation desk: the comments admin opens on the queue.

Every decision goes through comments.services, so the admin records the
same ModerationEvents as every other door. Actions need the model's
`moderate_comment` permission; staff without it read comments but change
nothing.
"""

import math
from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, Func, IntegerField, OuterRef, Prefetch, Subquery, When
from django.db.models.functions import Lower
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.bidi import bdi, isolate

from . import services
from .admin_forms import CommentChangeForm, DecisionForm, ExtendDelayForm, ReplyForm, SpamForm
from .diff import word_diff
from .models import STANDING, WAITING, Comment, Delivery, Flag, Status, Subscription, Suppression, public_q
from .policy import Reason
from .thread import context_of

DUE_SOON = timedelta(hours=6)
QUEUE = "queue"


class StatusFilter(admin.SimpleListFilter):
    """The queue by default; any single status, or everything, on request."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(QUEUE, _("Queue (pending, held, reported)")), *Status.choices, ("all", _("All"))]

    def value(self):
        return super().value() or QUEUE

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == QUEUE:
            return queryset.queue()
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset


class PublicFilter(admin.SimpleListFilter):
    """Public now, by the same rule as the pages."""

    title = _("public")
    parameter_name = "public"

    def lookups(self, request, model_admin):
        return [("yes", _("Public")), ("no", _("Not public"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(public_q())
        if self.value() == "no":
            return queryset.exclude(public_q())
        return queryset


class ReasonFilter(admin.SimpleListFilter):
    """Comments whose policy decision gave this reason."""

    title = _("reason")
    parameter_name = "reason"
    codes = {
        "links": _("too many links"),
        "blocked_word": _("a blocked word"),
        "imitation": _("a name too close to a protected one"),
        "first_comment": _("first comment from this address"),
        "flags": _("reported by readers"),
        "honeypot": _("hidden field filled in (robot)"),
        "too_fast": _("form sent too fast"),
        "delay": _("publication delay"),
        "trusted": _("written by an author of the post, a moderator or a verified representative"),
        "edited": _("text edited by the moderation"),
    }

    def lookups(self, request, model_admin):
        return list(self.codes.items())

    def queryset(self, request, queryset):
        if self.value() == "edited":
            return queryset.filter(edited_at__isnull=False)  # Edits are events, not policy reasons.
        if self.value() in self.codes:
            # JSON containment is not portable (SQLite lacks it); the stored
            # text is, on both databases: {"code": "links", ...}.
            return queryset.filter(reasons__icontains=f'"code": "{self.value()}"')
        return queryset


def _when(moment):
    """A date and time as the moderator's language writes them, in the site's time zone."""
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _count_by_address(status, **only):
    """How many comments from the row's address (any case) have this status (and match `only`)."""
    return Subquery(
        Comment.objects.annotate(address=Lower("email"))
        .filter(address=Lower(OuterRef("email")), status=status, **only)
        .order_by()
        .annotate(total=Func(F("pk"), function="COUNT"))
        .values("total"),
        output_field=IntegerField(),
    )


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    form = CommentChangeForm
    list_display = [
        "excerpt", "commenter", "post_title", "status_label", "reasons_list", "publication", "reports",
        "history", "row_actions",
    ]  # fmt: skip
    list_display_links = ["excerpt"]
    list_filter = [StatusFilter, PublicFilter, ReasonFilter, ("post", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["body", "name", "email", "ip_address"]
    list_select_related = ["post"]
    list_per_page = 50
    actions = ["approve", "reject", "mark_spam", "requeue", "extend_delay"]
    fieldsets = [
        (_("Thread"), {"fields": ["thread_context"]}),
        (
            _("Comment"),
            {"fields": ["post_link", "commenter_details", "body", "edit_note", "status_label", "publication"]},
        ),
        (_("Moderation"), {"fields": ["reasons_list", "reports_detail", "moderation_history", "revisions"]}),
        (_("Sender"), {"fields": ["ip_address", "user_agent", "created_at"], "classes": ["collapse"]}),
    ]
    readonly_fields = [
        "thread_context", "post_link", "commenter_details", "status_label", "publication", "reasons_list",
        "reports_detail", "moderation_history", "revisions", "ip_address", "user_agent", "created_at",
    ]  # fmt: skip

    # -- permissions ---------------------------------------------------------------

    def has_add_permission(self, request):
        return False  # Comments come from readers, or from a reply (reply_view).

    def has_delete_permission(self, request, obj=None):
        return False  # Nothing is deleted by a moderator; purging spam is a command.

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.has_moderate_permission(request)

    # -- the queue -------------------------------------------------------------------

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("flags", queryset=Flag.objects.select_related("user")))
            .annotate(address_account=Subquery(User.objects.at_address(OuterRef("email")).values("pk")[:1]))
            .annotate(
                # An account's address lends trust only through comments written from the account
                # (anyone can type an address): see comments.services.poster_history.
                approved_from_address=Case(
                    When(address_account=None, then=_count_by_address(Status.APPROVED)),
                    default=_count_by_address(Status.APPROVED, user_id=OuterRef("address_account")),
                ),
                rejected_from_address=_count_by_address(Status.REJECTED),
                spam_from_address=_count_by_address(Status.SPAM),
            )
        )

    def get_ordering(self, request):
        if request.GET.get(StatusFilter.parameter_name, QUEUE) in (QUEUE, *WAITING):
            # The order the desk works the queue in: the change list orders by
            # what this returns, so it reads it from the queue itself.
            return list(Comment.objects.queue().query.order_by)
        return ["-created_at"]

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if request.GET.get(StatusFilter.parameter_name, QUEUE) == QUEUE:
            extra_context.setdefault("title", gettext("Moderation queue"))
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("comment"))
    def excerpt(self, comment):
        return isolate(Truncator(" ".join(comment.body.split())).chars(140))

    @admin.display(description=_("from"), ordering="name")
    def commenter(self, comment):
        account = format_html(' <span class="reason">{}</span>', gettext("account")) if comment.user_id else ""
        return format_html('{}{}<br><span class="quiet">{}</span>', bdi(comment.name), account, bdi(comment.email))

    @admin.display(description=_("post"), ordering="post__title")
    def post_title(self, comment):
        return isolate(Truncator(comment.post.title).chars(50))

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, comment):
        return format_html(
            '<span class="status-badge status-{}">{}</span>', comment.status, comment.get_status_display()
        )

    @admin.display(description=_("reasons"))
    def reasons_list(self, comment):
        return (
            format_html_join(
                "", '<span class="reason">{}</span>', ((Reason.from_dict(data).label(),) for data in comment.reasons)
            )
            or "—"
        )

    @admin.display(description=_("publication"), ordering="publish_at")
    def publication(self, comment):
        now = timezone.now()
        if comment.is_public(now):
            return format_html("{} {}", gettext("public since"), _when(comment.publish_at))
        if comment.status == Status.PENDING:
            hours = max(math.ceil((comment.publish_at - now) / timedelta(hours=1)), 1)
            text = ngettext("public in %(hours)d h", "public in %(hours)d h", hours) % {"hours": hours}
            soon = comment.publish_at - now <= DUE_SOON
            return format_html('<span class="{}">{}</span>', "due-soon" if soon else "", text)
        if comment.status == Status.HELD:
            return gettext("waits for a moderator")
        return "—"

    @admin.display(description=_("reports"), ordering="flag_count")
    def reports(self, comment):
        """How many readers reported it, and their latest reasons: the queue shows why, not only how many."""
        flags = list(comment.flags.all())
        if not flags:
            return "—"
        review = ""
        if comment.review_requested_at:
            review = format_html('<span class="due-soon">{}</span><br>', gettext("stays public until you decide"))
        latest = format_html_join(
            "",
            '<div class="quiet" dir="auto">{}</div>',
            ((f"{flag.reason or gettext('no reason given')} ({_when(flag.created_at)})",) for flag in flags[-3:]),
        )
        count = ngettext("%(count)d report", "%(count)d reports", len(flags)) % {"count": len(flags)}
        return format_html("{}{}{}", review, count, latest)

    @admin.display(description=_("reports"))
    def reports_detail(self, comment):
        """Every report: when, from whom (the account, or the masked address block), and why."""
        flags = list(comment.flags.all())
        if not flags:
            return gettext("No reader reported this comment.")
        rows = format_html_join(
            "",
            '<tr><td>{}</td><td>{}</td><td dir="auto">{}</td></tr>',
            (
                (_when(flag.created_at), isolate(str(flag.reader)), flag.reason or gettext("no reason given"))
                for flag in flags
            ),
        )
        readers = len({flag.network for flag in flags if flag.network})  # As FlagQuerySet.independent_readers.
        summary = ngettext(
            "%(count)d independent reader (distinct address blocks).",
            "%(count)d independent readers (distinct address blocks).",
            readers,
        ) % {"count": readers}
        if comment.review_requested_at:
            summary += " " + gettext(
                "Its writer wears a badge, so reports do not hide it: it stays public until a moderator decides."
            )
        return format_html(
            '<p>{}</p><table class="moderation-history"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            summary, gettext("when"), gettext("by"), gettext("why"), rows,
        )  # fmt: skip

    @admin.display(description=_("history of the address"))
    def history(self, comment):
        approved = getattr(comment, "approved_from_address", 0)
        rejected = getattr(comment, "rejected_from_address", 0)
        spam = getattr(comment, "spam_from_address", 0)
        shown = [
            ngettext("%(count)d approved", "%(count)d approved", approved) % {"count": approved} if approved else "",
            ngettext("%(count)d rejected", "%(count)d rejected", rejected) % {"count": rejected} if rejected else "",
            ngettext("%(count)d spam", "%(count)d spam", spam) % {"count": spam} if spam else "",
        ]
        return ", ".join(part for part in shown if part) or gettext("first comment")

    @admin.display(description=_("Reply"))
    def row_actions(self, comment):
        if comment.status not in STANDING:
            return ""
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:comments_comment_reply", args=[comment.pk]),
            gettext("Reply"),
        )

    def get_list_display(self, request):
        if self.has_moderate_permission(request):
            return self.list_display
        return [field for field in self.list_display if field != "row_actions"]

    # -- a comment's page ----------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return self.fieldsets
        # Read-only: the text is shown as a field, without the edit note.
        return [
            (title, {**options, "fields": [field for field in options["fields"] if field != "edit_note"]})
            for title, options in self.fieldsets
        ]

    @admin.display(description=_("post"))
    def post_link(self, comment):
        # A comment's permalink finds it only where a reader may see it (a 404 otherwise): others link to the post.
        url = comment.get_absolute_url() if comment.is_public() else comment.post.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, bdi(comment.post.title))

    @admin.display(description=_("from"))
    def commenter_details(self, comment):
        parts = [comment.name, comment.email]
        if comment.website:
            parts.append(comment.website)
        if comment.user_id:
            parts.append(gettext("writes from the account %(email)s") % {"email": isolate(comment.user.email)})
        if comment.organization_id:
            parts.append(gettext("for %(organization)s") % {"organization": isolate(comment.organization.name)})
        return format_html_join("", '<div dir="auto">{}</div>', ((part,) for part in parts))

    @admin.display(description=_("thread"))
    def thread_context(self, comment):
        return format_html_join(
            "",
            '<div class="thread-item depth-{}{}"><strong>{}</strong> · <span class="status-badge status-{}">{}</span>'
            ' · <a href="{}">{}</a><div class="body" dir="auto">{}</div></div>',
            (
                (
                    min(depth, 8),
                    " current" if row.pk == comment.pk else "",
                    bdi(row.name),
                    row.status,
                    row.get_status_display(),
                    reverse("admin:comments_comment_change", args=[row.pk]),
                    _when(row.created_at),
                    Truncator(row.body).chars(600),
                )
                for row, depth in context_of(comment)
            ),
        )

    @admin.display(description=_("history"))
    def moderation_history(self, comment):
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    _when(event.created_at),
                    event.actor.display_name if event.actor else event.get_source_display(),
                    event.get_from_status_display() or "—",
                    event.get_to_status_display(),
                    "; ".join(
                        [
                            *(Reason.from_dict(data).label() for data in event.reasons),
                            *([event.note] if event.note else []),
                        ]
                    ),
                )
                for event in comment.events.select_related("actor")
            ),
        )
        return format_html(
            '<table class="moderation-history"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>'
            "</thead><tbody>{}</tbody></table>",
            gettext("when"), gettext("by"), gettext("from"), gettext("to"), gettext("why"), rows,
        )  # fmt: skip

    @admin.display(description=_("edits"))
    def revisions(self, comment):
        versions = list(comment.revisions.select_related("edited_by"))
        if not versions:
            return gettext("The text is as the reader wrote it.")
        texts = [version.body for version in versions] + [comment.body]
        return format_html_join(
            "",
            '<div class="revision"><p>{}</p><div class="diff body">{}</div></div>',
            (
                (
                    gettext("%(date)s, by %(who)s: %(why)s")
                    % {
                        "date": _when(version.created_at),
                        "who": isolate(version.edited_by.display_name) if version.edited_by else "—",
                        "why": version.note,
                    },
                    word_diff(texts[index], texts[index + 1]),
                )
                for index, version in enumerate(versions)
            ),
        )

    def save_model(self, request, obj, form, change):
        """Only the text changes here, and only through comment_edit, which keeps the original."""
        if "body" in form.changed_data:
            services.comment_edit(
                comment=Comment.objects.get(pk=obj.pk),
                moderator=request.user,
                body=form.cleaned_data["body"],
                note=form.cleaned_data["edit_note"],
            )
            obj.refresh_from_db()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if self.has_moderate_permission(request):
            comment = self.get_object(request, object_id)
            if comment is not None:
                extra_context["reply_form"] = ReplyForm(user=request.user, post=comment.post)
                extra_context["reply_url"] = reverse("admin:comments_comment_reply", args=[object_id])
        return super().change_view(request, object_id, form_url, extra_context)

    # -- replying from the admin ---------------------------------------------------

    def get_urls(self):
        reply = path(
            "<path:object_id>/reply/", self.admin_site.admin_view(self.reply_view), name="comments_comment_reply"
        )
        return [reply, *super().get_urls()]

    def reply_view(self, request, object_id):
        """Answer a comment in its thread, as the logged-in moderator; approve it first if it waits."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        comment = self.get_object(request, object_id)
        if comment is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        form = ReplyForm(request.POST or None, user=request.user, post=comment.post)
        if request.method == "POST" and form.is_valid():
            was_public = comment.is_public()
            try:
                reply = services.comment_reply(
                    parent=comment,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    organization=form.cleaned_data["identity"],
                )
            except services.TransitionRefused:
                form.add_error(None, gettext("This comment is not public and not in the queue: it cannot be answered."))
            else:
                message = gettext("Your reply is published.")
                if not was_public:
                    message = gettext("The comment is approved and your reply is published.")
                self.message_user(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>', message, reply.get_absolute_url(), gettext("See it in the thread")
                    ),
                    messages.SUCCESS,
                )
                return redirect("admin:comments_comment_change", comment.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Reply to %(name)s") % {"name": isolate(comment.name)},
            "opts": self.opts,
            "original": comment,
            "thread": context_of(comment),
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/comments/comment/reply.html", context)

    # -- bulk decisions ------------------------------------------------------------

    def _decide(self, request, queryset, decide, done_message):
        """Apply `decide` to each comment it allows; report how many changed and how many could not."""
        done = skipped = 0
        for comment in queryset:
            try:
                decide(comment)
            except services.TransitionRefused:
                skipped += 1
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done) % {"count": done}, messages.SUCCESS)
        if skipped:
            message = ngettext(
                "%(count)d comment was left as it was: its status does not allow this decision.",
                "%(count)d comments were left as they were: their status does not allow this decision.",
                skipped,
            )
            self.message_user(request, message % {"count": skipped}, messages.WARNING)

    def _decide_with_form(self, request, queryset, form_class, *, title, decide, done_message):
        """A decision that needs a reason or a figure: an intermediate page, then the decision."""
        if "apply" in request.POST:
            form = form_class(request.POST)
            if form.is_valid():
                self._decide(request, queryset, lambda comment: decide(comment, form), done_message)
                return None
        else:
            form = form_class()
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "form": form,
            "comments": (chosen := queryset.select_related("post")),
            "chosen_objects": chosen,
            "action": request.POST.get("action"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/comments/comment/decision.html", context)

    @admin.action(description=_("Approve (publish now)"), permissions=["moderate"])
    def approve(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda comment: services.comment_approve(comment=comment, moderator=request.user),
            lambda n: ngettext("%(count)d comment approved.", "%(count)d comments approved.", n),
        )

    @admin.action(description=_("Reject, with a reason…"), permissions=["moderate"])
    def reject(self, request, queryset):
        return self._decide_with_form(
            request,
            queryset,
            DecisionForm,
            title=gettext("Reject these comments"),
            decide=lambda comment, form: services.comment_reject(
                comment=comment,
                moderator=request.user,
                note=form.why(),
                share_reason=form.cleaned_data["share_reason"],
            ),
            done_message=lambda n: ngettext("%(count)d comment rejected.", "%(count)d comments rejected.", n),
        )

    @admin.action(description=_("Mark as spam…"), permissions=["moderate"])
    def mark_spam(self, request, queryset):
        return self._decide_with_form(
            request,
            queryset,
            SpamForm,
            title=gettext("Mark these comments as spam"),
            decide=lambda comment, form: services.comment_mark_spam(
                comment=comment, moderator=request.user, note=form.why()
            ),
            done_message=lambda n: ngettext(
                "%(count)d comment marked as spam.", "%(count)d comments marked as spam.", n
            ),
        )

    @admin.action(description=_("Put back in the queue"), permissions=["moderate"])
    def requeue(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda comment: services.comment_requeue(comment=comment, moderator=request.user),
            lambda n: ngettext(
                "%(count)d comment put back in the queue.", "%(count)d comments put back in the queue.", n
            ),
        )

    @admin.action(description=_("Extend the publication delay…"), permissions=["moderate"])
    def extend_delay(self, request, queryset):
        return self._decide_with_form(
            request,
            queryset,
            ExtendDelayForm,
            title=gettext("Extend the publication delay"),
            decide=lambda comment, form: services.comment_extend_delay(
                comment=comment, moderator=request.user, hours=form.cleaned_data["hours"], note=form.why()
            ),
            done_message=lambda n: ngettext(
                "%(count)d comment will wait longer.", "%(count)d comments will wait longer.", n
            ),
        )


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Readers' reply subscriptions, to look at; they are made from the comment form."""

    list_display = ["email", "scope", "comment", "language", "confirmed_at", "created_at"]
    list_filter = ["scope", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    readonly_fields = ["comment", "email", "scope", "language", "confirmed_at", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    """Addresses never written to again. Add one here when the mail provider reports a bounce."""

    list_display = ["email", "reason", "note", "created_at"]
    list_filter = ["reason"]
    search_fields = ["email"]
    fields = ["email", "reason", "note"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The ledger of notification e-mails: what was sent to whom, and what failed."""

    list_display = ["kind", "recipient", "key", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["kind", "state"]
    search_fields = ["recipient", "key"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
