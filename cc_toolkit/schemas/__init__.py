"""The project's own IMS/Canvas XSD set: the catalog, compilation (once per process) and validation.

`CATALOG` is the one mapping from a namespace to the schema file that serves it (the XSDs are in
`xsd/`, written for this project). A document is validated with a *schema set*: the schema of its
root namespace plus, for manifests, the extension namespaces its CC version allows inside it (the
profiles use strict wildcards, so those must be loaded together). Each set is compiled once per
process and kept in `_COMPILED`.

Nothing is fetched: the XSDs import each other by relative file name, they are parsed with
`no_network=True`, and a resolver refuses every non-local URL. `xsi:schemaLocation` in documents is
ignored. With `schemas_dir` (official mode) the same sets are built from an official schema set laid
out by URL (`DIR/www.imsglobal.org/profile/cc/...`), imports resolved inside DIR only.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

XSD_DIR = Path(__file__).resolve().parent / "xsd"

# -- namespaces -------------------------------------------------------------------------------
CC10 = "http://www.imsglobal.org/xsd/imscc/imscp_v1p1"
CC11 = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
CC12 = "http://www.imsglobal.org/xsd/imsccv1p2/imscp_v1p1"
CC13 = "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CANVAS = "http://canvas.instructure.com/xsd/cccv1p0"
ASSIGNMENT = "http://www.imsglobal.org/xsd/imscc_extensions/assignment"
LTICC10 = "http://www.imsglobal.org/xsd/imslticc_v1p0"
LTICC13 = "http://www.imsglobal.org/xsd/imslticc_v1p3"
QTI_FULL = QTI + "#full"  # the second profile of the QTI namespace (a catalog key, not a namespace)

_IMS = "http://www.imsglobal.org/profile/cc/"
_LTI = "http://www.imsglobal.org/xsd/lti/"
_CC10D = _IMS + "ccv1p0/derived_schema/"


@dataclass(frozen=True)
class Entry:
    key: str  # the namespace (or namespace#variant)
    file: str  # our schema, in xsd/
    title: str
    official: tuple[str, str] | None = None  # (namespace to import, URL) of the official entry point

    @property
    def namespace(self) -> str:
        return self.key.split("#", 1)[0]


CATALOG: tuple[Entry, ...] = (
    Entry(CC10, "cc10_manifest.xsd", "Common Cartridge 1.0 manifest",
          ("http://dummy.libxml2.validator", _CC10D + "cclibxml2validator.xsd")),
    Entry(CC11, "cc11_manifest.xsd", "Common Cartridge 1.1 manifest", (CC11, _IMS + "ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd")),
    Entry(CC12, "cc12_manifest.xsd", "Common Cartridge 1.2 manifest (and Thin CC 1.2)"),
    Entry(CC13, "cc13_manifest.xsd", "Common Cartridge 1.3 manifest (and Thin CC 1.3)",
          (CC13, _IMS + "ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd")),
    Entry(CP, "imscp.xsd", "IMS Content Packaging 1.2 manifest (plain QTI packages)", (CP, _CC10D + "imscp_v1p2.xsd")),
    Entry("http://www.imsglobal.org/xsd/imsccauth_v1p0", "cc10_auth.xsd", "CC 1.0 authorization"),
    Entry("http://www.imsglobal.org/xsd/imsccv1p1/imsccauth_v1p1", "cc11_auth.xsd", "CC 1.1 authorization"),
    Entry("http://www.imsglobal.org/xsd/imsccv1p2/imsccauth_v1p2", "cc12_auth.xsd", "CC 1.2 authorization"),
    Entry("http://www.imsglobal.org/xsd/imsccv1p3/imsccauth_v1p3", "cc13_auth.xsd", "CC 1.3 authorization"),
    Entry("http://ltsc.ieee.org/xsd/imscc/LOM", "cc10_lom_manifest.xsd", "CC 1.0 LOM, manifest metadata"),
    Entry("http://ltsc.ieee.org/xsd/LOM", "cc10_lom_resource.xsd", "CC 1.0 LOM, resource metadata"),
    Entry("http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest", "cc11_lom_manifest.xsd", "CC 1.1 LOM, manifest metadata"),
    Entry("http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource", "cc11_lom_resource.xsd", "CC 1.1 LOM, resource metadata"),
    Entry("http://ltsc.ieee.org/xsd/imsccv1p2/LOM/manifest", "cc12_lom_manifest.xsd", "CC 1.2 LOM, manifest metadata"),
    Entry("http://ltsc.ieee.org/xsd/imsccv1p2/LOM/resource", "cc12_lom_resource.xsd", "CC 1.2 LOM, resource metadata"),
    Entry("http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest", "cc13_lom_manifest.xsd", "CC 1.3 LOM, manifest metadata"),
    Entry("http://ltsc.ieee.org/xsd/imsccv1p3/LOM/resource", "cc13_lom_resource.xsd", "CC 1.3 LOM, resource metadata"),
    Entry("http://ltsc.ieee.org/xsd/imsccv1p3/LOM/imscclti", "cc13_lom_lti.xsd", "CC 1.3 LOM, LTI link metadata"),
    Entry("http://www.imsglobal.org/xsd/imsccv1p2/imscsmd_v1p0", "cc12_csmd.xsd", "CC 1.2 curriculum standards"),
    Entry("http://www.imsglobal.org/xsd/imsccv1p3/imscsmd_v1p0", "cc13_csmd.xsd", "CC 1.3 curriculum standards"),
    Entry("http://www.imsglobal.org/xsd/imscp_extensionv1p2", "cp_extension.xsd", "CP 1.2 extension (CC 1.0)"),
    Entry("http://www.imsglobal.org/xsd/imsccv1p2/imscp_extensionv1p2", "cc12_cpx.xsd", "CC 1.2 CP extension (variant)"),
    Entry("http://www.imsglobal.org/xsd/imsccv1p3/imscp_extensionv1p2", "cc13_cpx.xsd", "CC 1.3 CP extension (variant)",
          ("http://www.imsglobal.org/xsd/imsccv1p3/imscp_extensionv1p2", _IMS + "ccv1p3/ccv1p3_cpextensionv1p2_v1p0.xsd")),
    Entry("http://www.imsglobal.org/xsd/imsdt_v1p0", "dt10.xsd", "CC 1.0 discussion topic",
          ("http://www.imsglobal.org/xsd/imsdt_v1p0", _CC10D + "domainProfile_6/imsdt_v1p0.xsd")),
    Entry("http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1", "dt11.xsd", "CC 1.1 discussion topic",
          ("http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1", _IMS + "ccv1p1/ccv1p1_imsdt_v1p1.xsd")),
    Entry("http://www.imsglobal.org/xsd/imsccv1p2/imsdt_v1p2", "dt12.xsd", "CC 1.2 discussion topic"),
    Entry("http://www.imsglobal.org/xsd/imsccv1p3/imsdt_v1p3", "dt13.xsd", "CC 1.3 discussion topic",
          ("http://www.imsglobal.org/xsd/imsccv1p3/imsdt_v1p3", _IMS + "ccv1p3/ccv1p3_imsdt_v1p3.xsd")),
    Entry("http://www.imsglobal.org/xsd/imswl_v1p0", "wl10.xsd", "CC 1.0 web link",
          ("http://www.imsglobal.org/xsd/imswl_v1p0", _CC10D + "domainProfile_5/imswl_v1p0.xsd")),
    Entry("http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1", "wl11.xsd", "CC 1.1 web link",
          ("http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1", _IMS + "ccv1p1/ccv1p1_imswl_v1p1.xsd")),
    Entry("http://www.imsglobal.org/xsd/imsccv1p2/imswl_v1p2", "wl12.xsd", "CC 1.2 web link"),
    Entry("http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3", "wl13.xsd", "CC 1.3 web link",
          ("http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3", _IMS + "ccv1p3/ccv1p3_imswl_v1p3.xsd")),
    Entry(LTICC10, "lticc10.xsd", "Basic LTI link for CC 1.0-1.2", (LTICC10, _LTI + "ltiv1p0/imslticc_v1p0p1.xsd")),
    Entry(LTICC13, "lticc13.xsd", "Basic LTI link for CC 1.3", (LTICC13, _LTI + "ltiv1p3/imslticc_v1p3.xsd")),
    Entry("http://www.imsglobal.org/xsd/imsbasiclti_v1p0", "blti.xsd", "Basic LTI 1.0 link"),
    Entry("http://www.imsglobal.org/xsd/imslticm_v1p0", "lticm.xsd", "LTI common messages 1.0"),
    Entry("http://www.imsglobal.org/xsd/imslticp_v1p0", "lticp.xsd", "LTI common profile 1.0"),
    Entry(ASSIGNMENT, "cc_assignment.xsd", "CC 1.3 assignment extension",
          (ASSIGNMENT, _IMS + "cc_extensions/cc_extresource_assignmentv1p0_v1p0.xsd")),
    Entry(QTI, "qti_cc.xsd", "QTI 1.2.1, Common Cartridge profile", (QTI, _IMS + "ccv1p1/ccv1p1_qtiasiv1p2p1_v1p0.xsd")),
    Entry(QTI_FULL, "qti_full.xsd", "QTI 1.2.1 as Canvas writes it (non_cc_assessments, QTI exports)"),
    Entry(CANVAS, "canvas_cccv1p0.xsd", "Canvas course export extensions (cccv1p0)"),
    Entry("http://www.w3.org/XML/1998/namespace", "xml.xsd", "xml: attributes"),
)
BY_KEY = {e.key: e for e in CATALOG}

# what a document of each root namespace is validated with: the namespaces loaded together
MANIFEST_EXTENSIONS = {
    CC10: (),
    CC11: (),
    CC12: ("http://www.imsglobal.org/xsd/imsccv1p2/imscp_extensionv1p2", "http://www.imsglobal.org/xsd/imsccv1p2/imsdt_v1p2",
           "http://www.imsglobal.org/xsd/imsccv1p2/imswl_v1p2", LTICC10),
    CC13: ("http://www.imsglobal.org/xsd/imsccv1p3/imscp_extensionv1p2", ASSIGNMENT,
           "http://www.imsglobal.org/xsd/imsccv1p3/imsdt_v1p3", "http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3", LTICC13),
    CP: (),
}
MANIFEST_NAMESPACES = frozenset(MANIFEST_EXTENSIONS)
# document roots Canvas writes in its namespace (the schema declares every Canvas element globally)
CANVAS_ROOTS = frozenset({"assignment", "assignmentGroups", "context_info", "course", "events", "externalFeeds",
                          "externalViewers", "fileMeta", "gradingStandards", "late_policy", "learningOutcomes",
                          "media_tracks", "modules", "quiz", "rubrics", "topicMeta", "blueprint_settings",
                          "conditional_release", "tool_profiles", "externalTools", "announcements"})


def schema_set(key: str) -> tuple[str, ...]:
    """The catalog keys compiled together to validate a document served by `key`."""
    return (key,) + MANIFEST_EXTENSIONS.get(key, ())


# -- compilation ------------------------------------------------------------------------------

class SchemaUnavailable(Exception):
    """A schema set could not be loaded or compiled."""


class _LocalOnly(etree.Resolver):
    """Resolve http(s)://host/path to ROOT/host/path (official mode); refuse anything else remote."""

    def __init__(self, root: Path | None):
        super().__init__()
        self.root = root

    def resolve(self, url, pubid, context):
        if url and re.match(r"^(https?|ftp)://", url):
            if self.root is not None:
                local = self.root / re.sub(r"^[a-z]+://", "", url)
                if local.is_file():
                    return self.resolve_filename(str(local), context)
            # not fetched: left to libxml2, which is told no_network (and since 2.14 has no HTTP client at
            # all); the import then fails with a warning and its namespace stays undeclared
            return None
        return None


