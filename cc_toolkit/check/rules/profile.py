"""Common Cartridge profile rules: what the CC 1.1+ manifest profiles express in embedded Schematron
(and CC 1.0 in its constraints documents), which XSD validators such as libxml2 skip.

Each rule works for every CC version with that version's resource type names (the family of a type
is read from its name: imsdt_xmlv1pN is a discussion topic in CC 1.N). "A resource's href must be one
of its files" is REF006.

Profiles (`Config.profile`): "cc" judges strict IMS conformance; "canvas" judges whether Canvas imports
the package as intended and reports the deviations Canvas itself writes as warnings that say so
(CCP010 here, XSD005 for schema errors, ID002 downgraded for identifiers Canvas generates); "auto"
(the default) is "canvas" for Canvas exports and "cc" otherwise.
"""
from __future__ import annotations

import dataclasses
import posixpath
import re

from ...finding import Finding, Severity
from ...read.source import is_os_metadata
from ..registry import rule

M = "imsmanifest.xml"
PROFILES = ("auto", "cc", "canvas")


def resolve_profile(profile: str | None, pkg) -> str:
    profile = (profile or "auto").lower()
    if profile == "auto":
        return "canvas" if canvas_flavoured(pkg) else "cc"
    return profile


def canvas_flavoured(pkg) -> bool:
    """A Canvas export: the package has Canvas's marker file, or (a bare manifest) the manifest lists it."""
    if pkg is None:
        return False
    if getattr(pkg, "canvas", False):
        return True
    m = getattr(pkg, "manifest", None)
    return m is not None and any("course_settings/canvas_export.txt" in r.file_paths for r in m.resources)


def profile_of(ctx) -> str:
    return resolve_profile(getattr(ctx.config, "profile", "auto"), ctx.package)


def family(rtype: str) -> str:
    """The kind of a resource type, whatever the CC version: webcontent, lar, discussion, weblink, lti,
    assessment, bank, assignment, or other."""
    t = rtype or ""
    if t == "webcontent":
        return "webcontent"
    if t.startswith("associatedcontent/"):
        return "lar"
    if t.startswith("imsdt_xmlv"):
        return "discussion"
    if t.startswith("imswl_xmlv"):
        return "weblink"
    if t.startswith("imsbasiclti_xmlv"):
        return "lti"
    if t.startswith("imsqti_xmlv1p2/") and t.endswith("/assessment"):
        return "assessment"
    if t.startswith("imsqti_xmlv1p2/") and t.endswith("/question-bank"):
        return "bank"
    if t.startswith("assignment_xmlv"):
        return "assignment"
    return "other"


SINGLE_FILE = ("discussion", "weblink", "lti", "assessment", "bank")
NO_HREF = ("discussion", "weblink", "lti", "assessment", "bank")
# which kinds of resource each kind may depend on
ALLOWED_DEPENDENCIES = {
    "webcontent": {"webcontent"},
    "lar": {"webcontent"},
    "discussion": {"webcontent", "lar"},
    "weblink": {"webcontent"},
    "lti": {"webcontent"},
    "assessment": {"webcontent", "lar"},
    "bank": {"webcontent", "lar"},
    "assignment": {"webcontent", "lar"},
}
THIN_TYPES = ("weblink", "lti")

# Canvas exports: what Canvas writes that the CC profile forbids (code, predicate) -> reason
CANVAS_ID = re.compile(r"^([0-9a-f]{32}|[0-9]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(_[A-Za-z0-9_.-]+)?$")


def _cc(pkg) -> bool:
    return pkg is not None and pkg.kind == "common_cartridge" and pkg.manifest is not None


def _emit(ctx, code: str, message: str, line, ident, canvas_reason: str | None = None):
    """A profile finding, or its CCP010 warning under --profile canvas when Canvas writes it."""
    if canvas_reason and profile_of(ctx) == "canvas":
        return Finding("CCP010", f"{message} ({canvas_reason}; Canvas imports it) [{code}]", M, line, ident)
    return Finding(code, message, M, line, ident)


@rule("CCP001", "descriptor-file-count", "error", "package",
      "A discussion topic, web link, Basic LTI link, assessment or question bank resource must list exactly one "
      "<file> (its descriptor), unless the descriptor is inlined in the manifest.",
      "List the descriptor XML as the resource's only <file>; put attachments in webcontent resources it depends on.")
def descriptor_file_count(pkg, ctx):
    if not _cc(pkg):
        return
    for r in pkg.manifest.resources:
        kind = family(r.type)
        if kind in SINGLE_FILE and not r.inline and len(r.files) != 1:
            yield _emit(ctx, "CCP001", f"{kind} resource {r.identifier!r} lists {len(r.files)} files; the CC profile "
                        "requires exactly one (its descriptor)", r.line, r.identifier)


