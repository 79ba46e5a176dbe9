"""The site's addresses, plus the trivial view the throughput benchmark compares pages with."""

from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    """The cheapest Django answer: the whole middleware stack, no template, no query."""
    return HttpResponse("Hello, reader.", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial),
    path("", include("config.urls")),
]
