from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count, Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from blog import images
from blog.images import ImageUploadField

from . import services
from .forms import UserChangeAdminForm, UserCreationAdminForm
from .models import Membership, MembershipEvent, Organization, User

LOGO_SIZE = (256, 256)


class SuperuserTaskResultAdmin(DBTaskResultAdmin):
    """The task queue's rows, for superusers only.

    Tasks carry ids and kinds, never a rendered e-mail or a link
    (accounts.emails), but a task's arguments and tracebacks are the
    machinery's business, not that of staff granted "view" permissions.
    """

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, SuperuserTaskResultAdmin)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "avatar", "bio", "website"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]}),
    ]


class OrganizationForm(forms.ModelForm):
    logo = ImageUploadField(label=_("logo"), required=False)

    class Meta:
        model = Organization
        fields = ["name", "slug", "logo", "website", "email_domains", "keywords"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = OrganizationForm
    list_display = ["name", "website", "domain_list", "verified_members"]
    search_fields = ["name", "email_domains", "keywords"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        verified = Count("memberships", filter=Q(memberships__status=Membership.Status.VERIFIED))
        return super().get_queryset(request).annotate(verified_count=verified)

    @admin.display(description=_("e-mail domains"))
    def domain_list(self, organization):
        return ", ".join(organization.domains())

    @admin.display(description=_("verified members"), ordering="verified_count")
    def verified_members(self, organization):
        return organization.verified_count

    def save_model(self, request, obj, form, change):
        if "logo" in form.changed_data and form.cleaned_data.get("logo"):
            obj.logo = images.reencode(form.cleaned_data["logo"], max_size=LOGO_SIZE, crop_square=True)
        super().save_model(request, obj, form, change)


class MembershipEventInline(admin.TabularInline):
    model = MembershipEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "from_status", "to_status", "method", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Memberships change through accounts.services only, so each change is in the audit trail."""

    list_display = ["user", "organization", "role", "status", "method", "verified_at", "decided_by"]
    list_filter = ["status", "method", "organization"]
    search_fields = ["user__email", "user__display_name", "organization__name", "verified_email"]
    list_select_related = ["user", "organization", "decided_by"]
    autocomplete_fields = ["user", "organization"]
    readonly_fields = ["status", "method", "verified_email", "verified_at", "decided_by", "requested_at"]
    inlines = [MembershipEventInline]
    actions = ["verify", "revoke"]

    def get_readonly_fields(self, request, obj=None):
        # The badge follows (user, organisation): moving a membership to
        # another person or brand would hand over a verification silently.
        fixed = ["user", "organization"] if obj is not None else []
        return [*fixed, *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        """A membership added by staff is a request, recorded by the service like any other."""
        if change:
            super().save_model(request, obj, form, change)
            return
        membership = services.membership_request(
            user=obj.user, organization=obj.organization, role=obj.role, by=request.user, note=gettext("added by staff")
        )
        obj.pk, obj._state.adding = membership.pk, False

    def _decide(self, request, queryset, decide, message):
        done = 0
        for membership in queryset:
            try:
                decide(membership)
            except services.MembershipRefused:
                continue
            done += 1
        self.message_user(request, message(done) % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Verify (staff decision)"), permissions=["change"])
    def verify(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda membership: services.membership_verify(membership=membership, by=request.user),
            lambda n: ngettext("%(count)d membership verified.", "%(count)d memberships verified.", n),
        )

    @admin.action(description=_("Revoke (removes the badge, on old comments too)"), permissions=["change"])
    def revoke(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda membership: services.membership_revoke(membership=membership, by=request.user),
            lambda n: ngettext("%(count)d membership revoked.", "%(count)d memberships revoked.", n),
        )
