"""Settings for the blog, read from the environment in this one place.

Defaults suit a laptop (SQLite file, console e-mail, local-memory cache).
Production sets DEBUG=false and must then give SECRET_KEY and ALLOWED_HOSTS:
the process refuses to start without them rather than run with a guessable
key. Every variable is listed in docs/configuration.md.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def development_secret_key():
    """Keep one generated key per checkout so sessions survive a restart."""
    from django.core.management.utils import get_random_secret_key

    path = BASE_DIR / ".dev-secret-key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = get_random_secret_key()
        path.write_text(key)
        return key


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment "
            "(for example: export SECRET_KEY=\"$(python -c 'import secrets; print(secrets.token_urlsafe(50))')\"), "
            "or set DEBUG=true on a development machine to use a generated key."
        )
    SECRET_KEY = development_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is not set: list the host names this blog answers to.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A comment refused by the CSRF check comes back on its post's page with its text (comments.posting.csrf_failure).
CSRF_FAILURE_VIEW = "comments.posting.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    # The blog's own apps, lowest layer first (docs/architecture.md).
    "core",
    "mail",
    "accounts",
    "blog",
    "comments",
    "pagecache",
    "wordpress",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost with SecurityMiddleware, so every answer carries them: also a 400 that a later
    # middleware returns (a bad Host header is refused by CommonMiddleware) and a cached page.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cached post pages: for readers without a session before the rest of the stack, for the others just
    # before the view (pagecache/middleware.py).
    "pagecache.middleware.CachedPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A login over its limits (accounts.throttle), on the site's page or the admin's, answers 429.
    "accounts.throttle.LoginRefusalMiddleware",
    # Imported blogs: an old WordPress permalink that would be a 404 answers 301 to its post.
    "wordpress.redirects.OldPermalinkMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "blog.context_processors.site",
            ],
        },
    },
]

# Database: a SQLite file by default; PostgreSQL (psycopg 3) when DATABASE_URL
# says so, with persistent connections checked before each request reuses them.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by every process), else local memory.
# TolerantRedisCache (config/cache.py) treats an unreachable Redis as a miss and
# logs it, so a cache outage never takes the site down.
if env("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "config.cache.TolerantRedisCache",
            "LOCATION": env("REDIS_URL"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
# Passwords are checked behind the login limits, whichever page asks (accounts.backends).
AUTHENTICATION_BACKENDS = ["accounts.backends.ThrottledModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "blog:post_list"
LOGOUT_REDIRECT_URL = "blog:post_list"

# Languages: the blog writes in French; English is offered by the switcher.
LANGUAGE_CODE = env("LANGUAGE_CODE", "fr")
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploads are served by Django unless a web server in front serves MEDIA_ROOT.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail (Django 6.1 mailers): printed on the console unless EMAIL_HOST is set.
if env("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("EMAIL_HOST"),
                "port": env_int("EMAIL_PORT", 587),
                "username": env("EMAIL_HOST_USER", ""),
                "password": env("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": env_int("EMAIL_TIMEOUT", 10),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "blog@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Readers' bare "www." addresses become https:// links (Django 2028's default).
URLIZE_ASSUME_HTTPS = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security. Cookies and HSTS follow DEBUG so a laptop works over plain HTTP.
BEHIND_PROXY = env_bool("BEHIND_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# The language cookie says nothing secret, but it changes every page: only over HTTPS, never cross-site.
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preloading is a promise to browsers that is slow to take back, so it stays
# the operator's choice (docs/deployment.md); the check that nags about it is
# silenced only while preloading is off.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "https:"],
    "frame-src": [],  # filled from BLOG_EMBED_HOSTS below
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# The blog's own settings, each overridable from the environment.
BLOG_TITLE = env("BLOG_TITLE", "Carnet de communauté")
BLOG_DESCRIPTION = env("BLOG_DESCRIPTION", "Notes sur les marques, leurs communautés et l'art de leur répondre.")
BLOG_POSTS_PER_PAGE = env_int("BLOG_POSTS_PER_PAGE", 10)
# Images (covers, avatars, logos): uploads above these limits are refused.
IMAGE_MAX_UPLOAD_BYTES = env_int("IMAGE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
# Imports from the admin (WordPress or Disqus export): larger files go through manage.py import_wxr.
BLOG_IMPORT_MAX_UPLOAD_BYTES = env_int("BLOG_IMPORT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
# Imports refuse, whole and before writing, a file whose replies nest deeper than this (0 = the top level).
BLOG_IMPORT_MAX_DEPTH = env_int("BLOG_IMPORT_MAX_DEPTH", 1000)
# What a content backup holds (core.backup, manage.py export_content): these apps' models and the permission groups.
BLOG_CONTENT_APPS = ["mail", "accounts", "blog", "comments", "wordpress"]
# Video embeds allowed in post bodies: iframes from other hosts are removed.
BLOG_EMBED_HOSTS = env_list(
    "BLOG_EMBED_HOSTS",
    "www.youtube-nocookie.com,www.youtube.com,player.vimeo.com,www.dailymotion.com",
)
# The browser loads the frames the sanitizer keeps: one list for both.
SECURE_CSP["frame-src"] = [f"https://{host}" for host in BLOG_EMBED_HOSTS] or ["'none'"]

# Comments and their moderation. Each rule of comments/policy.py reads one of
# these; docs/moderation.md explains them. Durations are in the unit named.
COMMENTS_PUBLICATION_DELAY = timedelta(hours=env_int("COMMENTS_PUBLICATION_DELAY_HOURS", 48))
COMMENTS_CLOSE_AFTER_DAYS = env_int("COMMENTS_CLOSE_AFTER_DAYS", 0)  # 0: never close by age
COMMENTS_MAX_DEPTH = env_int("COMMENTS_MAX_DEPTH", 3)
COMMENTS_BODY_MAX_LENGTH = env_int("COMMENTS_BODY_MAX_LENGTH", 5000)
COMMENTS_MAX_LINKS = env_int("COMMENTS_MAX_LINKS", 2)
COMMENTS_BLOCKLIST = env_list("COMMENTS_BLOCKLIST", "viagra,casino,crypto-bonus")
COMMENTS_REQUIRE_PREVIOUS_APPROVAL = env_bool("COMMENTS_REQUIRE_PREVIOUS_APPROVAL", False)
COMMENTS_MIN_SUBMIT_SECONDS = env_int("COMMENTS_MIN_SUBMIT_SECONDS", 3)
COMMENTS_FORM_MAX_AGE_HOURS = env_int("COMMENTS_FORM_MAX_AGE_HOURS", 24)
COMMENTS_RATE_LIMIT = env_int("COMMENTS_RATE_LIMIT", 5)
COMMENTS_RATE_WINDOW = timedelta(minutes=env_int("COMMENTS_RATE_WINDOW_MINUTES", 10))
COMMENTS_DUPLICATE_WINDOW = timedelta(hours=env_int("COMMENTS_DUPLICATE_WINDOW_HOURS", 24))
# Independent readers (distinct address blocks: an IPv4 address, an IPv6 /64) whose reports put a public comment
# before a moderator; and how many reports one account, and one address block, may make in a day.
COMMENTS_FLAGS_TO_HOLD = env_int("COMMENTS_FLAGS_TO_HOLD", 3)
COMMENTS_REPORTS_PER_DAY_PER_ACCOUNT = env_int("COMMENTS_REPORTS_PER_DAY_PER_ACCOUNT", 10)
COMMENTS_REPORTS_PER_DAY_PER_BLOCK = env_int("COMMENTS_REPORTS_PER_DAY_PER_BLOCK", 20)
# A verified representative speaking for their organisation is published at once.
COMMENTS_APPROVE_VERIFIED = env_bool("COMMENTS_APPROVE_VERIFIED", True)

# Long threads (comments/thread.py), paged like WordPress: top-level comments
# per page, each with all its replies (0: the whole thread on one page), and
# which come first, "oldest" or "newest".
COMMENTS_PER_PAGE = env_int("COMMENTS_PER_PAGE", 50)
COMMENTS_ORDER = env("COMMENTS_ORDER", "oldest")
if COMMENTS_ORDER not in ("oldest", "newest"):
    raise ImproperlyConfigured(f'COMMENTS_ORDER must be "oldest" or "newest", not {COMMENTS_ORDER!r}.')
# Post pages are cached whole for anonymous readers (pagecache/pages.py), in
# the default cache, for at most this many seconds; 0 turns the cache off.
BLOG_PAGE_CACHE_SECONDS = env_int("BLOG_PAGE_CACHE_SECONDS", 600)

# The site's address, for links in e-mails (all sent by the worker, outside a
# request); empty: the first of ALLOWED_HOSTS (mail.links.site_url).
SITE_URL = env("SITE_URL", "")

# Accounts: how long a membership verification link sent to a brand's domain stays valid.
ACCOUNTS_VERIFICATION_LINK_MAX_AGE = timedelta(hours=env_int("ACCOUNTS_VERIFICATION_LINK_MAX_AGE_HOURS", 72))

# Background work (django.tasks): e-mails and other side effects wait in a
# database queue until `manage.py db_worker` runs them, so nothing is lost
# while no worker runs. Publication never waits for it (Comment.objects.public).
INSTALLED_APPS += ["django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A task (or an e-mail being sent) whose worker died is run again once it has been running this long:
# longer than any task takes (an e-mail: EMAIL_TIMEOUT per step of the SMTP conversation). core.worker.
TASKS_LEASE = timedelta(seconds=env_int("TASKS_LEASE_SECONDS", 300))

# Notifications (docs/notifications.md). Moderators are the active accounts with
# the "Can moderate comments" permission, plus these addresses.
NOTIFICATIONS_MODERATOR_EMAILS = env_list("NOTIFICATIONS_MODERATOR_EMAILS")
# "": one e-mail per comment that enters the queue; "hourly" or "daily": one digest.
NOTIFICATIONS_MODERATOR_DIGEST = env("NOTIFICATIONS_MODERATOR_DIGEST", "")
if NOTIFICATIONS_MODERATOR_DIGEST not in ("", "hourly", "daily"):
    raise ImproperlyConfigured("NOTIFICATIONS_MODERATOR_DIGEST must be empty, hourly or daily.")
# How long the link that confirms a reader's reply subscription stays valid.
NOTIFICATIONS_CONFIRM_LINK_MAX_AGE = timedelta(hours=env_int("NOTIFICATIONS_CONFIRM_LINK_MAX_AGE_HOURS", 72))
# How often the worker looks for comments that went public, sends digests and purges.
NOTIFICATIONS_PERIOD = timedelta(minutes=env_int("NOTIFICATIONS_PERIOD_MINUTES", 5))
# Spam and rejected comments older than this are deleted by `manage.py purge_comments`.
COMMENTS_RETENTION_DAYS = env_int("COMMENTS_RETENTION_DAYS", 90)

# Hardening: rate limits of the public forms (core/rate_limit.py; login: accounts/throttle.py), as
# (attempts, window in seconds), counted in the cache per IP address or account.
RATE_LIMIT_WINDOW_MINUTES = env_int("RATE_LIMIT_WINDOW_MINUTES", 15)
RATE_LIMITS = {
    # Failed logins: per account against password guessing, per IP against trying many accounts.
    "login_account": (env_int("RATE_LIMIT_LOGIN_PER_ACCOUNT", 5), RATE_LIMIT_WINDOW_MINUTES * 60),
    "login_ip": (env_int("RATE_LIMIT_LOGIN_PER_IP", 20), RATE_LIMIT_WINDOW_MINUTES * 60),
    # Forms that send an e-mail or record something: every POST counts.
    "signup_ip": (env_int("RATE_LIMIT_SIGNUP_PER_IP", 5), RATE_LIMIT_WINDOW_MINUTES * 60),
    "password_reset_ip": (env_int("RATE_LIMIT_PASSWORD_RESET_PER_IP", 5), RATE_LIMIT_WINDOW_MINUTES * 60),
    "password_reset_address": (env_int("RATE_LIMIT_PASSWORD_RESET_PER_ADDRESS", 3), RATE_LIMIT_WINDOW_MINUTES * 60),
    "report_ip": (env_int("RATE_LIMIT_REPORT_PER_IP", 20), RATE_LIMIT_WINDOW_MINUTES * 60),
    # Each request to represent an organisation may e-mail a link to an address at its domain.
    "membership_request_account": (
        env_int("RATE_LIMIT_MEMBERSHIP_REQUEST_PER_ACCOUNT", 5),
        RATE_LIMIT_WINDOW_MINUTES * 60,
    ),
}
# Privacy: commenters' IP addresses and user agents are kept this many days for
# the spam and rate rules, then erased by `manage.py purge_comments` and the periodic task (comments.retention).
COMMENTS_IP_RETENTION_DAYS = env_int("COMMENTS_IP_RETENTION_DAYS", 90)
