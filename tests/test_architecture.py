"""The layers picture in docs/ is the code's, and the only imports going up are the contract's named exceptions."""

import importlib.util

import pytest
from django.conf import settings


@pytest.fixture(scope="module")
def layers():
    """docs/layers.py, which draws the picture from the imports and reads the rows from the layers contract."""
    spec = importlib.util.spec_from_file_location("layers", settings.BASE_DIR / "docs" / "layers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_layers_picture_matches_the_imports_of_the_code(layers):
    assert layers.OUTPUT.read_text() == layers.render(), "The imports changed: run `make diagram` and commit it."


def test_the_only_imports_going_up_are_the_named_exceptions_of_the_layers_contract(layers):
    """The picture's red arrows and the contract's ignore_imports name the same pairs of apps."""
    level = {app: depth for depth, row in enumerate(layers.LAYERS) for app in row}

    _apps, counts = layers.app_imports()
    upward = {(importer, imported) for importer, imported in counts if level[imported] > level[importer]}
    named = {
        tuple(module.strip().split(".")[0] for module in exception.split("->"))
        for exception in layers.layers_contract()["ignore_imports"]
    }

    assert upward == named == {("blog", "comments"), ("accounts", "comments")}
