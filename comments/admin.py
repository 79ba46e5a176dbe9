from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Comment, ModerationEvent, public_q


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


class ModerationEventInline(admin.TabularInline):
    model = ModerationEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "source", "actor", "from_status", "to_status", "reasons", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["name", "post", "status", "is_public", "publish_at", "flag_count", "created_at"]
    list_filter = [PublicFilter, "status", "created_at", "post"]
    search_fields = ["body", "name", "email", "ip_address"]
    list_select_related = ["post"]
    readonly_fields = [
        "post", "parent", "user", "name", "email", "website", "body", "status", "publish_at",
        "published_at", "reasons", "ip_address", "user_agent", "flag_count", "created_at",
    ]  # fmt: skip
    inlines = [ModerationEventInline]
    actions = ["approve", "reject", "mark_spam"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _apply(self, request, queryset, service):
        for comment in queryset:
            service(comment=comment, moderator=request.user)
        return len(queryset)

    @admin.action(description=_("Approve (publish now)"), permissions=["moderate"])
    def approve(self, request, queryset):
        count = self._apply(request, queryset, services.comment_approve)
        message = ngettext("%(count)d comment approved.", "%(count)d comments approved.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Reject"), permissions=["moderate"])
    def reject(self, request, queryset):
        count = self._apply(request, queryset, services.comment_reject)
        message = ngettext("%(count)d comment rejected.", "%(count)d comments rejected.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Mark as spam"), permissions=["moderate"])
    def mark_spam(self, request, queryset):
        count = self._apply(request, queryset, services.comment_mark_spam)
        message = ngettext("%(count)d comment marked as spam.", "%(count)d comments marked as spam.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")
