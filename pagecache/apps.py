from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    """Whole post pages for anonymous readers (pagecache/pages.py); no model of its own."""

    name = "pagecache"
