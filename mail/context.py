"""An e-mail's context as the queue and the ledger keep it: plain values, references to rows, links to make.

The queue's rows and the ledger (mail.models.Delivery) are readable in the
admin, so they hold what to send, never the e-mail itself: the template,
the recipient, the language and a context frozen here. The worker thaws it
as it renders: rows are read again (an e-mail about a row deleted since is
not sent) and links are made then (mail.links.MailLink).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from .links import MailLink


class MailObsolete(LookupError):
    """A row the queued e-mail refers to no longer exists: the e-mail is not sent."""


def context_freeze(value: Any) -> Any:
    """An e-mail's context as JSON for the queue: plain values, references to rows, links to make later."""
    if isinstance(value, models.Model):
        return {"$model": value._meta.label_lower, "pk": value.pk}
    if isinstance(value, MailLink):
        return {"$link": f"{value.maker.__module__}.{value.maker.__qualname__}", "args": context_freeze(value.args)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dict):
        return {str(key): context_freeze(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [context_freeze(item) for item in value]
    if isinstance(value, Promise):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"An e-mail's context holds plain values, rows and MailLinks, not {type(value).__name__}.")


def context_thaw(value: Any) -> Any:
    """The context `context_freeze` stored, with its rows read again and its links made now."""
    if isinstance(value, list):
        return [context_thaw(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "$model" in value:
        model = apps.get_model(value["$model"])
        found = model._default_manager.filter(pk=value["pk"]).first()
        if found is None:
            raise MailObsolete(f"{value['$model']} {value['pk']} no longer exists.")
        return found
    if "$link" in value:
        maker = import_string(value["$link"])
        if not getattr(maker, "makes_mail_link", False):
            raise TypeError(f"{value['$link']} is not marked @mail_link.")
        return maker(*context_thaw(value["args"]))
    if "$datetime" in value:
        return datetime.fromisoformat(value["$datetime"])
    return {key: context_thaw(item) for key, item in value.items()}
