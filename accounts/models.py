from __future__ import annotations

import unicodedata
from typing import Self

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.bidi import isolate
from core.plain_text import validate_decodable, validate_name


def same_address(stored, typed):
    """Whether a typed address is the stored one, up to the case of letters whose case maps both ways.

    PostgreSQL's UPPER() turns a dotless ı into I, so email__iexact finds
    "claire@" for "claıre@"; Python's lower() and casefold() have such
    one-way mappings too. A letter whose case does not map back is another
    letter: the address is refused, on every database alike. Compatibility
    forms (a long ſ, the Kelvin sign K) were already normalised (NFKC) by
    the caller, as Django's username field does on the admin's login page.
    """
    return stored.lower() == typed.lower() and stored.upper() == typed.upper()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, email: str) -> User:
        """The account a login names: its address in whatever case it is typed, and nothing else.

        The typed address is normalised (NFKC) like the admin's username
        field does, so both login pages read it alike; the database finds
        it (email__iexact); an address it matched only through a case
        mapping that does not go both ways logs into nothing (same_address).
        """
        email = unicodedata.normalize("NFKC", email)
        for user in self.filter(email__iexact=email).order_by("pk"):
            if same_address(user.email, email):
                return user
        raise self.model.DoesNotExist(f"No account has the address {email!r}.")

    def at_address(self, email: str) -> models.QuerySet[User]:
        """The accounts at this address in any case, as the database matches it: every address that logs in to
        one (get_by_natural_key), and look-alikes that only the database's case mapping joins to one."""
        return self.filter(email__iexact=email)

    def awaiting_confirmation(self, email: str) -> User | None:
        """The account at this address, in any case, that waits for its owner's confirmation; else None."""
        return self.filter(email__iexact=email, awaiting_confirmation=True).first()


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address and signs with a display name."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        validators=[validate_name],
        help_text=_("The name shown beside this person's posts and comments."),
    )
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    bio = models.TextField(_("short bio"), max_length=500, blank=True, validators=[validate_decodable])
    website = models.URLField(_("website"), blank=True)
    is_staff = models.BooleanField(_("staff status"), default=False, help_text=_("Staff can log into the admin site."))
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Unset this instead of deleting the account.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    awaiting_confirmation = models.BooleanField(
        _("awaiting e-mail confirmation"),
        default=False,
        help_text=_("Set at sign-up: the account stays inactive until its owner follows the link e-mailed to them."),
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["display_name"]
        constraints = [
            # Logins match the address in any case, so two accounts must not
            # differ only by case: the second could never log in.
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("An account with this e-mail address already exists."),
            ),
        ]

    def __str__(self):
        return isolate(self.display_name or self.email)

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name

    @property
    def avatar_url(self):
        """The uploaded avatar, else the neutral silhouette every account shares."""
        return self.avatar.url if self.avatar else static("img/avatar-default.svg")


def _lines(text):
    """The non-empty lines of a text field, lowercased: domains and keywords are typed one per line."""
    return [line.strip().lower() for line in text.splitlines() if line.strip()]


class Organization(models.Model):
    """A brand whose verified representatives answer readers in its name."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    logo = models.ImageField(_("logo"), upload_to="organizations/", blank=True)
    website = models.URLField(_("website"), blank=True)
    email_domains = models.TextField(
        _("e-mail domains"),
        blank=True,
        help_text=_("One per line, e.g. maison-verdane.example. A link sent to an address there verifies a member."),
    )
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_(
            "One per line: the brand's names and products. Comments mentioning them alert its members; "
            "nobody but its verified members may use them in a name."
        ),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return isolate(self.name)

    def domains(self):
        return [domain.lstrip("@") for domain in _lines(self.email_domains)]

    def keyword_list(self):
        return _lines(self.keywords)

    def owns_address(self, email):
        """Whether an e-mail address is on one of the organisation's domains (not a subdomain)."""
        domain = email.rpartition("@")[2].strip().lower()
        return bool(domain) and domain in self.domains()


class MembershipQuerySet(models.QuerySet):
    def verified(self) -> Self:
        return self.filter(status=Membership.Status.VERIFIED, user__is_active=True)


class Membership(models.Model):
    """A user who speaks for an organisation once verified; the badge follows this row.

    Verified by a staff decision in the admin, or by a signed link sent to an
    address on one of the organisation's domains. Revoking it takes the badge
    off every comment, old ones included, since badges are derived when
    pages are drawn; once revoked, only staff can verify it again.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        VERIFIED = "verified", _("Verified")
        REVOKED = "revoked", _("Revoked")

    class Method(models.TextChoices):
        STAFF = "staff", _("Staff decision")
        EMAIL = "email", _("Link sent to the organisation's domain")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(
        _("role"), max_length=100, blank=True, validators=[validate_name], help_text=_("e.g. Community manager")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.REQUESTED)
    method = models.CharField(_("verified by"), max_length=10, choices=Method, blank=True)
    verified_email = models.EmailField(_("verified address"), blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    links_sent = models.PositiveIntegerField(
        _("verification links sent"),
        default=0,
        editable=False,
        help_text=_("Each link carries its number: only the latest one sent can verify the membership."),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="membership_once_per_user")]

    def __str__(self):
        return _("%(user)s for %(organization)s") % {"user": self.user, "organization": self.organization}


class MembershipEvent(models.Model):
    """The audit trail of memberships: every request, verification and revocation."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    from_status = models.CharField(_("from"), max_length=10, choices=Membership.Status, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Membership.Status)
    method = models.CharField(_("how"), max_length=10, choices=Membership.Method, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.membership_id}: {self.from_status or '∅'} → {self.to_status}"
