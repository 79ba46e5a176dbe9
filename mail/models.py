"""What the mail app keeps: the ledger of e-mails sent once, and the addresses never written to again.

Both tables kept the names they had in the comments app (Meta.db_table):
the models moved here with their rows, permissions and admin history
(mail/0001, core.model_moves).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.bidi import isolate


class Suppression(models.Model):
    """An address the blog never writes to again: it unsubscribed, or mail to it bounced.

    There is no bounce webhook: bounces get here through the admin (add the
    address) or `manage.py suppress_address ADDRESS --reason bounced`.
    Addresses are stored in lower case.
    """

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Bounced")
        COMPLAINED = "complained", _("Marked as spam by the recipient")

    email = models.EmailField(_("e-mail address"), unique=True)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        ordering = ["-created_at"]
        db_table = "comments_suppression"  # Its table since unsubscribing was the comments' (mail/0001).

    def __str__(self):
        return isolate(self.email)

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def clean(self):
        # Before the admin's uniqueness check, so "A@x" is found to be "a@x".
        self.email = self.email.strip().lower()


class Delivery(models.Model):
    """The ledger of every e-mail the blog sends: one row per kind, recipient and subject of the e-mail.

    The row is recorded ("queued") before anything is sent, in the
    transaction of what caused it, and claimed by one update before it is
    sent (mail.ledger): its unique constraint records an e-mail once, and
    the claim lets one worker send it. The row keeps what the e-mail is made
    from, never a link that opens something, so one left "sending" by a
    worker that died is sent again from here.
    """

    class Kind(models.TextChoices):
        QUEUED = "queued", _("Comment waiting for moderation")
        DIGEST = "digest", _("Moderation digest")
        PUBLISHED = "published", _("Comment published")
        REJECTED = "rejected", _("Comment rejected")
        REPLY = "reply", _("New reply")
        CONFIRM = "confirm", _("Subscription confirmation")
        MENTION = "mention", _("Brand mention")
        ACCOUNT = "account", _("Account e-mail")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SUPPRESSED = "suppressed", _("Not sent: address suppressed")
        OBSOLETE = "obsolete", _("Not sent: what it was about is gone")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    recipient = models.EmailField(_("recipient"))
    key = models.CharField(_("about"), max_length=100, help_text=_("What the e-mail is about, e.g. comment:42."))
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    error = models.CharField(_("last error"), max_length=300, blank=True)
    message = models.JSONField(
        _("e-mail"),
        default=dict,
        blank=True,
        help_text=_("What the e-mail is made from: template, language and references. Its links are made when sent."),
    )
    created_at = models.DateTimeField(_("claimed"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-id"]
        db_table = "comments_delivery"  # Its table since it was the comments' ledger (mail/0001).
        constraints = [models.UniqueConstraint(fields=["kind", "recipient", "key"], name="delivery_once")]

    def __str__(self):
        return f"{self.kind} → {self.recipient} ({self.key})"
