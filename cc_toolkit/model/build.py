"""The one builder: reads a package once and assembles its model.

Every XML member is parsed exactly once, here. Callers that want to look at each parsed
document (the check engine) pass `on_xml` / `on_html`; the builder hands them each document
before dropping it, so memory follows the largest document, not the package.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Callable

from lxml import etree

from ..errors import PackageError
from ..finding import Finding
from ..read.source import MANIFEST, DEFAULT_LIMITS, EntryTooLarge, EntryUnreadable, Limits, PackageSource, is_os_metadata, open_source
from ..read.xml import XmlDoc, column_of, line_of, parse_bytes
from . import canvas as cv
from . import qti
from .manifest import Dependency, ExportError, FileRef, Item, Manifest, Organization, Resource
from .package import Package
from .refs import join

CC_NAMESPACES = {
    "http://www.imsglobal.org/xsd/imscc/imscp_v1p1": "1.0",
    "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1": "1.1",
    "http://www.imsglobal.org/xsd/imsccv1p2/imscp_v1p1": "1.2",
    "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1": "1.3",
}
CP_NAMESPACES = {
    "http://www.imsglobal.org/xsd/imscp_v1p1",
    "http://www.imsglobal.org/xsd/imscp_v1p2",
    "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "http://www.imsproject.org/content",
}
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
# course_settings/ documents whose children are objects with Canvas identifiers
SETTINGS_LISTS = {"assignmentGroups", "rubrics", "events", "learningOutcomes", "externalTools", "gradingStandards",
                  "externalFeeds"}
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
XML_EXTENSIONS = (".xml", ".qti", ".xsd")
HTML_EXTENSIONS = (".html", ".htm")

XmlHook = Callable[[XmlDoc], None]
HtmlHook = Callable[[str, str], None]


def _ln(el) -> str:
    tag = el.tag
    return tag[tag.rfind("}") + 1:] if isinstance(tag, str) else ""  # '{ns}name' or 'name'


def _kids(el, name: str):
    return [c for c in el if _ln(c) == name]


def _kid(el, name: str):
    for c in el:
        if _ln(c) == name:
            return c
    return None


def _text(el, *path: str) -> str | None:
    for p in path:
        if el is None:
            return None
        el = _kid(el, p)
    if el is None or el.text is None:
        return None
    t = el.text.strip()
    return t or None


def _int(v: str | None) -> int | None:
    try:
        return int(v) if v is not None else None
    except ValueError:
        return None


def _descendants(el, name: str):
    return (d for d in el.iter() if _ln(d) == name)


def _lom_string(el) -> str | None:
    if el is None:
        return None
    for s in _descendants(el, "string"):
        if s.text and s.text.strip():
            return s.text.strip()
    t = (el.text or "").strip()
    return t or None


# -- package kind ----------------------------------------------------------------------------

def _version_from_types(types: set[str]) -> str | None:
    for t in sorted(types):
        m = re.search(r"imscc_xmlv1p(\d)|_xmlv1p(\d)", t)
        if m and not t.startswith("imsqti_xmlv1p2p") and t != "imsqti_xmlv1p2":
            digit = m.group(1) or m.group(2)
            if t.startswith(("imsdt", "imswl", "imsbasiclti", "associatedcontent", "imsqti_xmlv1p2/imscc")):
                return f"1.{digit}"
    return None


def detect_manifest_kind(root, path: str) -> tuple[str, str | None, bool]:
    """(kind, cc_version, thin) of a package from its manifest root; PackageError if not ours."""
    ns = etree.QName(root).namespace
    schema = _text(_kid(root, "metadata"), "schema")
    sv = _text(_kid(root, "metadata"), "schemaversion")
    types = {r.get("type", "") for r in _descendants(root, "resource")}
    if _ln(root) != "manifest":
        raise PackageError(f"{path}: the XML root is <{_ln(root)}>, not an IMS <manifest>"
                           + (" (a bare QTI document; package it with an imsmanifest.xml)" if _ln(root) in ("questestinterop", "item") else ""))
    if any(re.match(r"imsqti_(item|test|assessment)_xmlv2p", t) for t in types) or (schema or "").startswith("QTIv2"):
        raise PackageError(f"{path}: an IMS QTI 2.x package; cc-toolkit reads QTI 1.2 as Canvas writes it")
    def plain_qti(t: str) -> bool:
        return t.startswith("imsqti_xmlv1p") and "/imscc" not in t
    qti_only = bool(types) and all(plain_qti(t) or t.startswith("associatedcontent") or t == "webcontent"
                                   for t in types) and any(plain_qti(t) for t in types)
    if (schema or "").strip().lower() == "ims content" or (qti_only and "Common Cartridge" not in (schema or "")):
        if qti_only or ns in CC_NAMESPACES:
            return "qti", None, False
        raise PackageError(f"{path}: an IMS content package (schema {schema!r}) with no QTI 1.2 resources")
    thin = "thin" in (schema or "").lower()
    if ns in CC_NAMESPACES:
        version = CC_NAMESPACES[ns]
        if sv and re.match(r"^1\.[0-3]", sv):
            version = sv[:3]
        return "common_cartridge", version, thin
    if ns in CP_NAMESPACES:
        if "common cartridge" in (schema or "").lower():
            return "common_cartridge", (sv[:3] if sv and re.match(r"^1\.[0-3]", sv) else _version_from_types(types) or "1.0"), thin
        v = _version_from_types(types)
        if v:
            return "common_cartridge", v, thin
        what = f"schema {schema!r}" if schema else "no <schema>"
        raise PackageError(f"{path}: an IMS content package ({what}; e.g. SCORM, D2L or Blackboard), "
                           "not a Common Cartridge, QTI or Canvas export")
    if ns is None:
        raise PackageError(f"{path}: <manifest> has no IMS namespace (a Blackboard or other proprietary package?), "
                           "not a Common Cartridge")
    raise PackageError(f"{path}: unknown manifest namespace {ns!r}; not a Common Cartridge or QTI package")


def _detect_without_manifest(source: PackageSource) -> None:
    names = [e.name for e in source.entries]
    files = [e for e in source.entries if not e.is_dir]
    if not files:
        raise PackageError(f"{source.path}: the {'folder' if source.kind == 'folder' else 'archive'} is empty")
    if any(n in ("moodle.xml", "moodle_backup.xml") for n in names):
        raise PackageError(f"{source.path}: a Moodle backup, not a Common Cartridge, QTI or Canvas files export")
    nested = [n for n in names if n.count("/") == 1 and n.lower().endswith("/imsmanifest.xml")]
    tops = {n.split("/", 1)[0] for n in names if not n.startswith("__MACOSX")}
    if nested and len(tops) == 1:
        raise PackageError(f"{source.path}: the manifest is at {nested[0]}, not at the root; "
                           "zip the folder's contents, not the folder")


# -- the builder -------------------------------------------------------------------------------

@dataclass
class MemberState:
    facts: dict
    findings: list
    parsed: set
    modules: list
    course_settings: object
    context: object
    settings_objects: list


def members_to_read(pkg: Package) -> list[str]:
    """The members the builder reads after the manifest (XML and HTML), in archive order."""
    out = []
    for e in pkg.source.entries:
        if e.is_dir or e.name == MANIFEST or not e.readable or is_os_metadata(e.name):
            continue
        low = e.name.lower()
        if (pkg.kind != "files_zip" and low.endswith(XML_EXTENSIONS)) or low.endswith(HTML_EXTENSIONS):
            out.append(e.name)
    return out


def read_members(source: PackageSource, path, header: dict, names: list[str], on_xml=None, on_html=None,
                 on_package=None, detail: bool = True) -> MemberState:
    """Read some members of an open package in a worker process; `header` carries what the main process
    learned from the manifest (kind, version, flavour, the manifest model)."""
    pkg = Package(path=str(path), source=source, **header)
    if on_package:
        on_package(pkg)
    b = _Builder(pkg, on_xml, on_html, detail)
    for name in names:
        b.member(name)
    return b.state()


class _Builder:
    def __init__(self, pkg: Package, on_xml: XmlHook | None, on_html: HtmlHook | None, detail: bool = True):
        self.pkg = pkg
        self.detail = detail  # False: quiz questions to their type and points only (qti.parse_qti)
        self.src = pkg.source
        self.on_xml = on_xml
        self.on_html = on_html
        self.facts: dict[str, dict] = {}  # member path -> what the model needs from it

    # reading members
    def read(self, name: str) -> bytes | None:
        e = self.src.get(name)
        if e is not None and self.src.check_entry(e):
            return None  # refused (limits, link, special file): ZIP011/ZIP013 report it, nothing is read
        try:
            return self.src.read(name)
        except EntryTooLarge:
            self.pkg.findings.append(Finding("XML005", f"over {self.src.limits.max_xml_size} bytes; not parsed", name))
        except EntryUnreadable as exc:
            self.pkg.findings.append(Finding("ZIP010", f"cannot be read: {exc}", name))
        except KeyError:
            pass
        return None

    def parse(self, name: str) -> XmlDoc | None:
        data = self.read(name)
        self.pkg.parsed.add(name)
        if data is None:
            return None
        doc = parse_bytes(data, name)
        self.pkg.findings.extend(doc.findings)
        return doc

    # manifest
    def manifest(self, root) -> Manifest:
        md = _kid(root, "metadata")
        lom = None
        if md is not None:
            lom = next((d for d in md if isinstance(d.tag, str) and _ln(d) == "lom"), None)
        general = _kid(lom, "general") if lom is not None else None
        rights = _kid(lom, "rights") if lom is not None else None
        base = root.get(XML_BASE) or ""
        orgs = []
        orgs_el = _kid(root, "organizations")
        for o in _kids(orgs_el, "organization") if orgs_el is not None else []:
            orgs.append(Organization(o.get("identifier"), o.get("structure"), _text(o, "title"),
                                     tuple(self.item(i) for i in _kids(o, "item")), o.sourceline))
        resources = []
        res_el = _kid(root, "resources")
        rbase = join(base, res_el.get(XML_BASE) or "") if res_el is not None and res_el.get(XML_BASE) else base
        for r in _kids(res_el, "resource") if res_el is not None else []:
            resources.append(self.resource(r, rbase or ""))
        errors = []
        for node in root.itersiblings():
            if isinstance(node, etree._Comment) and node.text and "rror" in node.text:
                start = (node.sourceline or 1) - node.text.count("\n")  # libxml2 gives the comment's last line
                for part in re.split(r"\n\s*\n", node.text.strip()):
                    if part.strip():
                        errors.append(ExportError(" ".join(part.split()), start))
        return Manifest(
            identifier=root.get("identifier"),
            namespace=etree.QName(root).namespace,
            schema=_text(md, "schema") if md is not None else None,
            schemaversion=_text(md, "schemaversion") if md is not None else None,
            title=_lom_string(_kid(general, "title")) if general is not None else None,
            description=_lom_string(_kid(general, "description")) if general is not None else None,
            rights=_lom_string(_kid(rights, "description")) if rights is not None else None,
            organizations=tuple(orgs), resources=tuple(resources), export_errors=tuple(errors),
            line=root.sourceline,
        )

    def item(self, el) -> Item:
        return Item(el.get("identifier"), el.get("identifierref"), _text(el, "title"),
                    tuple(self.item(c) for c in _kids(el, "item")), el.sourceline)

    def resource(self, r, base: str) -> Resource:
        rb = r.get(XML_BASE)
        if rb:
            base = join(base, rb) or base
        def p(h: str) -> str:
            return (join(base, h) if base else join("", h)) or h
        href = r.get("href")
        files, deps, inline = [], [], False
        for c in r:  # one pass over the children: this runs for every resource of the manifest
            n = _ln(c)
            if n == "file":
                files.append(FileRef(c.get("href") or "", p(c.get("href") or ""), c.sourceline))
            elif n == "dependency":
                deps.append(Dependency(c.get("identifierref") or "", c.sourceline))
            elif n and n not in ("metadata", "variant"):
                inline = True
        variants = tuple(v.get("identifierref") or "" for v in r.iter("{*}variant"))  # at any depth, filtered in C
        return Resource(r.get("identifier") or "", r.get("type") or "", href, p(href) if href else None,
                        r.get("intendeduse"), tuple(files), tuple(deps), variants, r.sourceline, inline)

    # per-document facts
    def xml_member(self, name: str) -> None:
        doc = self.parse(name)
        if doc is None:
            return
        if doc.root is not None:
            try:
                self.extract(doc)
            except Exception as exc:  # a model gap must not stop the run
                self.pkg.findings.append(Finding("PKG003", f"could not be modelled: {type(exc).__name__}: {exc}", name))
        if self.on_xml:
            self.on_xml(doc)

    def extract(self, doc: XmlDoc) -> None:
        root, name, ns, ln = doc.root, doc.name, doc.namespace or "", doc.local_name
        f: dict = {"root": ln, "ns": ns}
        if ns == CANVAS_NS:
            if ln == "modules":
                self.pkg.modules = [self.module(m) for m in _kids(root, "module")]
            elif ln == "course":
                self.pkg.course_settings = cv.CourseSettings(root.get("identifier"), _text(root, "title"),
                                                             _text(root, "course_code"), _text(root, "start_at"),
                                                             _text(root, "conclude_at"), _text(root, "default_view"))
            elif ln == "context_info":
                self.pkg.context = cv.Context(_int(_text(root, "course_id")), _int(_text(root, "root_account_id")),
                                              _text(root, "course_name"), _text(root, "root_account_name"),
                                              _text(root, "canvas_domain"))
            elif ln == "assignment":
                f.update(identifier=root.get("identifier"), title=_text(root, "title"),
                         points=qti.number(_text(root, "points_possible")),
                         submission_types=_text(root, "submission_types"),
                         workflow_state=_text(root, "workflow_state"),
                         quiz=_text(root, "quiz_identifierref"), topic=_text(root, "topic_identifierref"))
            elif ln == "topicMeta":
                a = _kid(root, "assignment")
                f.update(identifier=root.get("identifier"), title=_text(root, "title"),
                         type=_text(root, "type"), topic_id=_text(root, "topic_id"),
                         assignment=a.get("identifier") if a is not None else None)
            elif ln in SETTINGS_LISTS:
                for el in root:
                    if isinstance(el.tag, str) and el.get("identifier"):
                        self.pkg.settings_objects.append(cv.SettingsObject(
                            _ln(el), el.get("identifier"), _text(el, "title") or _text(el, "name"), name))
            elif ln == "quiz":
                a = _kid(root, "assignment")
                f.update(identifier=root.get("identifier"), title=_text(root, "title"),
                         points=qti.number(_text(root, "points_possible")), quiz_type=_text(root, "quiz_type"),
                         assignment=a.get("identifier") if a is not None else None, meta=qti.parse_quiz_meta(root))
        elif ln == "questestinterop":
            model = qti.parse_qti(root, name, self.detail)  # the small QTI model, from the tree parsed once
            doc.qti = model  # handed on to the QTI rules with the document (qti.model_of)
            asmt = model.assessments[0] if model.assessments else None
            f.update(items=len(model.all_items()), banks=[(b.ident, b.title_or_bank, len(b.all_items())) for b in model.banks],
                     assessment=(asmt.ident, asmt.title) if asmt is not None else None, qti=model)
        elif ln == "topic":
            f.update(title=_text(root, "title"))
        elif ln == "webLink":
            u = _kid(root, "url")
            f.update(title=_text(root, "title"), url=u.get("href") if u is not None else None)
        elif ln == "cartridge_basiclti_link":
            f.update(title=_text(root, "title"), url=_text(root, "secure_launch_url") or _text(root, "launch_url"),
                     lti=ns.rsplit("_", 1)[-1] if "imslticc" in ns else None)
        elif ln == "assignment":  # CC 1.3 assignment extension
            f.update(identifier=root.get("identifier"), title=_text(root, "title"),
                     points=qti.number(_kid(root, "gradable").get("points_possible")) if _kid(root, "gradable") is not None else None)
        self.facts[name] = f

    def module(self, m) -> cv.Module:
        items = []
        its = _kid(m, "items")
        for it in _kids(its, "item") if its is not None else []:
            items.append(cv.ModuleItem(it.get("identifier"), _text(it, "content_type"), _text(it, "title"),
                                       _text(it, "identifierref"), _text(it, "url"), _int(_text(it, "position")),
                                       _int(_text(it, "indent")), _text(it, "workflow_state"), it.sourceline))
        return cv.Module(m.get("identifier"), _text(m, "title"), _int(_text(m, "position")),
                         _text(m, "workflow_state"), tuple(items), m.sourceline)

    _META = re.compile(r"""<meta\s+name=["']([^"']+)["']\s+content=["']([^"']*)["']""", re.I)
    _TITLE = re.compile(r"<title>(.*?)</title>", re.I | re.S)

    def html_member(self, name: str) -> None:
        data = self.read(name)
        self.pkg.parsed.add(name)
        if data is None:
            return
        if b"\x00" in data[:8192]:
            self.pkg.findings.append(Finding("HTM001", "binary content in a file named as HTML", name))
            return
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.pkg.findings.append(Finding("HTM002", f"not valid UTF-8 (0x{data[exc.start]:02x} at offset {exc.start})",
                                             name, line_of(data, exc.start), column=column_of(data, exc.start)))
            text = data.decode("utf-8", errors="replace")
        if text.startswith("\ufeff"):
            text = text[1:]
        head = text[:20000]
        t = self._TITLE.search(head)
        import html as _html
        self.facts[name] = {"title": _html.unescape(t.group(1).strip()) if t else None,
                            "meta": {k: v for k, v in self._META.findall(head)}}
        if self.on_html:
            self.on_html(name, text)

    def member(self, name: str) -> None:
        """Read one member (XML or HTML) and hand it to the hooks."""
        low = name.lower()
        if self.pkg.kind != "files_zip" and low.endswith(XML_EXTENSIONS):
            self.xml_member(name)
        elif low.endswith(HTML_EXTENSIONS):
            self.html_member(name)

    def state(self) -> "MemberState":
        """What reading members added to the package, as plain data (returned by worker processes)."""
        p = self.pkg
        return MemberState(self.facts, p.findings, p.parsed, p.modules, p.course_settings, p.context,
                           p.settings_objects)

    def merge(self, st: "MemberState") -> None:
        """Add a worker's state; merged in member order, so the result equals reading sequentially."""
        p = self.pkg
        self.facts.update(st.facts)
        p.findings.extend(st.findings)
        p.parsed |= st.parsed
        p.modules = st.modules or p.modules
        p.course_settings = st.course_settings or p.course_settings
        p.context = st.context or p.context
        p.settings_objects.extend(st.settings_objects)

    # assembling Canvas objects
    def assemble(self) -> None:
        pkg, m = self.pkg, self.pkg.manifest
        if m is None:
            return
        by_file: dict[str, Resource] = {}
        for r in m.resources:
            for fp in r.file_paths:
                by_file.setdefault(fp, r)
        res_by_id = {r.identifier: r for r in m.resources}
        for r in m.resources:
            t = r.type
            first = r.href_path or (r.files[0].path if r.files else None)
            if t == "webcontent" and first and first.startswith("wiki_content/"):
                f = self.facts.get(first, {})
                meta = f.get("meta", {})
                pkg.pages.append(cv.Page(r.identifier, f.get("title"), first, meta.get("workflow_state"),
                                         meta.get("front_page") == "true"))
            elif t == "webcontent" and first and first.startswith("web_resources/"):
                e = self.src.get(first)
                pkg.files.append(cv.CourseFile(r.identifier, first, e.size if e else None))
            elif t.startswith("imsdt"):
                f = self.facts.get(r.files[0].path, {}) if r.files else {}
                meta = next((self.facts.get(dr.files[0].path) for d in r.dependencies
                             if (dr := res_by_id.get(d.identifierref)) and dr.files
                             and self.facts.get(dr.files[0].path, {}).get("root") == "topicMeta"), None) or {}
                pkg.discussion_topics.append(cv.DiscussionTopic(
                    r.identifier, f.get("title") or meta.get("title"), r.files[0].path if r.files else "",
                    (meta.get("type") or "") == "announcement",
                    None, meta.get("assignment")))
            elif t.startswith("imswl"):
                f = self.facts.get(r.files[0].path, {}) if r.files else {}
                pkg.web_links.append(cv.WebLink(r.identifier, f.get("title"), f.get("url"), r.files[0].path if r.files else None))
            elif t.startswith("imsbasiclti"):
                f = self.facts.get(r.files[0].path, {}) if r.files else {}
                pkg.lti_links.append(cv.LtiLink(r.identifier, f.get("title"), f.get("url"),
                                                r.files[0].path if r.files else None, f.get("lti") or t.rsplit("v", 1)[-1]))
            elif t.startswith("assignment_xmlv1p0"):
                f = self.facts.get(r.files[0].path, {}) if r.files else {}
                settings = next((self.facts[p] for p in r.file_paths if self.facts.get(p, {}).get("root") == "assignment"
                                 and self.facts[p].get("ns") == CANVAS_NS), None)
                if settings:
                    f = {**f, **{k: v for k, v in settings.items() if v is not None}}
                pkg.assignments.append(cv.Assignment(r.identifier, f.get("title"), r.files[0].path if r.files else "",
                                                     f.get("points"), f.get("submission_types"), f.get("workflow_state"),
                                                     f.get("quiz"), f.get("topic")))
            elif t.startswith("associatedcontent") or t.startswith("imsqti") or t == "webcontent":
                settings = next((p for p in r.file_paths if self.facts.get(p, {}).get("root") == "assignment"
                                 and self.facts[p].get("ns") == CANVAS_NS and p.endswith("assignment_settings.xml")), None)
                if settings:
                    f = self.facts[settings]
                    pkg.assignments.append(cv.Assignment(r.identifier, f.get("title"), settings, f.get("points"),
                                                         f.get("submission_types"), f.get("workflow_state"),
                                                         f.get("quiz"), f.get("topic")))
        # quizzes: Canvas quiz meta (assessment_meta.xml), else CC assessments without meta
        quiz_ids = set()
        qti_res = {fp: r.identifier for r in m.resources if r.type.startswith("imsqti") for fp in r.file_paths}
        for path, f in self.facts.items():
            if f.get("root") == "quiz" and f.get("ns") == CANVAS_NS:
                qid = f.get("identifier") or posixpath.basename(posixpath.dirname(path))
                folder = posixpath.dirname(path)
                qti = next((c for c in (f"{folder}/{posixpath.basename(folder)}.xml", f"{folder}/assessment_qti.xml")
                            if self.src.exists(c)), None)
                full = f"non_cc_assessments/{qid}.xml.qti"
                full = full if self.src.exists(full) else None
                count_src = full or qti
                n = self.facts.get(count_src, {}).get("items") if count_src else None
                asmt = self._assessment(count_src)
                meta = f.get("meta")
                pkg.quizzes.append(cv.Quiz(qid, f.get("title"), path, qti, full, n,
                                           f.get("points") if f.get("points") is not None else (asmt.points() if asmt else None),
                                           f.get("quiz_type"), f.get("assignment"),
                                           **self._quiz_extra(asmt, self._assessment(qti) if full else None, meta,
                                                              qti_res.get(qti) if qti else None)))
                quiz_ids.add(qid)
        for r in m.resources:
            if r.type.startswith("imsqti_xmlv1p") and r.identifier not in quiz_ids and r.files:
                qf = r.files[0].path
                f = self.facts.get(qf, {})
                if f.get("banks") and not f.get("assessment"):
                    continue
                title = (f.get("assessment") or (None, None))[1]
                asmt = self._assessment(qf)
                pkg.quizzes.append(cv.Quiz(r.identifier, title, qf, qf, None, f.get("items"),
                                           asmt.points() if asmt else None,
                                           **self._quiz_extra(asmt, None, None, r.identifier)))
                quiz_ids.add(r.identifier)
        for path, f in self.facts.items():
            for b in f["qti"].banks if f.get("qti") else ():
                pkg.question_banks.append(cv.QuestionBank(b.ident or "", b.title_or_bank, path, len(b.all_items()),
                                                          b.question_types(), b.points(), b))

    def _assessment(self, path: str | None):
        """The first QTI assessment of a member, from the model built in `extract`."""
        model = self.facts.get(path, {}).get("qti") if path else None
        return model.assessments[0] if model and model.assessments else None

    @staticmethod
    def _quiz_extra(asmt, cc_asmt, meta, resource_identifier) -> dict:
        picks = sum(s.pick_count or 0 for s in asmt.all_sections() if s.sourcebank_ref or s.bank_entries) if asmt else 0
        return dict(question_types=asmt.question_types() if asmt else {},
                    settings=dict(meta.settings) if meta else {}, resource_identifier=resource_identifier,
                    bank_picks=picks, meta=meta, assessment=asmt, cc_assessment=cc_asmt)


