"""Schema validation of every IMS and Canvas XML document against the project's XSDs (cc_toolkit/schemas).

The manifest is validated against its CC version's profile together with the extension namespaces
that version allows in it; every other document against the schema of its root namespace (topics,
web links, LTI links, the CC 1.3 assignment extension, QTI, Canvas's cccv1p0). Documents of other
namespaces (course files that happen to be XML) are not schema-checked.

Identifier errors in the manifest (xs:ID / xs:IDREF) are left to ID001, ID002, REF001 and REF002,
which already report them with their own codes. Under `--profile canvas` (the default for Canvas
exports) the deviations Canvas itself writes are reported as XSD005 warnings that say so.
"""
from __future__ import annotations

import re

from ... import schemas as S
from ...finding import Finding
from ..registry import rule
from .profile import profile_of

MANIFEST = "imsmanifest.xml"
MAX_PER_DOCUMENT = 25

# namespaces whose documents are validated on their own
DOCUMENT_KEYS = frozenset({S.QTI, S.CANVAS, S.ASSIGNMENT, S.LTICC10, S.LTICC13} | {
    e.key for e in S.CATALOG if e.file.startswith(("dt", "wl"))})


def _code(key: str, name: str) -> str:
    if name == MANIFEST:
        return "XSD001"
    if key in (S.QTI, S.QTI_FULL):
        return "XSD003"
    if key == S.CANVAS:
        return "XSD004"
    return "XSD002"


def _cc_qti_files(pkg) -> set[str]:
    """Files of resources typed as CC-profile QTI (imsqti_xmlv1p2/imscc_xmlv1pN/...)."""
    out: set[str] = set()
    if pkg is None or pkg.manifest is None:
        return out
    for r in pkg.manifest.resources:
        if r.type.startswith("imsqti_xmlv1p2/imscc_"):
            out.update(r.file_paths)
            if r.href_path:
                out.add(r.href_path)
    return out


def schema_key(doc, ctx) -> str | None:
    """Which catalog entry validates this document (None: not schema-checked)."""
    ns = doc.namespace or ""
    pkg = ctx.package
    if doc.name == MANIFEST:
        if pkg is not None and pkg.kind == "qti" and ns != S.CP:
            return None  # a QTI package's "IMS Content" manifest in a CC namespace: no CC profile applies
        return ns if ns in S.MANIFEST_NAMESPACES else None
    if ns not in DOCUMENT_KEYS:
        return None
    if ns == S.CANVAS:
        return ns if doc.local_name in S.CANVAS_ROOTS else None
    if ns == S.QTI:
        if doc.local_name != "questestinterop":
            return None
        cc_files = ctx.once("schema.cc_qti_files", lambda: _cc_qti_files(pkg))
        if pkg is not None and pkg.kind == "common_cartridge" and doc.name in cc_files \
                and not doc.name.startswith("non_cc_assessments/"):
            return S.QTI
        return S.QTI_FULL
    return ns


def canvas_deviation(issue: S.Issue, key: str, doc) -> str | None:
    """Why this schema error is one Canvas itself writes (and imports), or None."""
    el, at, kind = issue.element, issue.attribute, issue.kind
    if key in S.MANIFEST_NAMESPACES and kind == "enumeration" and at == "type" and el == "resource" and \
            re.search(r"The value '[^']*(xmlv1p\d|/imscc_xmlv1p\d/)[^']*'", issue.raw):
        return "Canvas writes resource types of another CC version (e.g. CC 1.1 types in CC 1.3 manifests)"
    if key in (S.CC12, S.CC13) and kind == "unexpected" and el in ("file", "dependency") and \
            any(isinstance(e.tag, str) and e.tag.endswith("}variant") for e in doc.root.iter()):
        return "Canvas writes <cpx:variant> before <file>"
    if key in (S.LTICC10, S.LTICC13) and kind in ("unexpected", "foreign", "missing") and \
            el in ("custom", "extensions", "launch_url", "secure_launch_url", "icon", "secure_icon", "vendor",
                   "description", "cartridge_basiclti_link", "cartridge_bundle", "cartridge_icon"):
        return "Canvas writes the Basic LTI link elements in its own order"
    if key == S.ASSIGNMENT and ((el == "gradable" and at == "points_possible") or el == "submission_formats"):
        return "Canvas writes points_possible on <gradable> and may leave <submission_formats> empty"
    if key == S.ASSIGNMENT and kind == "foreign" and "{%s}" % S.CANVAS in issue.raw:
        return "Canvas writes its assignment settings inside <extensions>"
    if key == S.QTI:
        if el == "setvar" and at == "action":
            return "Canvas writes setvar action=\"Add\" in CC quizzes"
        if el in ("section", "selection_ordering", "sourcebank_ref", "selection", "item", "bankentry_item") \
                and kind in ("missing", "unexpected"):
            return "Canvas writes question groups (sections that draw from banks) in CC quizzes"
        if kind in ("attribute", "unexpected") or el in ("duration", "resprocessing", "vocabulary"):
            return "Canvas writes QTI 1.2 elements and attributes outside the CC QTI profile"
    return None