def _parser(root: Path | None) -> etree.XMLParser:
    p = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    p.resolvers.add(_LocalOnly(root))
    return p


def _wrapper(imports: list[tuple[str, str]], base: str) -> etree._Element:
    xs = "http://www.w3.org/2001/XMLSchema"
    root = etree.Element(f"{{{xs}}}schema", nsmap={"xs": xs})
    root.set("targetNamespace", "urn:cc-toolkit:schema-set")
    seen = set()
    for ns, loc in imports:
        if ns in seen:
            continue
        seen.add(ns)
        etree.SubElement(root, f"{{{xs}}}import", namespace=ns, schemaLocation=loc)
    return root


_COMPILED: dict[tuple, etree.XMLSchema] = {}


def official_path(url: str, root: Path) -> Path:
    return root / re.sub(r"^[a-z]+://", "", url)


def compile_set(key: str, schemas_dir: str | os.PathLike | None = None) -> etree.XMLSchema:
    """The compiled schema for documents served by `key` (cached per process)."""
    cache_key = (key, str(schemas_dir) if schemas_dir else None)
    hit = _COMPILED.get(cache_key)
    if hit is not None:
        return hit
    keys = schema_set(key)
    if schemas_dir is None:
        imports = [(BY_KEY[k].namespace, (XSD_DIR / BY_KEY[k].file).as_uri()) for k in keys]
        root = None
    else:
        root = Path(schemas_dir)
        imports = []
        for k in keys:
            e = BY_KEY.get(k)
            if e is None or e.official is None:
                raise SchemaUnavailable(f"no official schema is known for {k}")
            path = official_path(e.official[1], root)
            if not path.is_file():
                raise SchemaUnavailable(f"{path} is missing (run `cc-toolkit schemas install`)")
            imports.append((e.official[0], path.as_uri()))
    parser = _parser(root)
    try:
        doc = etree.fromstring(etree.tostring(_wrapper(imports, "")), parser, base_url=(XSD_DIR / "_set.xsd").as_uri())
        schema = etree.XMLSchema(doc)
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError) as exc:
        raise SchemaUnavailable(f"schema for {key} does not compile: {exc}") from exc
    _COMPILED[cache_key] = schema
    return schema


