"""What a content backup holds: every model of the content apps, and the permission groups.

The apps are listed in settings.BLOG_CONTENT_APPS, not here, so that core
names no app; a model added later to one of them is included without
changing the commands (export_content, import_content).
"""

import datetime
import itertools

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder

FORMAT = 1


def content_labels():
    return ["auth.Group", *settings.BLOG_CONTENT_APPS]


def content_models():
    models = [apps.get_model("auth", "Group")]
    for label in settings.BLOG_CONTENT_APPS:
        models.extend(apps.get_app_config(label).get_models())
    return models


class ExactJSONEncoder(DjangoJSONEncoder):
    """Keep dates to the microsecond: Django's encoder cuts them to the millisecond.

    Comments are numbered and queued by their times; a restore must give
    back the same moments, not ones rounded down.
    """

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def content_serialize(stream):
    """Write every content row to `stream` as Django JSON that loaddata reads back."""
    rows = itertools.chain.from_iterable(model._base_manager.order_by("pk").iterator() for model in content_models())
    serializers.serialize("json", rows, stream=stream, cls=ExactJSONEncoder, use_natural_foreign_keys=True)
