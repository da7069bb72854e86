"""Identifiers in the manifest: unique and valid as xs:ID."""
from __future__ import annotations

import re

from ...finding import Finding
from ..registry import rule

# xs:ID is an NCName: a letter or '_' first, then letters, digits, '.', '-', '_' (Unicode letters allowed)
_NCNAME = re.compile(r"^[^\W\d.\-][\w.\-\u00b7\u0300-\u036f\u203f-\u2040]*$", re.UNICODE)


def _id_elements(root):
    for el in root.iter():
        if isinstance(el.tag, str) and el.get("identifier") is not None:
            yield el


@rule("ID001", "duplicate-identifier", "error", "package",
      "Two elements of the manifest share an identifier; identifierrefs to it become ambiguous.",
      "Give every organization, item and resource its own identifier.")
def duplicate_identifier(pkg, ctx):
    if pkg.manifest_root is None:
        return
    seen: dict[str, int | None] = {}
    for el in _id_elements(pkg.manifest_root):
        ident = el.get("identifier")
        if ident in seen:
            yield Finding("ID001", f"identifier {ident!r} is already used at line {seen[ident]}",
                          "imsmanifest.xml", el.sourceline, ident)
        else:
            seen[ident] = el.sourceline


@rule("ID002", "invalid-identifier", "error", "package",
      "An identifier is not a valid xs:ID (it must not start with a digit, '-' or '.', nor contain spaces or ':').",
      "Prefix the identifier with a letter (Canvas uses 'i' or 'g' + 32 hex digits).")
def invalid_identifier(pkg, ctx):
    if pkg.manifest_root is None:
        return
    for el in _id_elements(pkg.manifest_root):
        ident = el.get("identifier")
        if not _NCNAME.match(ident or ""):
            yield Finding("ID002", f"identifier {ident!r} is not a valid xs:ID", "imsmanifest.xml", el.sourceline, ident)


@rule("ID003", "missing-identifier", "error", "package",
      "A resource has no identifier (or an empty one), so nothing can refer to it.",
      "Add an identifier attribute.")
def missing_identifier(pkg, ctx):
    if pkg.manifest is None:
        return
    for r in pkg.manifest.resources:
        if not r.identifier:
            yield Finding("ID003", f"resource of type {r.type!r} has no identifier", "imsmanifest.xml", r.line)