@rule("CCP002", "href-not-allowed", "error", "package",
      "A discussion topic, web link, Basic LTI link, assessment or question bank resource carries an href; the CC "
      "profile reserves href for launchable content (webcontent, learning application resources).",
      "Remove the href attribute; the descriptor is the resource's <file>.")
def href_not_allowed(pkg, ctx):
    if not _cc(pkg):
        return
    for r in pkg.manifest.resources:
        kind = family(r.type)
        if kind in NO_HREF and r.href is not None:
            yield _emit(ctx, "CCP002", f"{kind} resource {r.identifier!r} has href={r.href!r}; the CC profile "
                        "does not allow href on this type", r.line, r.identifier)


@rule("CCP003", "prohibited-dependency", "error", "package",
      "A resource depends on a resource of a type the CC profile does not allow there (e.g. webcontent depending "
      "on a discussion topic, a learning application resource depending on an assessment).",
      "Depend only on webcontent (and, for topics, assessments and assignments, on learning application resources).")
def prohibited_dependency(pkg, ctx):
    if not _cc(pkg):
        return
    by_id = {r.identifier: r for r in pkg.manifest.resources}
    for r in pkg.manifest.resources:
        allowed = ALLOWED_DEPENDENCIES.get(family(r.type))
        if allowed is None:
            continue
        for d in r.dependencies:
            target = by_id.get(d.identifierref)
            if target is None or family(target.type) == "other":
                continue
            tk = family(target.type)
            if tk not in allowed:
                reason = None
                if r.type.startswith("associatedcontent/") and tk in ("assessment", "bank", "discussion"):
                    reason = "Canvas makes the settings resource of a quiz or topic depend on it"
                yield _emit(ctx, "CCP003", f"{family(r.type)} resource {r.identifier!r} depends on {tk} resource "
                            f"{target.identifier!r}; allowed: {', '.join(sorted(allowed))}",
                            d.line or r.line, r.identifier, reason)


@rule("CCP004", "circular-dependency", "error", "package",
      "Resources depend on each other in a cycle; importers that resolve dependencies first may loop or give up.",
      "Break the cycle: shared files belong in a webcontent resource both depend on.")
def circular_dependency(pkg, ctx):
    if not _cc(pkg):
        return
    by_id = {r.identifier: r for r in pkg.manifest.resources}
    state: dict[str, int] = {}  # 1 visiting, 2 done
    reported: set[frozenset] = set()

    def visit(start: str):
        """Depth-first search with an explicit stack (dependency chains can be thousands long)."""
        path: list[str] = [start]
        state[start] = 1
        stack = [iter(by_id[start].dependencies)]
        while stack:
            d = next(stack[-1], None)
            if d is None:
                stack.pop()
                state[path.pop()] = 2
                continue
            t, rid = d.identifierref, path[-1]
            if t not in by_id or t == rid:
                continue
            if state.get(t) == 1:
                cycle = path[path.index(t):]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    r = by_id[cycle[0]]
                    loop = cycle + [t]
                    shown = " -> ".join(repr(c) for c in (loop if len(loop) <= 8 else loop[:4] + ["..."] + loop[-3:]))
                    found.append(Finding("CCP004", f"dependency cycle of {len(cycle)} resources: "
                                         + shown.replace("'...'", "..."), M, r.line, r.identifier))
            elif t not in state:
                state[t] = 1
                path.append(t)
                stack.append(iter(by_id[t].dependencies))

    found: list[Finding] = []
    for rid in by_id:
        if rid not in state:
            visit(rid)
    for r in pkg.manifest.resources:
        for d in r.dependencies:
            if d.identifierref == r.identifier:
                found.append(Finding("CCP004", f"resource {r.identifier!r} depends on itself", M, d.line or r.line,
                                     r.identifier))
    yield from found


@rule("CCP005", "duplicate-dependency", "warning", "package",
      "A resource lists the same dependency twice.",
      "Remove the repeated <dependency>.")
def duplicate_dependency(pkg, ctx):
    if not _cc(pkg):
        return
    for r in pkg.manifest.resources:
        seen = set()
        for d in r.dependencies:
            if d.identifierref in seen:
                yield Finding("CCP005", f"resource {r.identifier!r} depends on {d.identifierref!r} more than once",
                              M, d.line or r.line, r.identifier)
            seen.add(d.identifierref)


@rule("CCP006", "item-to-question-bank", "error", "package",
      "An organization item points at a question bank; CC question banks are not launchable and must not appear "
      "in the course structure.",
      "Remove the item, or point it at an assessment that draws from the bank.")
def item_to_question_bank(pkg, ctx):
    if not _cc(pkg):
        return
    by_id = {r.identifier: r for r in pkg.manifest.resources}
    for item in pkg.manifest.items():
        target = by_id.get(item.identifierref or "")
        if target is not None and family(target.type) == "bank":
            yield Finding("CCP006", f"item {item.identifier!r} points at question bank {target.identifier!r}",
                          M, item.line, item.identifier)


