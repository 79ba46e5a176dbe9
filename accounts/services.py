"""Memberships change only here, and every change leaves a MembershipEvent.

A membership is verified by a staff decision, or by the member following a
signed link sent to an address on one of the organisation's domains. The
link names the membership, the address, the membership's last event and
its own number (Membership.links_sent), so it expires
(ACCOUNTS_VERIFICATION_LINK_MAX_AGE), cannot be altered, and stops working
once anything else happened to the membership (a revocation, another link).

A staff decision (verifying, revoking) taken by a person needs a reason:
it is kept in the history and e-mailed to the person. (`by=None`, no
person, is for the blog's own code, loading data or tests: no door passes
it.) Once staff revoked a membership, the
person can neither ask again nor be sent or use a link: only staff restore
it, by verifying it (or by asking again on the person's behalf).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from mail.links import absolute_url
from mail.tasks import mail_send

from .models import Membership, MembershipEvent, Organization, User

LINK_SALT = "accounts.membership-verification"


class MembershipRefused(ValueError):
    """The change asked for does not apply to this membership (or this link).

    `reason` is a code pages can choose their words by: already_verified,
    already_revoked, off_domain, reason_required (a staff decision without
    one), revoked (only staff may act on a revoked membership), or for links
    expired, invalid, used.
    """

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message or reason)
        self.reason = reason


def _record(
    membership: Membership,
    to_status: str,
    *,
    actor: User | None,
    method: str = "",
    note: str = "",
    now: datetime | None = None,
    **changes: object,
) -> MembershipEvent:
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


def _on_behalf(user: User, by: User | None) -> bool:
    """Whether staff `by` act for the person, rather than the person themselves."""
    return by is not None and by.pk != user.pk


def membership_request(
    *,
    user: User,
    organization: Organization,
    role: str = "",
    by: User | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Membership:
    """Ask to speak for an organisation (the user, or staff `by` on their behalf).

    A revoked membership is asked again only by staff: the person is refused
    (MembershipRefused "revoked"), since staff took the badge away.
    """
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
        if not _on_behalf(user, by):
            raise MembershipRefused("revoked", "Only staff can restore a revoked membership.")
        _record(membership, Membership.Status.REQUESTED, actor=actor, note=note, now=now, role=role or membership.role)
    return membership


def _reason_required(note: str) -> None:
    if not note.strip():
        raise MembershipRefused("reason_required", "A staff decision on a membership needs a reason.")


def _decision_mail(membership: Membership, event: MembershipEvent, *, template: str) -> None:
    """Tell the person of a staff decision on their membership, with its reason, in the site's language."""
    context = {
        "user": membership.user,
        "organization": membership.organization,
        "note": event.note,
        "memberships_url": absolute_url(reverse("accounts:memberships")),
    }
    mail_send(template=template, context=context, to=membership.user.email, language=settings.LANGUAGE_CODE)


def membership_verify(
    *,
    membership: Membership,
    by: User | None = None,
    method: str = Membership.Method.STAFF,
    email: str = "",
    note: str = "",
    now: datetime | None = None,
) -> MembershipEvent:
    """Verify a membership: by a decision of staff `by`, which needs a reason and is e-mailed, or by a link.

    A staff decision also restores a revoked membership.
    """
    now = now or timezone.now()
    if membership.status == Membership.Status.VERIFIED:
        raise MembershipRefused("already_verified", "This membership is already verified.")
    staff_decision = method == Membership.Method.STAFF and by is not None
    if staff_decision:
        _reason_required(note)
    with transaction.atomic():
        event = _record(
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
        if staff_decision:
            _decision_mail(membership, event, template="accounts/email/membership_verified")
    return event


def membership_revoke(
    *, membership: Membership, by: User, note: str = "", now: datetime | None = None
) -> MembershipEvent:
    """Take the badge away, from old comments too (badges are derived when pages are drawn).

    A decision of staff `by`: it needs a reason, which the person is e-mailed.
    """
    if membership.status == Membership.Status.REVOKED:
        raise MembershipRefused("already_revoked", "This membership is already revoked.")
    if by is not None:
        _reason_required(note)
    with transaction.atomic():
        event = _record(membership, Membership.Status.REVOKED, actor=by, note=note, now=now, decided_by=by)
        if by is not None:
            _decision_mail(membership, event, template="accounts/email/membership_revoked")
    return event


def verification_link_issue(membership: Membership, email: str) -> dict[str, object]:
    """Number a new link to `email`, voiding every link sent before it; return what its token signs.

    Valid until the membership's next event, and while it is the latest
    link (its number is Membership.links_sent). No link for a revoked
    membership: only staff restore one. The number is taken when the link
    is asked for, not when the worker signs it, so of two queued e-mails
    only the later one's link works.
    """
    if membership.status == Membership.Status.REVOKED:
        raise MembershipRefused("revoked", "Only staff can restore a revoked membership.")
    if not membership.organization.owns_address(email):
        raise MembershipRefused("off_domain", "The address is not on one of the organisation's domains.")
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(links_sent=F("links_sent") + 1)
        number = Membership.objects.filter(pk=membership.pk).values_list("links_sent", flat=True).get()
    membership.links_sent = number
    last_event = membership.events.order_by("-pk").values_list("pk", flat=True).first()
    return {"m": membership.pk, "e": email.lower(), "v": last_event, "n": number}


def verification_token_sign(claims: dict[str, object]) -> str:
    """The signed token of a link numbered by verification_link_issue: made by the worker, never stored."""
    return signing.dumps(claims, salt=LINK_SALT)


def verification_token(membership: Membership, email: str) -> str:
    """A signed token for a new link to `email`, at once: it voids every link sent before it."""
    return verification_token_sign(verification_link_issue(membership, email))


def membership_verify_by_link(*, token: str, user: User, now: datetime | None = None) -> Membership:
    """Verify the membership a link names, for the user who follows it.

    Raise MembershipRefused with a reader-facing reason when the link is
    expired, altered, already used or replaced by a newer one ("used"), not
    this user's, the address is no longer on the organisation's domains, or
    staff revoked the membership ("revoked": only they restore it).
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
    if membership.status == Membership.Status.REVOKED:
        raise MembershipRefused("revoked")
    last_event = membership.events.order_by("-pk").values_list("pk", flat=True).first()
    if (
        membership.status != Membership.Status.REQUESTED
        or last_event != data.get("v")
        or membership.links_sent != data.get("n")
    ):
        raise MembershipRefused("used")
    if not membership.organization.owns_address(data["e"]):
        raise MembershipRefused("invalid")
    membership_verify(membership=membership, by=user, method=Membership.Method.EMAIL, email=data["e"], now=now)
    return membership
