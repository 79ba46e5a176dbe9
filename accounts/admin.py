from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from core import images
from core.images import ImageUploadField

from . import services
from .forms import UserChangeAdminForm, UserCreationAdminForm
from .models import Membership, MembershipEvent, Organization, User

LOGO_SIZE = (256, 256)


class SuperuserTaskResultAdmin(DBTaskResultAdmin):
    """The task queue's rows, for superusers only.

    Tasks carry ids and kinds, never a rendered e-mail or a link
    (mail.tasks), but a task's arguments and tracebacks are the
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


class MembershipDecisionForm(forms.Form):
    """A staff decision on memberships, and its reason: kept in each one's history and e-mailed to the person."""

    note = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. Kept in the membership's history and e-mailed to the person."),
        error_messages={"required": _("Give the reason for this decision: the person is told of it.")},
    )

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(_("Give the reason for this decision: the person is told of it."), "required")
        return note


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Memberships change through accounts.services only, so each change is in the audit trail.

    Verifying and revoking are staff decisions: each asks for a reason on an
    intermediate page, and the person is e-mailed it. Verifying restores a
    revoked membership, which its member cannot do.
    """

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

    def _decide(self, request, queryset, decide, *, title, message):
        """Ask for the reason, then apply `decide(membership, note)` to each membership it fits."""
        form = MembershipDecisionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = skipped = 0
            for membership in queryset.select_related("user", "organization"):
                try:
                    decide(membership, form.cleaned_data["note"])
                except services.MembershipRefused:
                    skipped += 1
                else:
                    done += 1
            if done:
                self.message_user(request, message(done) % {"count": done}, messages.SUCCESS)
            if skipped:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d membership was left as it was: it already had this status.",
                        "%(count)d memberships were left as they were: they already had this status.",
                        skipped,
                    )
                    % {"count": skipped},
                    messages.WARNING,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "form": form,
            "memberships": (chosen := queryset.select_related("user", "organization")),
            "chosen_objects": chosen,
            "action": request.POST.get("action"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/accounts/membership/decision.html", context)

    @admin.action(description=_("Verify (staff decision, with a reason)…"), permissions=["change"])
    def verify(self, request, queryset):
        return self._decide(
            request,
            queryset,
            lambda membership, note: services.membership_verify(membership=membership, by=request.user, note=note),
            title=gettext("Verify these memberships"),
            message=lambda n: ngettext("%(count)d membership verified.", "%(count)d memberships verified.", n),
        )

    @admin.action(
        description=_("Revoke, with a reason… (removes the badge, on old comments too)"), permissions=["change"]
    )
    def revoke(self, request, queryset):
        return self._decide(
            request,
            queryset,
            lambda membership, note: services.membership_revoke(membership=membership, by=request.user, note=note),
            title=gettext("Revoke these memberships"),
            message=lambda n: ngettext("%(count)d membership revoked.", "%(count)d memberships revoked.", n),
        )