@rule("CCP007", "duplicate-file", "warning", "package",
      "A resource lists the same file twice.",
      "Remove the repeated <file>.")
def duplicate_file(pkg, ctx):
    if not _cc(pkg):
        return
    for r in pkg.manifest.resources:
        seen = set()
        for f in r.files:
            if f.path in seen:
                yield Finding("CCP007", f"resource {r.identifier!r} lists {f.href!r} more than once", M,
                              f.line or r.line, r.identifier)
            seen.add(f.path)


@rule("CCP008", "learning-application-folder", "error", "package",
      "CC 1.0/1.1: a learning application resource's files must all be in one folder (the folder of its first "
      "file), and it must list every file of that folder. Under --profile canvas, Canvas's quiz layout (the QTI "
      "file listed by the assessment resource, the full QTI in non_cc_assessments/) is not reported.",
      "Move the files into the resource's folder and list each one with <file>.")
def learning_application_folder(pkg, ctx):
    if not _cc(pkg) or pkg.cc_version not in ("1.0", "1.1"):
        return
    names = [e.name for e in pkg.source.entries if not e.is_dir] if pkg.source.kind != "manifest" else None
    # computed once (not per resource): entries under each folder, and which resources list each path
    under: dict[str, list[str]] = {}
    for n in names or ():
        parts = n.split("/")
        for i in range(1, len(parts)):
            under.setdefault("/".join(parts[:i]), []).append(n)
    claimed_by: dict[str, set[int]] = {}
    for other in pkg.manifest.resources:
        for p in other.file_paths:
            claimed_by.setdefault(p, set()).add(id(other))
    for r in pkg.manifest.resources:
        if family(r.type) != "lar" or not r.files:
            continue
        folder = posixpath.dirname(r.files[0].path)
        outside = [f.href for f in r.files if posixpath.dirname(f.path) != folder
                   and not posixpath.dirname(f.path).startswith(folder + "/")]
        if not folder:
            continue
        canvas = profile_of(ctx) == "canvas"
        for href in outside:
            if canvas and href.startswith("non_cc_assessments/"):
                continue  # Canvas's quiz layout: the full QTI lives in non_cc_assessments/
            yield Finding("CCP008", f"learning application resource {r.identifier!r} lists {href!r} outside its "
                          f"folder {folder + '/'!r}", M, r.line, r.identifier)
        if names is not None:
            listed = set(r.file_paths)
            missing = [n for n in under.get(folder, ()) if n not in listed and not is_os_metadata(n)]
            if canvas:  # Canvas's quiz layout: the QTI file of the folder belongs to the assessment resource
                missing = [n for n in missing if not (claimed_by.get(n, set()) - {id(r)})]
            if missing:
                more = f" (and {len(missing) - 3} more)" if len(missing) > 3 else ""
                yield _emit(ctx, "CCP008", f"learning application resource {r.identifier!r} does not list "
                            f"{', '.join(repr(n) for n in missing[:3])}{more} of its folder {folder + '/'!r}",
                            r.line, r.identifier, "Canvas lists only some course settings files in the course settings "
                            "resource" if folder == "course_settings" else None)


@rule("CCP009", "thin-cartridge-type", "error", "package",
      "A Thin Common Cartridge may hold only web links and Basic LTI links.",
      "Remove the resource, or publish a full Common Cartridge.")
def thin_cartridge_type(pkg, ctx):
    if not _cc(pkg) or not pkg.thin:
        return
    for r in pkg.manifest.resources:
        if family(r.type) not in THIN_TYPES:
            yield Finding("CCP009", f"resource {r.identifier!r} of type {r.type!r} is not allowed in a Thin "
                          "Common Cartridge", M, r.line, r.identifier)


@rule("CCP010", "canvas-profile-deviation", "warning", "package",
      "A CC profile rule (CCP001-CCP009) is broken in a way Canvas itself writes and imports; reported instead of "
      "the rule's own code under --profile canvas (the default for Canvas exports). The original code is in brackets.",
      "Nothing for a Canvas-to-Canvas copy; for other LMSs, validate with --profile cc.")
def canvas_profile_deviation(pkg, ctx):
    return ()  # produced by the CCP rules under --profile canvas


def adjust_for_profile(findings: list[Finding], pkg, config) -> list[Finding]:
    """After severities are applied: under the canvas profile, identifiers Canvas generates (32 hex digits,
    numbers or UUIDs, e.g. for New Quizzes) that are not valid xs:ID are warnings that say so (ID002)."""
    if resolve_profile(getattr(config, "profile", "auto"), pkg) != "canvas":
        return findings
    out = []
    for f in findings:
        if f.code == "ID002" and f.identifier and CANVAS_ID.match(f.identifier) and f.severity and \
                f.severity > Severity.WARNING:
            f = dataclasses.replace(f, severity=Severity.WARNING,
                                    message=f"{f.message} (Canvas writes such identifiers and imports them; "
                                            "a warning under --profile canvas)")
        out.append(f)
    return out
