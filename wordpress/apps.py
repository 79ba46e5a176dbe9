from django.apps import AppConfig


class WordpressConfig(AppConfig):
    """A blog moving in from WordPress or Disqus, and out again as WXR; its old permalinks keep working."""

    name = "wordpress"
    # Two proper names: the same in every language, so no catalogue entry.
    verbose_name = "WordPress, Disqus"