def _covered_elsewhere(issue: S.Issue, name: str) -> bool:
    """Manifest identifier errors are ID001/ID002/REF001/REF002's business."""
    if name != MANIFEST:
        return False
    return issue.kind in ("id", "idref") or "IDREF" in issue.raw or "for IDREF" in issue.raw


@rule("XSD001", "manifest-schema", "error", "xml",
      "The manifest does not validate against the IMS profile of its CC version (with the extension namespaces "
      "that version allows); importers may reject the package or drop what they do not understand.",
      "Fix the element named in the message: order, required children, allowed values are those of the CC profile.")
def manifest_schema(doc, ctx):
    yield from _validate(doc, ctx, only_manifest=True)


@rule("XSD002", "descriptor-schema", "error", "xml",
      "A resource descriptor (discussion topic, web link, Basic LTI link, CC 1.3 assignment) does not validate "
      "against its IMS schema.",
      "Fix the element named in the message; the descriptor's namespace decides the schema (imsdt, imswl, imslticc ...).")
def descriptor_schema(doc, ctx):
    yield from _validate(doc, ctx, codes=("XSD002",))


@rule("XSD003", "qti-schema", "error", "xml",
      "A QTI 1.2.1 document does not validate: CC quizzes against the Common Cartridge QTI profile, other QTI "
      "(non_cc_assessments, QTI exports) against the structure of QTI 1.2.1.",
      "Fix the element named in the message, or type the resource as plain QTI if it uses more than the CC profile.")
def qti_schema(doc, ctx):
    yield from _validate(doc, ctx, codes=("XSD003",))


@rule("XSD004", "canvas-schema", "error", "xml",
      "A Canvas extension document (cccv1p0: course settings, module meta, assignment settings, quiz meta ...) "
      "contains elements Canvas does not write.",
      "Remove or rename the element; Canvas ignores what it does not know, so the setting is lost on import.")
def canvas_schema(doc, ctx):
    yield from _validate(doc, ctx, codes=("XSD004",))


@rule("XSD005", "canvas-writes-this", "warning", "xml",
      "A schema deviation that Canvas itself writes and imports (e.g. CC 1.1 resource types in a CC 1.3 manifest, "
      "cpx:variant before <file>, Basic LTI elements out of order); reported instead of XSD001-XSD003 under "
      "--profile canvas (the default for Canvas exports).",
      "Nothing for a Canvas-to-Canvas copy; for other LMSs, validate with --profile cc and fix the package.")
def canvas_writes_this(doc, ctx):
    return ()  # produced by the XSD001-XSD003 rules; declared here for the registry and the catalog


@rule("XSD006", "schema-unavailable", "error", "xml",
      "The schema for a document could not be loaded (with --schemas DIR: a file of the official set is missing "
      "or does not compile), so the document was not validated.",
      "Run `cc-toolkit schemas install`, or point --schemas at a complete official set, or drop --schemas.")
def schema_unavailable(doc, ctx):
    return ()  # produced by the validating rules


def _validate(doc, ctx, only_manifest: bool = False, codes: tuple[str, ...] = ()):
    key = schema_key(doc, ctx)
    if key is None:
        return
    code = _code(key, doc.name)
    if only_manifest != (code == "XSD001") or (codes and code not in codes):
        return
    schemas_dir = getattr(ctx.config, "schemas_dir", None)
    if schemas_dir and S.BY_KEY[key].official is None:
        schemas_dir = None  # no official schema for this namespace (Canvas, CC 1.2, full QTI): ours is the reference
    try:
        issues = S.validate(doc.root, key, schemas_dir)
    except S.SchemaUnavailable as exc:
        yield Finding("XSD006", f"not validated: {exc}", doc.name)
        return
    canvas = profile_of(ctx) == "canvas"
    shown: dict[str, int] = {}
    for issue in issues:
        if _covered_elsewhere(issue, doc.name):
            continue
        reason = canvas_deviation(issue, key, doc) if canvas else None
        c = "XSD005" if reason else code
        shown[c] = shown.get(c, 0) + 1
        if shown[c] > MAX_PER_DOCUMENT:
            if shown[c] == MAX_PER_DOCUMENT + 1:
                yield Finding(c, f"... and more (only the first {MAX_PER_DOCUMENT} are listed)", doc.name)
            continue
        if reason:
            yield Finding("XSD005", f"{issue.message} ({reason}; Canvas imports it)", doc.name, issue.line)
        else:
            yield Finding(code, issue.message, doc.name, issue.line)
