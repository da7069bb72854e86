"""The one rule registry. The CLI, `cc-toolkit rules`, the README catalog and every report
are generated from it.

A rule declares its code, a readable name, its default severity, what it looks at (its scope)
and a short text; the function yields findings without severity (the engine applies it).

Scopes:
  reader   found while reading (the rule has no function; the reader emits its code)
  xml      called once for each parsed XML document: fn(doc, ctx)
  html     called once for each HTML document: fn(name, text, ctx)
  package  called once with the whole model: fn(pkg, ctx)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..finding import Severity


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    scope: str
    summary: str
    fix: str = ""
    check: Callable | None = None

    @property
    def family(self) -> str:
        return self.code.rstrip("0123456789")


REGISTRY: dict[str, Rule] = {}
SCOPES = ("reader", "xml", "html", "package")


def _add(r: Rule) -> Rule:
    if r.code in REGISTRY:
        raise ValueError(f"rule code {r.code} registered twice")
    if r.scope not in SCOPES:
        raise ValueError(f"{r.code}: unknown scope {r.scope}")
    REGISTRY[r.code] = r
    return r


def rule(code: str, name: str, severity: str, scope: str, summary: str, fix: str = ""):
    """Register a checking function as a rule."""

    def deco(fn):
        _add(Rule(code, name, Severity.parse(severity), scope, summary, fix, fn))
        return fn

    return deco


def reader_rule(code: str, name: str, severity: str, summary: str, fix: str = "") -> None:
    """Register a code that the reader emits itself."""
    _add(Rule(code, name, Severity.parse(severity), "reader", summary, fix, None))


def all_rules() -> list[Rule]:
    from . import rules  # noqa: F401  (registers every rule module)

    return sorted(REGISTRY.values(), key=lambda r: r.code)


def get(code: str) -> Rule | None:
    all_rules()
    return REGISTRY.get(code)
