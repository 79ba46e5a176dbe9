"""Settings for the servers the benchmarks start: the project's own, plus two things.

- ROOT_URLCONF adds /bench/trivial/, a view that returns a short string:
  the baseline of bench/throughput.py. It exists only under these settings,
  never on the site.
- Static files are served from the source folder with the plain storage,
  so no collectstatic is needed.

Everything else (database, cache, secret, hosts) comes from the environment
that bench/harness.py gives the server, as in production.
"""

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, STORAGES

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = BASE_DIR / "static"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
