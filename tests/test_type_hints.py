"""Every service and QuerySet method says what it takes and gives, and the names it uses resolve.

A hint that names a class the module never imports fails only when
someone asks for it (the modules use `from __future__ import annotations`):
typing.get_type_hints asks here, for each of them.
"""

import importlib
import inspect
import typing

import pytest
from django.db import models

SERVICE_MODULES = [
    "accounts.self_service",
    "accounts.services",
    "accounts.verification",
    "comments.mentions",
    "comments.notifications",
    "comments.retention",
    "comments.services",
    "mail.context",
    "mail.ledger",
    "mail.links",
    "mail.messages",
    "mail.suppressions",
    "mail.tasks",
]
MODEL_MODULES = ["accounts.models", "blog.models", "comments.models"]


def functions_of(module_name):
    module = importlib.import_module(module_name)
    for name, value in vars(module).items():
        function = getattr(value, "func", value)  # A @task keeps its function as .func.
        if inspect.isfunction(function) and function.__module__ == module_name and not name.startswith("_"):
            yield name, function


def queryset_methods():
    for module_name in MODEL_MODULES:
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, models.QuerySet) and value.__module__ == module_name:
                for method_name, method in vars(value).items():
                    if inspect.isfunction(method) and not method_name.startswith("_"):
                        yield f"{name}.{method_name}", method


FUNCTIONS = [
    *((f"{module}.{name}", function) for module in SERVICE_MODULES for name, function in functions_of(module)),
    *((f"{function.__module__}.{name}", function) for name, function in queryset_methods()),
]


@pytest.mark.parametrize(("name", "function"), FUNCTIONS, ids=[name for name, _function in FUNCTIONS])
def test_a_service_or_queryset_method_has_hints_that_resolve(name, function):
    signature = inspect.signature(function)
    unhinted = [
        parameter.name
        for parameter in signature.parameters.values()
        if parameter.name not in ("self", "cls") and parameter.annotation is inspect.Parameter.empty
    ]

    assert unhinted == [], f"{name}: no hint for {', '.join(unhinted)}"
    assert signature.return_annotation is not inspect.Signature.empty, f"{name}: no return hint"
    typing.get_type_hints(function)  # Raises NameError for a name the module does not have.
