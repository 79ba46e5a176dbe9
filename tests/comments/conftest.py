import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _comment_settings(settings):
    """English pages, and no "too fast" rule unless a test asks for it.

    A form posted by the test client comes back within the same second it was
    signed; tests of the "too fast" rule set COMMENTS_MIN_SUBMIT_SECONDS again.
    """
    settings.LANGUAGE_CODE = "en"
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0
    with translation.override("en"):
        yield
