import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """The demo runs in English as it did among the blog tests (the root conftest's fixture)."""
