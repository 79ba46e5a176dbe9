import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """Pages, messages and e-mails in English, so assertions do not depend on the French catalogue.

    Comments in these tests are sent at once: no "too fast" rule.
    """
    settings.LANGUAGE_CODE = "en"
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0
    with translation.override("en"):
        yield
