"""CommentAdmin: the moderation desk, which opens on the queue.

What it lists and shows is in columns.py and fields.py, its decisions in
actions.py, its own pages in views.py; this module says which, and who may
do what.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Case, F, Func, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, When
from django.db.models.functions import Lower
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .. import services
from ..models import WAITING, Comment, Flag, Status
from . import actions, views
from .columns import QueueColumns
from .fields import CommentPageFields
from .filters import QUEUE, PublicFilter, ReasonFilter, StatusFilter
from .forms import CommentChangeForm, ReplyForm


def count_by_address(status: Status, **only: Any) -> Subquery:
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
class CommentAdmin(QueueColumns, CommentPageFields, admin.ModelAdmin):
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
    actions = [actions.approve, actions.reject, actions.mark_spam, actions.requeue, actions.extend_delay]
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # Comments come from readers, or from a reply (views.reply).

    def has_delete_permission(self, request: HttpRequest, obj: Comment | None = None) -> bool:
        return False  # Nothing is deleted by a moderator; purging spam is a command.

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("comments.moderate_comment")

    def has_change_permission(self, request: HttpRequest, obj: Comment | None = None) -> bool:
        return super().has_change_permission(request, obj) and self.has_moderate_permission(request)

    # -- the queue -------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("flags", queryset=Flag.objects.select_related("user")))
            .annotate(address_account=Subquery(User.objects.at_address(OuterRef("email")).values("pk")[:1]))
            .annotate(
                # An account's address lends trust only through comments written from the account
                # (anyone can type an address): see comments.services.poster_history.
                approved_from_address=Case(
                    When(address_account=None, then=count_by_address(Status.APPROVED)),
                    default=count_by_address(Status.APPROVED, user_id=OuterRef("address_account")),
                ),
                rejected_from_address=count_by_address(Status.REJECTED),
                spam_from_address=count_by_address(Status.SPAM),
            )
        )

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        if request.GET.get(StatusFilter.parameter_name, QUEUE) in (QUEUE, *WAITING):
            # The order the desk works the queue in: the change list orders by
            # what this returns, so it reads it from the queue itself.
            return list(Comment.objects.queue().query.order_by)
        return ["-created_at"]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra_context = extra_context or {}
        if request.GET.get(StatusFilter.parameter_name, QUEUE) == QUEUE:
            extra_context.setdefault("title", gettext("Moderation queue"))
        return super().changelist_view(request, extra_context)

    def get_list_display(self, request: HttpRequest) -> list[str]:
        if self.has_moderate_permission(request):
            return self.list_display
        return [field for field in self.list_display if field != "row_actions"]

    # -- a comment's page ----------------------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj: Comment | None = None) -> list[tuple[Any, dict[str, Any]]]:
        if self.has_change_permission(request, obj):
            return self.fieldsets
        # Read-only: the text is shown as a field, without the edit note.
        return [
            (title, {**options, "fields": [field for field in options["fields"] if field != "edit_note"]})
            for title, options in self.fieldsets
        ]

    def save_model(self, request: HttpRequest, obj: Comment, form: ModelForm, change: bool) -> None:
        """Only the text changes here, and only through comment_edit, which keeps the original."""
        if "body" in form.changed_data:
            services.comment_edit(
                comment=Comment.objects.get(pk=obj.pk),
                moderator=request.user,
                body=form.cleaned_data["body"],
                note=form.cleaned_data["edit_note"],
            )
            obj.refresh_from_db()

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = extra_context or {}
        if self.has_moderate_permission(request):
            comment = self.get_object(request, object_id)
            if comment is not None:
                extra_context["reply_form"] = ReplyForm(user=request.user, post=comment.post)
                extra_context["reply_url"] = reverse("admin:comments_comment_reply", args=[object_id])
        return super().change_view(request, object_id, form_url, extra_context)

    # -- replying from the admin ---------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        reply = path(
            "<path:object_id>/reply/", self.admin_site.admin_view(self.reply_view), name="comments_comment_reply"
        )
        return [reply, *super().get_urls()]

    def reply_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Answer a comment in its thread, as the logged-in moderator (views.reply)."""
        return views.reply(self, request, object_id)
