from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app may use and that knows no app: text cleaning, names, bidi, images, tokens, client address."""

    name = "core"
    verbose_name = "Core"
