"""Reporters, registered by name: the CLI's --format choices come from here."""
from __future__ import annotations

from typing import Callable

import re

# control characters, line separators, and the bidi controls that can make text read other than it is
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def safe(text) -> str:
    """Package-controlled text made printable on one line: control characters (newlines included) are
    shown escaped, so a file name can never forge an output line or a CI workflow command."""
    if text is None:
        return ""
    s = str(text)
    if _UNSAFE.search(s):
        s = _UNSAFE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), s)
    return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


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
