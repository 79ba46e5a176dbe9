"""Readers' reply subscriptions in the admin."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from ..models import Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Readers' reply subscriptions, to look at; they are made from the comment form."""

    list_display = ["email", "scope", "comment", "language", "confirmed_at", "created_at"]
    list_filter = ["scope", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    readonly_fields = ["comment", "email", "scope", "language", "confirmed_at", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
