"""Memberships change only here, and every change leaves a MembershipEvent.

A membership is verified by a staff decision, or by the member following a
signed link sent to an address on one of the organisation's domains. The
link names the membership, the address and the membership's last event, so
it expires (ACCOUNTS_VERIFICATION_LINK_MAX_AGE), cannot be altered, and
stops working once anything else happened to the membership (a revocation,
another link).
"""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from .models import Membership, MembershipEvent

LINK_SALT = "accounts.membership-verification"


class MembershipRefused(ValueError):
    """The change asked for does not apply to this membership (or this link).

    `reason` is a code pages can choose their words by: already_verified,
    already_revoked, off_domain, or for links expired, invalid, used.
    """

    def __init__(self, reason, message=""):
        super().__init__(message or reason)
        self.reason = reason


def _record(membership, to_status, *, actor, method="", note="", now=None, **changes):
    now = now or timezone.now()
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        event = MembershipEvent.objects.create(
            membership=locked,
            actor=actor,
            from_status=locked.status,
            to_status=to_status,
            method=method,
            note=note[:300],
            created_at=now,
        )
        locked.status = to_status
        if method:
            locked.method = method
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save()
    membership.refresh_from_db()
    return event


def membership_request(*, user, organization, role="", by=None, note="", now=None):
    """Ask to speak for an organisation (the user, or staff `by` on their behalf); a revoked member may ask again."""
    now = now or timezone.now()
    actor = by or user
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, organization=organization, defaults={"role": role, "requested_at": now}
        )
        if created:
            MembershipEvent.objects.create(
                membership=membership, actor=actor, to_status=Membership.Status.REQUESTED, note=note, created_at=now
            )
    if not created and membership.status == Membership.Status.REVOKED:
        _record(membership, Membership.Status.REQUESTED, actor=actor, note=note, now=now, role=role or membership.role)
    return membership


def membership_verify(*, membership, by=None, method=Membership.Method.STAFF, email="", note="", now=None):
    now = now or timezone.now()
    if membership.status == Membership.Status.VERIFIED:
        raise MembershipRefused("already_verified", "This membership is already verified.")
    return _record(
        membership,
        Membership.Status.VERIFIED,
        actor=by,
        note=note,
        now=now,
        method=method,
        verified_email=email,
        verified_at=now,
        decided_by=by,
    )


def membership_revoke(*, membership, by, note="", now=None):
    """Take the badge away, from old comments too (badges are derived when pages are drawn)."""
    if membership.status == Membership.Status.REVOKED:
        raise MembershipRefused("already_revoked", "This membership is already revoked.")
    return _record(membership, Membership.Status.REVOKED, actor=by, note=note, now=now, decided_by=by)


def verification_token(membership, email):
    """A signed token for a link to `email`, valid until the membership's next event."""
    if not membership.organization.owns_address(email):
        raise MembershipRefused("off_domain", "The address is not on one of the organisation's domains.")
    last_event = membership.events.order_by("-pk").values_list("pk", flat=True).first()
    return signing.dumps({"m": membership.pk, "e": email.lower(), "v": last_event}, salt=LINK_SALT)


def membership_verify_by_link(*, token, user, now=None):
    """Verify the membership a link names, for the user who follows it.

    Raise MembershipRefused with a reader-facing reason when the link is
    expired, altered, already used, not this user's, or the address is no
    longer on the organisation's domains.
    """
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=settings.ACCOUNTS_VERIFICATION_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise MembershipRefused("expired") from None
    except signing.BadSignature:
        raise MembershipRefused("invalid") from None
    membership = Membership.objects.select_related("organization").filter(pk=data.get("m"), user=user).first()
    if membership is None:
        raise MembershipRefused("invalid")
    last_event = membership.events.order_by("-pk").values_list("pk", flat=True).first()
    if membership.status != Membership.Status.REQUESTED or last_event != data.get("v"):
        raise MembershipRefused("used")
    if not membership.organization.owns_address(data["e"]):
        raise MembershipRefused("invalid")
    membership_verify(membership=membership, by=user, method=Membership.Method.EMAIL, email=data["e"], now=now)
    return membership