def all_files() -> list[Path]:
    return sorted(XSD_DIR.glob("*.xsd"))


# -- validation -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Issue:
    line: int | None
    message: str  # rewritten for people
    raw: str  # libxml2's message
    element: str | None = None  # local name of the element concerned
    attribute: str | None = None
    kind: str = ""  # unexpected, missing, enumeration, id, idref, type, attribute, required, foreign, other


def validate(root: etree._Element, key: str, schemas_dir=None) -> list[Issue]:
    """Validate a parsed document; returns its schema errors (empty when valid)."""
    schema = compile_set(key, schemas_dir)
    try:
        if schema.validate(root):
            return []
    except etree.XMLSchemaValidateError:
        # libxml2 cannot validate a tree holding unexpanded entity references (we never expand them)
        if any(isinstance(n, etree._Entity) for n in root.iter()):
            msg = "the document uses entity references, which are not expanded; it was not validated against its schema"
            return [Issue(root.sourceline, msg, msg, kind="other")]
        raise
    return [humanize(e.message, e.line) for e in schema.error_log]


def is_valid(root: etree._Element, key: str, schemas_dir=None) -> bool:
    return compile_set(key, schemas_dir).validate(root)


_NS_PREFIX = {
    CANVAS: "canvas", QTI: "qti", "http://www.imsglobal.org/xsd/imsbasiclti_v1p0": "blti",
    "http://www.imsglobal.org/xsd/imslticm_v1p0": "lticm", "http://www.imsglobal.org/xsd/imslticp_v1p0": "lticp",
}


