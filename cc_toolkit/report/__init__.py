"""Reporters, registered by name: the CLI's --format choices come from here."""
from __future__ import annotations

from typing import Callable

VALIDATE: dict[str, Callable] = {}
INSPECT: dict[str, Callable] = {}
AUDIT: dict[str, Callable] = {}


def validate_reporter(name: str):
    def deco(fn):
        VALIDATE[name] = fn
        return fn
    return deco


def inspect_reporter(name: str):
    def deco(fn):
        INSPECT[name] = fn
        return fn
    return deco


def audit_reporter(name: str):
    def deco(fn):
        AUDIT[name] = fn
        return fn
    return deco


from . import text, json_report, audit_report, junit, sarif, github  # noqa: E402,F401  (register the reporters)
