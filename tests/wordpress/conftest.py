import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """The import reports and the admin page are read in English (the root conftest's fixture)."""
