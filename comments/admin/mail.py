"""The e-mail ledger and the suppressed addresses in the admin."""

from django.contrib import admin

from ..models import Delivery, Suppression


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
