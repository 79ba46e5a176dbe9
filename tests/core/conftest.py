import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """Pages and messages in English, so assertions do not depend on the French catalogue."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