def _name(qname: str) -> str:
    """'{ns}local' -> 'local' (the namespace is mentioned separately where it matters)."""
    return qname.rsplit("}", 1)[-1]


def _names(listing: str) -> list[str]:
    return [_name(n.strip()) for n in listing.split(",") if n.strip()]


def _expected(listing: str) -> str:
    names = _names(listing)
    if len(names) == 1:
        return f"<{names[0]}>"
    return "one of " + ", ".join(f"<{n}>" for n in names)


_EL = r"Element '(?P<el>[^']+)'(?:, attribute '(?P<at>[^']+)')?: "


def humanize(msg: str, line: int | None = None) -> Issue:
    """Rewrite one libxml2 schema error for a person."""
    raw = msg.strip()
    m = re.match(_EL, raw)
    if not m:
        return Issue(line, raw, raw)
    el_q, at = m.group("el"), m.group("at")
    el = _name(el_q)
    ns = el_q[1:].split("}", 1)[0] if el_q.startswith("{") else None
    rest = raw[m.end():]
    where = f"<{el} {at}>" if at else f"<{el}>"

    def out(text, kind):
        return Issue(line, text, raw, el, at, kind)

    mm = re.match(r"This element is not expected\.(?: Expected is (?:one of )?\( (?P<exp>.*) \)\.)?", rest)
    if mm:
        if not mm.group("exp"):
            return out(f"unexpected <{el}>; nothing more is allowed here", "unexpected")
        exp_q = [n.strip() for n in mm.group("exp").split(",")]
        exp = _expected(mm.group("exp"))
        if el in _names(mm.group("exp")) and ns and not any(e.startswith("{" + ns + "}") for e in exp_q):
            return out(f"<{el}> is in namespace {ns!r}, which is not the one expected here; expected {exp}", "namespace")
        if any(_name(e) == "##other" or e.startswith("##") for e in exp_q):
            exp = "elements of another namespace"
        return out(f"unexpected <{el}>; expected {exp}", "unexpected")
    mm = re.match(r"Missing child element\(s\)\. Expected is (?:one of )?\( (?P<exp>.*) \)\.", rest)
    if mm:
        return out(f"<{el}> is incomplete: expected {_expected(mm.group('exp'))}", "missing")
    mm = re.match(r"\[facet 'enumeration'\] The value '(?P<v>[^']*)' is not an element of the set \{(?P<set>.*)\}\.", rest)
    if mm:
        allowed = mm.group("set")
        return out(f"{where} is {mm.group('v')!r}; allowed: {allowed}", "enumeration")
    mm = re.match(r"\[facet '(?P<f>\w+)'\] The value '(?P<v>[^']*)' (?P<why>.*)", rest)
    if mm:
        what = {"pattern": "has the wrong format", "minLength": "is too short", "maxLength": "is too long"}.get(
            mm.group("f"), f"breaks the {mm.group('f')} rule")
        return out(f"{where} value {mm.group('v')!r} {what}", "type")
    mm = re.match(r"'(?P<v>[^']*)' is not a valid value of the atomic type '(?P<t>[^']+)'\.", rest)
    if mm:
        t = mm.group("t")
        kind = "id" if t == "xs:ID" else "idref" if t == "xs:IDREF" else "type"
        why = {"xs:ID": "is not a valid or not a unique xs:ID", "xs:IDREF": "does not name an identifier of the document",
               "xs:boolean": "is not true/false/1/0"}.get(t, f"is not a valid {t}")
        return out(f"{where} value {mm.group('v')!r} {why}", kind)
    mm = re.match(r"'(?P<v>[^']*)' is not a valid value of the (?:local |list |union )?(?:atomic |union )?type", rest)
    if mm:
        return out(f"{where} value {mm.group('v')!r} has the wrong format", "type")
    mm = re.match(r"The attribute '(?P<a>[^']+)' is required but missing\.", rest)
    if mm:
        return out(f"<{el}> lacks the required attribute {mm.group('a')!r}", "required")
    if rest.startswith("The attribute '") and rest.endswith("is not allowed."):
        return out(f"<{el}>: attribute {at or rest.split(chr(39))[1]!r} is not allowed here", "attribute")
    if rest.startswith("The attribute is not allowed") or "is not allowed." in rest and at:
        return out(f"<{el}>: attribute {at!r} is not allowed here", "attribute")
    if "No matching global element declaration available, but demanded by the strict wildcard" in rest:
        return out(f"<{el}> (namespace {ns!r}) is not allowed here: no schema of this profile declares it", "foreign")
    if "No matching global declaration available for the validation root" in rest:
        return out(f"<{el}> (namespace {ns!r}) is not a document root this schema knows", "foreign")
    mm = re.match(r"The value '(?P<v>[^']*)' does not match the fixed value constraint '(?P<f>[^']*)'\.", rest)
    if mm:
        return out(f"{where} is {mm.group('v')!r}; it must be {mm.group('f')!r}", "enumeration")
    if rest.startswith("Character content other than whitespace is not allowed"):
        return out(f"<{el}> must not contain text, only elements", "type")
    if rest.startswith("Element content is not allowed"):
        return out(f"<{el}> must contain text only, no elements", "type")
    if "is not allowed" in rest or "not expected" in rest:
        return out(f"{where}: " + re.sub(r"\{[^}]*\}", "", rest), "other")
    return out(f"{where}: " + re.sub(r"\{[^}]*\}", "", rest), "other")
