"""References inside the manifest and Canvas metadata: identifierrefs, dependencies, file hrefs."""
from __future__ import annotations

from ...finding import Finding
from ...model.refs import find_member, join
from ..registry import rule

MANIFEST = "imsmanifest.xml"
# module item content types whose identifierref names a resource of the manifest
_RESOURCE_ITEM_TYPES = {"WikiPage", "Assignment", "Quizzes::Quiz", "Quiz", "DiscussionTopic", "Attachment"}


def _checks_files(pkg) -> bool:
    return pkg.source.kind != "manifest"


def resolved_paths(pkg, ctx) -> dict:
    """Every manifest file path and resource href resolved to a package entry once per run
    (REF004, REF005 and the orphan rules all need the same answer)."""

    def compute():
        src, out = pkg.source, {}
        for r in pkg.manifest.resources if pkg.manifest else ():
            for p in r.file_paths + ([r.href_path] if r.href_path else []):
                if p not in out:
                    out[p] = find_member(src.exists, src.normalized_match, p)
        return out

    return ctx.once("resolved_paths", compute)


def _ids(pkg) -> set[str]:
    return {r.identifier for r in pkg.manifest.resources} if pkg.manifest else set()


@rule("REF001", "item-target-missing", "error", "package",
      "An organization item's identifierref names no resource; the item shows up empty or is dropped on import.",
      "Point the item at an existing resource identifier, or add the resource.")
def item_target(pkg, ctx):
    if not pkg.manifest:
        return
    ids = _ids(pkg)
    for item in pkg.manifest.items():
        if item.identifierref is not None and item.identifierref not in ids:
            yield Finding("REF001", f"item {item.identifier!r} refers to missing resource {item.identifierref!r}",
                          MANIFEST, item.line, item.identifier)


@rule("REF002", "dependency-missing", "error", "package",
      "A <dependency> (or cpx:variant) names no resource of the manifest.",
      "Add the resource or remove the dependency.")
def dependency_target(pkg, ctx):
    if not pkg.manifest:
        return
    ids = _ids(pkg)
    for r in pkg.manifest.resources:
        for d in r.dependencies:
            if d.identifierref not in ids:
                yield Finding("REF002", f"resource {r.identifier!r} depends on missing resource {d.identifierref!r}",
                              MANIFEST, d.line or r.line, r.identifier)
        for v in r.variants:
            if v not in ids:
                yield Finding("REF002", f"resource {r.identifier!r} has a variant pointing at missing resource {v!r}",
                              MANIFEST, r.line, r.identifier)


@rule("REF003", "module-item-target-missing", "error", "package",
      "A module item in course_settings/module_meta.xml refers to content that is not in the package; "
      "Canvas imports the module without that item.",
      "Re-export with the referenced content selected, or remove the item from the module.")
def module_item_target(pkg, ctx):
    if not pkg.manifest or not pkg.modules:
        return
    ids = _ids(pkg)
    for m in pkg.modules:
        for it in m.items:
            if it.content_type in _RESOURCE_ITEM_TYPES and it.identifierref and it.identifierref not in ids:
                yield Finding("REF003", f"module {m.title!r} item {it.title!r} ({it.content_type}) refers to "
                              f"missing resource {it.identifierref!r}", "course_settings/module_meta.xml",
                              it.line, it.identifier)


@rule("REF004", "file-missing", "error", "package",
      "A <file href> (or a resource href) names no entry of the package.",
      "Add the file to the package, or correct the href (case, spaces and accents matter).")
def file_missing(pkg, ctx):
    if not pkg.manifest or not _checks_files(pkg):
        return
    resolved = resolved_paths(pkg, ctx)
    for r in pkg.manifest.resources:
        refs = [(f.href, f.path, f.line) for f in r.files]
        if r.href and r.href_path not in r.file_paths:
            refs.append((r.href, r.href_path, r.line))
        for href, path, line in refs:
            if join("", path) is None:
                continue  # REF008
            if resolved[path].name is None:
                yield Finding("REF004", f"resource {r.identifier!r} lists {href!r}, which is not in the package",
                              MANIFEST, line, r.identifier)


@rule("REF005", "file-found-by-normalizing", "warning", "package",
      "An href matches an entry only after percent-decoding or Unicode normalization (NFC/NFD); "
      "some importers will not find it.",
      "Write the href exactly as the entry name (same Unicode form, no percent-encoding in manifest hrefs).")
def file_normalized(pkg, ctx):
    if not pkg.manifest or not _checks_files(pkg):
        return
    resolved = resolved_paths(pkg, ctx)
    for r in pkg.manifest.resources:
        for f in r.files:
            res = resolved[f.path]
            if res.how in ("decoded", "normalized"):
                what = "percent-decoding" if res.how == "decoded" else "Unicode normalization"
                yield Finding("REF005", f"{f.href!r} matches entry {res.name!r} only after {what}",
                              MANIFEST, f.line, r.identifier)


@rule("REF006", "href-not-a-file", "error", "package",
      "A resource's href is not one of its <file> elements (the CC profiles require it to be).",
      "Add a <file> with the same href to the resource.")
def href_not_file(pkg, ctx):
    if not pkg.manifest:
        return
    for r in pkg.manifest.resources:
        if r.href and r.href_path not in r.file_paths:
            yield Finding("REF006", f"resource {r.identifier!r} href {r.href!r} is not listed among its files",
                          MANIFEST, r.line, r.identifier)


@rule("REF007", "resource-without-files", "error", "package",
      "A resource lists no files although its type needs a descriptor or content file.",
      "Add the <file> elements of the resource, or remove the resource.")
def resource_without_files(pkg, ctx):
    if not pkg.manifest:
        return
    for r in pkg.manifest.resources:
        if not r.files and not r.inline:
            yield Finding("REF007", f"resource {r.identifier!r} of type {r.type!r} lists no files",
                          MANIFEST, r.line, r.identifier)


@rule("REF008", "href-outside-package", "error", "package",
      "An href is absolute or climbs out of the package with '..'.",
      "Use paths relative to the package root.")
def href_outside(pkg, ctx):
    if not pkg.manifest:
        return
    for r in pkg.manifest.resources:
        for f in r.files:
            if join("", f.path) is None:
                yield Finding("REF008", f"file href {f.href!r} points outside the package", MANIFEST, f.line, r.identifier)
