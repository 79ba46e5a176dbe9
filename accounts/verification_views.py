"""A member's organisations: asking to represent one, following the e-mailed link, the dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.bidi import isolate
from core.rate_limit import rate_limited

from . import services
from .models import Membership
from .verification import MembershipRequestForm, revoked_message, verification_link_send

REFUSALS = {"expired", "invalid", "used", "revoked"}


@login_required
def memberships(request):
    """The organisations the user asked to represent, and where each request stands."""
    rows = list(request.user.memberships.select_related("organization").order_by("organization__name"))
    has_verified = any(row.status == Membership.Status.VERIFIED for row in rows)
    return render(request, "accounts/memberships.html", {"memberships": rows, "has_verified": has_verified})


def request_context(request, form):
    """The request form, and the organisations whose membership staff revoked: only staff restore those."""
    revoked = request.user.memberships.filter(status=Membership.Status.REVOKED).select_related("organization")
    return {"form": form, "revoked": [membership.organization for membership in revoked]}


def _account(request):
    return request.user.pk


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("membership_request_account", key=_account)
def verification_request(request):
    form = MembershipRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        organization, email = form.cleaned_data["organization"], form.cleaned_data["email"]
        try:
            membership = services.membership_request(
                user=request.user, organization=organization, role=form.cleaned_data["role"]
            )
            if email:
                verification_link_send(membership=membership, email=email)
        except services.MembershipRefused as refused:
            if refused.reason != "revoked":
                raise
            # Revoked between the form's check and the request.
            form.add_error("organization", ValidationError(revoked_message(organization), code="revoked"))
            return render(request, "accounts/verification_request.html", request_context(request, form))
        if email:
            messages.success(
                request,
                _("We sent a link to %(email)s: follow it while logged in to this account to be verified.")
                % {"email": isolate(email)},
            )
        else:
            messages.success(
                request,
                _("Your request to represent %(organization)s was recorded: the blog's staff will decide.")
                % {"organization": isolate(organization.name)},
            )
        return redirect("accounts:memberships")
    return render(request, "accounts/verification_request.html", request_context(request, form))


@login_required
@require_http_methods(["GET", "POST"])
def verification_link(request, token):
    """Confirm on GET, verify on POST; a refused link gets a page saying why and what to do."""
    if request.method == "GET":
        return render(request, "accounts/verification_confirm.html", {"token": token})
    try:
        membership = services.membership_verify_by_link(token=token, user=request.user)
    except services.MembershipRefused as refusal:
        reason = refusal.reason if refusal.reason in REFUSALS else "invalid"
        return render(request, "accounts/verification_failed.html", {"reason": reason}, status=400)
    messages.success(
        request,
        _("You are now a verified representative of %(organization)s.")
        % {"organization": isolate(membership.organization.name)},
    )
    return redirect("accounts:memberships")
