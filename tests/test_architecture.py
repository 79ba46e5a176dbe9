"""The layers picture in docs/ is the code's: redrawn from the imports, it comes out the same."""

import importlib.util

from django.conf import settings


def test_the_committed_layers_picture_matches_the_imports_of_the_code():
    spec = importlib.util.spec_from_file_location("layers", settings.BASE_DIR / "docs" / "layers.py")
    layers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(layers)

    assert layers.OUTPUT.read_text() == layers.render(), "The imports changed: run `make diagram` and commit it."
