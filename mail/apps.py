from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    """The one way e-mail leaves the blog: rendering, the send task, the ledger, suppressions.

    Other apps ask it to send; it imports none of them (the contract "mail
    knows only core" in pyproject.toml).
    """

    name = "mail"
    verbose_name = _("E-mail")
