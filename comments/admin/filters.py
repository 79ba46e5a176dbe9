"""The queue's filters: by status (the queue by default), by public or not, by the policy's reason."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..models import Status, public_q

QUEUE = "queue"


class StatusFilter(admin.SimpleListFilter):
    """The queue by default; any single status, or everything, on request."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(QUEUE, _("Queue (pending, held, reported)")), *Status.choices, ("all", _("All"))]

    def value(self) -> str:
        return super().value() or QUEUE

    def choices(self, changelist: Any) -> Iterator[dict[str, Any]]:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
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

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", _("Public")), ("no", _("Not public"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
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

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return list(self.codes.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "edited":
            return queryset.filter(edited_at__isnull=False)  # Edits are events, not policy reasons.
        if self.value() in self.codes:
            # JSON containment is not portable (SQLite lacks it); the stored
            # text is, on both databases: {"code": "links", ...}.
            return queryset.filter(reasons__icontains=f'"code": "{self.value()}"')
        return queryset