def load(path, limits: Limits = DEFAULT_LIMITS, on_xml: XmlHook | None = None,
         on_html: HtmlHook | None = None, on_package: Callable[[Package], None] | None = None,
         runner: Callable | None = None, detail: bool = True) -> Package:
    """Open and model a package. Raises PackageError only when the input cannot be read at all.

    `on_package(pkg)` is called once the kind, version and manifest are known, before the other
    members are read, so document hooks can consult them (e.g. the CC version for schema choice).
    `detail=False` models quiz questions to their type and points only (enough for `inspect`; the QTI
    rules need the detail)."""
    source = open_source(path, limits)
    try:
        return _load(source, str(path), on_xml, on_html, on_package, runner, detail)
    except BaseException:
        source.close()
        raise


def _load(source: PackageSource, path: str, on_xml, on_html, on_package=None, runner=None, detail=True) -> Package:
    pkg = Package(path=path, source=source, kind="files_zip")
    pkg.findings.extend(source.issues)
    b = _Builder(pkg, on_xml, on_html, detail)
    if source.exists(MANIFEST):
        doc = b.parse(MANIFEST)
        root = doc.root if doc else None
        if root is None and source.kind == "manifest":
            raise PackageError(f"{path}: not a well-formed XML manifest"
                               + (f" ({doc.findings[-1].message})" if doc and doc.findings else ""))
        if root is not None:
            pkg.kind, pkg.cc_version, pkg.thin = detect_manifest_kind(root, path)
            pkg.manifest_root = root
            pkg.manifest = b.manifest(root)
        else:
            pkg.kind = "common_cartridge"  # a manifest we cannot parse: report it, check the rest
    else:
        _detect_without_manifest(source)
        doc = None
    if pkg.kind == "common_cartridge":
        pkg.canvas = source.exists("course_settings/canvas_export.txt")
    elif pkg.kind == "qti":
        pkg.canvas = any(e.name.endswith("/assessment_meta.xml") for e in source.entries)
    if on_package:
        on_package(pkg)
    if on_xml and doc is not None:
        on_xml(doc)
    names = members_to_read(pkg)
    if runner is not None:  # e.g. the engine's worker processes; it merges their states into `b`
        runner(pkg, b, names)
    else:
        for name in names:
            b.member(name)
    b.assemble()
    return pkg
