from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo blog (manage.py load_demo): it writes accounts, posts and comments, so it sits above them all."""

    name = "demo"
    verbose_name = "Demo"
