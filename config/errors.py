"""The page shown when a request fails: 503 while the database is unreachable, else 500.

A database outage (connection refused, lost, timed out) is not a bug in
the page: the reader gets "try again in a moment" with HTTP 503 and a
Retry-After header, and the log says what failed. The page is drawn
without touching the database (no session, no user), in the language the
request was answered in. Any other error keeps Django's 500 page.

Installed as handler500 in config.urls, which Django calls for any
exception not turned into a response, wherever it was raised (a view, a
middleware, the session saved after the view).
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger("config.errors")

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def database_unavailable(error):
    """Whether an exception, or one it was raised from, says the database cannot be reached."""
    while error is not None:
        if isinstance(error, DATABASE_UNAVAILABLE):
            return True
        error = error.__cause__ or error.__context__
    return False


def service_unavailable(request=None):
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    error = sys.exc_info()[1]
    if database_unavailable(error):
        logger.warning("Database unavailable, answered 503: %s", error)
        return service_unavailable(request)
    return defaults.server_error(request, template_name=template_name)
