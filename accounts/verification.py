"""Asking to represent an organisation, from the public site.

The request is recorded by accounts.services.membership_request. A member
who gives an address on one of the organisation's domains is sent a signed
link there (accounts.services.verification_token); following it while
logged in to the same account verifies the membership. Without such an
address, the blog's staff decide in the admin. A membership staff revoked
cannot be asked again here: only staff restore it.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.bidi import isolate
from core.plain_text import validate_name
from core.text_limits import WholeTextMixin
from mail.links import MailLink, absolute_url, mail_link
from mail.tasks import mail_send

from . import services
from .models import Membership, Organization


def revoked_message(organization: Organization) -> str:
    return _(
        "The blog's staff revoked your membership of %(organization)s: only they can restore it. "
        "Write to them if you think it was a mistake."
    ) % {"organization": isolate(organization.name)}


class MembershipRequestForm(WholeTextMixin, forms.Form):
    organization = forms.ModelChoiceField(
        Organization.objects.all(), label=_("Organisation"), empty_label=_("Choose an organisation")
    )
    role = forms.CharField(
        label=_("Your role"),
        max_length=100,
        validators=[validate_name],
        help_text=_("What you do there, e.g. Community manager."),
    )
    email = forms.EmailField(
        label=_("Your address at the organisation"),
        required=False,
        help_text=_(
            "Optional. An address on one of the organisation's domains: we send it a link that verifies you "
            "at once. Leave it empty and the blog's staff will decide."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_organization(self):
        organization = self.cleaned_data["organization"]
        if self.user.memberships.verified().filter(organization=organization).exists():
            raise ValidationError(
                _("You already represent %(organization)s."),
                code="already_verified",
                params={"organization": isolate(organization.name)},
            )
        if self.user.memberships.filter(organization=organization, status=Membership.Status.REVOKED).exists():
            raise ValidationError(revoked_message(organization), code="revoked")
        return organization

    def clean(self):
        cleaned = super().clean()
        organization, email = cleaned.get("organization"), cleaned.get("email")
        if organization is None or not email or organization.owns_address(email):
            return cleaned
        if organization.domains():
            error = ValidationError(
                _("%(email)s is not an address at %(organization)s. Use an address ending in %(domains)s."),
                code="off_domain",
                params={
                    "email": isolate(email),
                    "organization": isolate(organization.name),
                    "domains": ", ".join(f"@{domain}" for domain in organization.domains()),
                },
            )
        else:
            error = ValidationError(
                _("%(organization)s has no e-mail domain on file: leave the address empty and the staff will decide."),
                code="no_domains",
                params={"organization": isolate(organization.name)},
            )
        self.add_error("email", error)
        return cleaned


@mail_link
def verification_link(claims: dict[str, object]) -> str:
    token = services.verification_token_sign(claims)
    return absolute_url(reverse("accounts:verification_link", kwargs={"token": token}))


def verification_link_send(*, membership: Membership, email: str) -> None:
    """E-mail a signed verification link to an address on the organisation's domains; older links stop working.

    The link is numbered now (refused now for a revoked membership or an
    address off the organisation's domains: services.MembershipRefused)
    and signed by the worker as it sends the e-mail (mail.links.MailLink).
    """
    claims = services.verification_link_issue(membership, email)
    context = {
        "membership": membership,
        "organization": membership.organization,
        "user": membership.user,
        "blog_title": settings.BLOG_TITLE,
        "link": MailLink(verification_link, claims),
        "hours": int(settings.ACCOUNTS_VERIFICATION_LINK_MAX_AGE.total_seconds() // 3600),
    }
    mail_send(template="accounts/email/verification", context=context, to=email)
