"""What Canvas itself says about an export."""
from __future__ import annotations

from ...finding import Finding
from ..registry import rule


@rule("EXP001", "canvas-export-error", "error", "package",
      "Canvas wrote an export error into the manifest (a comment after </manifest>): an item failed to export "
      "and is missing from the package.",
      "Open the named item in Canvas, fix it (often a broken file or an external tool), and export again.")
def export_errors(pkg, ctx):
    if not pkg.manifest:
        return
    for e in pkg.manifest.export_errors:
        yield Finding("EXP001", e.message, "imsmanifest.xml", e.line)


@rule("PKG001", "empty-organization", "info", "package",
      "The package has resources but no organization items (no course structure); it imports as a flat list.",
      "Expected for question-bank-only or settings-only exports; otherwise add modules before exporting.")
def empty_organization(pkg, ctx):
    if pkg.kind == "common_cartridge" and pkg.manifest and pkg.manifest.resources:
        if not any(True for _ in pkg.manifest.items()):
            yield Finding("PKG001", "no organization items: the package has no course structure", "imsmanifest.xml",
                          pkg.manifest.line)


@rule("PKG005", "bare-manifest", "info", "package",
      "Only a manifest was given, so files, orphans and links were not checked.",
      "Validate the whole .imscc/.zip or the unpacked folder.")
def bare_manifest(pkg, ctx):
    if pkg.source.kind == "manifest":
        yield Finding("PKG005", "only the manifest was checked: no package files to compare with", "imsmanifest.xml")
