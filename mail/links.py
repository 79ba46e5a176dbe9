"""Links in e-mails: absolute, from SITE_URL, and made as the e-mail is rendered.

`absolute_url` is the one place that builds an e-mail's links, from
SITE_URL, never from the Host of the request that asked. A link that opens
something (confirm an account, reset a password, verify a membership) is a
`MailLink`: the name of the function that makes it and its arguments. The
worker makes the link as it renders the e-mail, so the signed token exists
only in the e-mail that leaves, never in a queue or ledger row that staff
can read in the admin.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urljoin

from django.conf import settings


def site_url() -> str:
    """The address links in e-mails start with: SITE_URL, or the first host the blog answers to."""
    configured = settings.SITE_URL
    if configured:
        return configured.rstrip("/") + "/"
    hosts = [host for host in settings.ALLOWED_HOSTS if host and not host.startswith((".", "*"))]
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{hosts[0] if hosts else 'localhost'}/"


def absolute_url(path: str) -> str:
    """A path of the site (reverse(), get_absolute_url()) as a full address for an e-mail."""
    return urljoin(site_url(), path)


def mail_link(maker: Callable[..., str]) -> Callable[..., str]:
    """Mark a function that makes a link for an e-mail at send time (see MailLink)."""
    maker.makes_mail_link = True
    return maker


class MailLink:
    """A link an e-mail carries, made by the worker as it renders the e-mail.

    `maker` is a module-level function decorated with @mail_link that
    returns the absolute URL; its arguments are plain values or model
    instances. The queue keeps only the maker's name and the arguments.
    """

    def __init__(self, maker: Callable[..., str], *args: object) -> None:
        if not getattr(maker, "makes_mail_link", False):
            raise TypeError(f"{maker!r} is not marked @mail_link.")
        self.maker, self.args = maker, args
