"""Give the test run its environment before Django reads its settings.

Loaded by pytest as a plugin (`-p tests.environment` in pyproject.toml), so
it runs before pytest-django imports config.settings. A variable already set
(DATABASE_URL for PostgreSQL, say) is kept.
"""

import os
import secrets

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
