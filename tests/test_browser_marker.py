"""The browser tests carry the `e2e` marker and stay out of a run chosen by `-k` alone (tests/conftest.py)."""

import subprocess
import sys

import pytest
from django.conf import settings


def collected(*args):
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    return [line for line in run.stdout.splitlines() if "::" in line]


@pytest.mark.parametrize(
    ("args", "browser_tests"),
    [
        (["-k", "smoke"], False),
        (["-k", "smoke", "-m", "e2e"], True),
        (["-k", "smoke", "tests/e2e"], True),
    ],
    ids=["-k alone", "-k with -m e2e", "-k with the folder"],
)
def test_browser_tests_run_only_when_asked_for(args, browser_tests):
    tests = collected(*args)

    assert tests
    assert any(test.startswith("tests/e2e/") for test in tests) == browser_tests


def test_every_browser_test_is_marked():
    assert collected("tests/e2e") == collected("-m", "e2e")
