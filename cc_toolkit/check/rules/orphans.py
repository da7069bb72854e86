"""Package entries that no resource declares."""
from __future__ import annotations

import posixpath
import re

from ...finding import Finding
from .references import resolved_paths
from ...read.source import is_os_metadata
from ..registry import rule

_RENAMED = re.compile(r"^(?P<stem>.+)-\d+(?P<ext>\.[^./]+)?$")


def known_unlisted(name: str, pkg, declared: set[str]) -> str | None:
    """Why an undeclared entry is expected (a lower severity), or None."""
    if name.endswith("/"):
        return "directory entry"
    if is_os_metadata(name):
        return "operating-system metadata (macOS/Windows), ignored by importers"
    if pkg.canvas:
        if name.startswith("course_settings/"):
            return "Canvas writes this course-settings file without listing it in the manifest"
        if name.startswith("external_content/") and name.endswith(".json"):
            return "Canvas writes external tool content here without listing it"
        if name.startswith("non_cc_assessments/"):
            return "Canvas-only question data (question banks or full quizzes), read only by Canvas"
    folder, base = posixpath.split(name)
    m = _RENAMED.match(base)
    if m:
        original = posixpath.join(folder, m.group("stem") + (m.group("ext") or ""))
        if original in declared:
            return f"renamed duplicate of {original!r}"
    return None


@rule("ORP001", "orphan-file", "warning", "package",
      "An entry of the package is not declared by any resource; importers ignore it and it may be content lost "
      "from the manifest.",
      "Declare it in a resource's <file> list, or remove it from the package.")
def orphan(pkg, ctx):
    yield from (f for f in ctx.once("orphans", lambda: list(_orphans(pkg, ctx))) if f.code == "ORP001")


@rule("ORP002", "expected-unlisted-file", "info", "package",
      "An entry no resource declares, of a kind that is expected (directory entries, OS metadata, files Canvas "
      "writes without listing, renamed duplicates); the message gives the reason.",
      "Nothing to do, unless the reason does not fit.")
def expected_unlisted(pkg, ctx):
    yield from (f for f in ctx.once("orphans", lambda: list(_orphans(pkg, ctx))) if f.code == "ORP002")


def _orphans(pkg, ctx):
    if pkg.manifest is None or pkg.source.kind == "manifest":
        return
    src = pkg.source
    declared = {"imsmanifest.xml"} | {res.name or p for p, res in resolved_paths(pkg, ctx).items()}
    for e in src.entries:
        if e.name in declared or (e.is_dir and src.kind == "folder"):
            continue
        why = known_unlisted(e.name if not e.is_dir else e.name.rstrip("/") + "/", pkg, declared)
        if why:
            yield Finding("ORP002", f"not declared by any resource: {why}", e.name)
        else:
            yield Finding("ORP001", "not declared by any resource in the manifest", e.name)
