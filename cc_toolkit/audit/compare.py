"""Compare a package with the `select` request that produced it.

Every requested object is present or missing (with the identifier Canvas would have written);
everything else in the package is a dependency (with the selected object that pulled it in, and
why) or unexpected. Facts about Canvas come from its source (ContentExport#export_object?,
ContentMigration.process_copy_params, CC::CCHelper.create_key).
"""
from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from ..canvas_ids import SHARD_FACTOR, create_key
from ..check.engine import Config, Result, run
from ..errors import PackageError
from ..model.inventory import PackageObject as _Obj, objects as _inventory
from ..model.package import Package
from ..model.refs import classify_link
from .select import Request

STATUSES = ("present", "missing", "dependency", "unexpected")


@dataclass
class Entry:
    type: str  # Canvas collection: wiki_pages, quizzes, attachments, context_modules, ...
    identifier: str | None
    title: str | None = None
    id: str | None = None  # the Canvas id, when the request gave it
    status: str = ""
    reason: str | None = None
    pulled_in_by: str | None = None  # identifier of the object that brought it along

    def to_dict(self) -> dict:
        d = {"type": self.type, "id": self.id, "identifier": self.identifier, "title": self.title}
        if self.reason:
            d["reason"] = self.reason
        if self.pulled_in_by:
            d["pulled_in_by"] = self.pulled_in_by
        return d


@dataclass
class AuditResult:
    package: Package
    export_type: str
    key_mode: str | None
    shard: int | None
    shard_source: str | None
    course_id: int | None
    request: Request
    requested: list[Entry] = field(default_factory=list)
    present: list[Entry] = field(default_factory=list)
    missing: list[Entry] = field(default_factory=list)
    dependencies: list[Entry] = field(default_factory=list)
    unexpected: list[Entry] = field(default_factory=list)
    validation: Result | None = None

    @property
    def request_warnings(self) -> list[str]:
        return self.request.warnings

    @property
    def ok(self) -> bool:
        return not self.missing and not self.unexpected

    def summary(self) -> dict[str, int]:
        return {"requested": len(self.requested), "present": len(self.present), "missing": len(self.missing),
                "dependencies": len(self.dependencies), "unexpected": len(self.unexpected),
                "request_warnings": len(self.request.warnings)}

    def to_dict(self) -> dict:
        return {
            "package": self.package.describe(),
            "export_type": self.export_type,
            "key_mode": self.key_mode,
            "shard": self.shard,
            "shard_source": self.shard_source,
            "course_id": self.course_id,
            "requested": [e.to_dict() for e in self.requested],
            "present": [e.to_dict() for e in self.present],
            "missing": [e.to_dict() for e in self.missing],
            "dependencies": [e.to_dict() for e in self.dependencies],
            "unexpected": [e.to_dict() for e in self.unexpected],
            "request_warnings": list(self.request.warnings),
            "summary": self.summary(),
        }


# -- key mode and shard ----------------------------------------------------------------------------

def _key_mode_and_shard(pkg: Package, course_id: int | None, warnings: list[str]):
    ident = pkg.manifest.identifier if pkg.manifest else None
    if not ident or ident[:1] not in ("i", "g") or len(ident) != 33:
        return None, None, None
    mode = ident[0]
    prepend = "qti_export_" if pkg.kind == "qti" else "common_cartridge_"
    if mode == "i":
        return mode, 0, "not needed (local ids)"
    cid = course_id or (pkg.context.course_id if pkg.context else None)
    if pkg.context and pkg.context.root_account_id:
        shard = pkg.context.root_account_id // SHARD_FACTOR
        if cid and create_key("course", cid, prepend, "g", shard) == ident:
            return mode, shard, "context.xml root_account_id, confirmed by the manifest identifier"
        return mode, shard, "context.xml root_account_id"
    if cid:
        for shard in range(0, 100_000):
            if create_key("course", cid, prepend, "g", shard) == ident:
                return mode, shard, f"manifest identifier of course {cid}"
    warnings.append("global identifiers ('g' keys) but the shard is unknown: no context.xml; pass --course-id "
                    "so the shard can be found from the manifest identifier")
    return mode, None, None


# -- the comparison --------------------------------------------------------------------------------

def audit(package, request: Request, export_type: str | None = None, files_listing=None,
          course_id: int | None = None, config: Config | None = None) -> AuditResult:
    """Audit a package (a path) against a parsed select request."""
    validation = run(package, config or Config())
    pkg = validation.package
    et = export_type or request.export_type or {"qti": "qti", "files_zip": "zip"}.get(pkg.kind, "common_cartridge")
    expected_kind = {"qti": "qti", "zip": "files_zip", "common_cartridge": "common_cartridge"}.get(et)
    if expected_kind and expected_kind != pkg.kind:
        request.warnings.append(f"the request is a {et} export but the package is a {pkg.kind}")
    if et == "zip":
        return _audit_zip(pkg, request, files_listing, validation)
    mode, shard, source = _key_mode_and_shard(pkg, course_id, request.warnings)
    result = AuditResult(pkg, et, mode, shard, source, course_id or (pkg.context.course_id if pkg.context else None),
                         request, validation=validation)
    objs = _inventory(pkg)
    by_id: dict[str, list[_Obj]] = {}
    for o in objs:
        by_id.setdefault(o.identifier, []).append(o)
    embedded = {q.assignment_identifier: ("quizzes", q) for q in pkg.quizzes if q.assignment_identifier}
    embedded.update({t.assignment_identifier: ("discussion_topics", t) for t in pkg.discussion_topics
                     if t.assignment_identifier})

    requested_objs: dict[int, str] = {}  # id(obj) -> why it counts as requested
    for r in request.items:
        if r.collection == "folders" and et != "zip":
            continue  # warned already: Canvas ignores folders outside zip exports
        ident = r.identifier(mode or "i", shard or 0)
        e = Entry(r.collection, ident, None, r.id)
        result.requested.append(e)
        found = [o for o in by_id.get(ident, []) if _same_kind(o.type, r.collection)]
        if found:
            e.title = found[0].title
            e.status = "present"
            for o in found:
                requested_objs[id(o)] = "selected"
            result.present.append(e)
        elif r.collection == "assignments" and ident in embedded:
            kind, owner = embedded[ident]
            e.title = owner.title
            e.status = "present"
            e.reason = f"exported inside graded {kind[:-1].replace('_', ' ')} {owner.identifier} (no separate resource)"
            for o in by_id.get(owner.identifier, []):
                requested_objs.setdefault(id(o), "the graded object of a selected assignment")
            result.present.append(e)
        else:
            e.status = "missing"
            e.reason = _missing_reason(r.collection, et)
            result.missing.append(e)
    for o in objs:
        if id(o) not in requested_objs and (request.all_of(o.type) or
                                            (o.type == "assignment_groups" and request.all_of("assignments"))):
            requested_objs[id(o)] = "selected by " + ("everything" if request.everything else f"all_{o.type}")

    # dependencies: what selected objects pull in
    deps: dict[int, tuple[str, str]] = {}  # id(obj) -> (reason, pulled_in_by)
    sel = [o for o in objs if id(o) in requested_objs]
    mods = {m.identifier: m for m in pkg.modules}
    for o in sel:
        if o.type == "context_modules" and o.identifier in mods:
            for it in mods[o.identifier].items:
                for dep in by_id.get(it.identifier, []):
                    deps.setdefault(id(dep), (f"item of selected module {o.title!r}", o.identifier))
                for dep in by_id.get(it.identifierref or "", []):
                    deps.setdefault(id(dep), (f"content of item {it.title!r} in selected module {o.title!r}",
                                              o.identifier))
    # topics bring their attachments; anything a selected object depends on in the manifest comes along
    res = {r.identifier: r for r in pkg.manifest.resources} if pkg.manifest else {}
    for o in list(sel) + [x for x in objs if id(x) in deps]:
        for rid in o.resources:
            for d in res[rid].dependencies if rid in res else ():
                for dep in by_id.get(d.identifierref, []):
                    if dep is not o:
                        deps.setdefault(id(dep), (f"dependency of {o.type[:-1] if o.type.endswith('s') else o.type} "
                                                  f"{o.title!r}", o.identifier))
    # files linked from exported HTML come along
    doc_owner = {d: o for o in objs for d in o.docs if d}
    files_by_path = {o.title: o for o in objs if o.type == "attachments"}
    src = pkg.source
    for dl in validation.links:
        owner = doc_owner.get(dl.file)
        if owner is None or (id(owner) not in requested_objs and id(owner) not in deps):
            continue  # only HTML that was itself exported on purpose brings files along
        for link in dl.links:
            t = classify_link(link.url, dl.file)
            if t.kind not in ("filebase", "relative"):
                continue
            for cand in [t.path, *t.alt_paths]:
                f = files_by_path.get(cand)
                if f is not None and id(f) not in requested_objs:
                    deps.setdefault(id(f), (f"linked from {owner.type[:-1]} {owner.title!r}", owner.identifier))
    has_assignment = any(o.type == "assignments" for o in objs) or bool(embedded)
    for o in objs:
        if id(o) in requested_objs or id(o) in deps:
            continue
        if o.always:
            deps[id(o)] = (o.always, None)
        elif o.type == "rubrics" and has_assignment:
            deps[id(o)] = ("a rubric follows the assignment that uses it", None)
        elif o.type == "context_external_tools" and has_assignment:
            deps[id(o)] = ("an assignment brings the external tool it launches", None)
        elif o.type == "syllabus" and (request.flags.get("syllabus_body") or request.flags.get("all_course_settings")):
            deps[id(o)] = ("selected by syllabus_body", None)
        elif o.type == "learning_outcomes" and any(x.type == "rubrics" for x in objs):
            deps[id(o)] = ("outcomes aligned to an exported rubric come along", None)
    for o in objs:
        if id(o) in requested_objs:
            continue
        if id(o) in deps:
            reason, by = deps[id(o)]
            result.dependencies.append(Entry(o.type, o.identifier, o.title, status="dependency", reason=reason,
                                             pulled_in_by=by))
        else:
            result.unexpected.append(Entry(o.type, o.identifier, o.title, status="unexpected",
                                           reason=_unexpected_reason(o.type)))
    return result


def _same_kind(obj_type: str, collection: str) -> bool:
    topics = {"discussion_topics", "announcements"}
    if obj_type in topics and collection in topics:
        return True
    return obj_type == collection


def _missing_reason(collection: str, et: str) -> str:
    if et == "qti" and collection != "quizzes":
        return "a QTI export holds only quizzes"
    return "not in the package: Canvas wrote no object with this identifier (deleted, wrong id, or export error)"


def _unexpected_reason(t: str) -> str:
    if t == "assessment_question_banks":
        return "question banks are exported only when selected"
    if t == "assignment_groups":
        return "assignment groups are exported only when selected (or with all_assignments)"
    if t == "resources":
        return "a manifest resource that belongs to no Canvas object"
    return "not selected and not needed by anything selected"


# -- zip exports ---------------------------------------------------------------------------------------

def load_files_listing(path) -> tuple[dict[str, str], dict[str, str]]:
    """Parse the JSON of GET /courses/:id/files and /folders: (file id -> path, folder id -> full_name).

    Accepts {"files": [...], "folders": [...]} or one list mixing both (folders have "full_name")."""
    from ..config import read_option_file

    try:
        data = json.loads(read_option_file(path, "--files-listing"))
    except json.JSONDecodeError as exc:
        raise PackageError(f"--files-listing {path}: cannot be read as JSON ({exc})") from None
    if isinstance(data, dict):
        items = list(data.get("folders") or []) + list(data.get("files") or [])
    elif isinstance(data, list):
        items = data
    else:
        raise PackageError(f"--files-listing {path}: expected a JSON list or an object with files and folders")
    folders = {str(x["id"]): x["full_name"] for x in items if isinstance(x, dict) and "full_name" in x and "id" in x}
    files = {}
    for x in items:
        if isinstance(x, dict) and "folder_id" in x and "id" in x and "full_name" not in x:
            name = x.get("display_name") or x.get("filename") or str(x["id"])
            files[str(x["id"])] = f"{folders.get(str(x['folder_id']), '')}/{name}".lstrip("/")
    return files, folders


def _audit_zip(pkg: Package, request: Request, files_listing, validation: Result) -> AuditResult:
    result = AuditResult(pkg, "zip", None, None, None, None, request, validation=validation)
    entries = [e.name for e in pkg.source.files()]
    wanted = [r for r in request.items if r.collection in ("attachments", "folders")]
    if wanted and files_listing is None:
        raise PackageError("auditing a zip export needs --files-listing (the JSON of GET /api/v1/courses/:id/files "
                           "and /folders) to turn file and folder ids into paths")
    files, folders = load_files_listing(files_listing) if files_listing else ({}, {})
    matched: set[str] = set()

    def find(path: str) -> str | None:
        parts = path.split("/")
        for i in range(len(parts)):
            cand = "/".join(parts[i:])
            if cand in entries:
                return cand
        return None

    for r in wanted:
        if r.collection == "attachments":
            path = files.get(r.id or "")
            e = Entry("attachments", None, path, r.id)
            hit = find(path) if path else None
            e.identifier = hit
            if hit:
                e.status = "present"
                matched.add(hit)
                result.present.append(e)
            else:
                e.status = "missing"
                e.reason = "file id not in the files listing" if not path else "no entry with this path"
                result.missing.append(e)
            result.requested.append(e)
        else:
            full = folders.get(r.id or "")
            e = Entry("folders", None, full, r.id)
            result.requested.append(e)
            inside = [p for p in files.values() if full and (p == full or p.startswith(full + "/"))]
            hits = [h for h in (find(p) for p in inside) if h]
            if full and (hits or not inside):
                e.status = "present"
                e.reason = f"{len(hits)} of {len(inside)} files"
                matched.update(hits)
                result.present.append(e)
                for p in inside:
                    if not find(p):
                        result.missing.append(Entry("attachments", None, p, None, "missing",
                                                    f"file of selected folder {full!r}"))
            else:
                e.status = "missing"
                e.reason = "folder id not in the files listing" if not full else "none of its files are in the zip"
                result.missing.append(e)
    for name in entries:
        if name in matched:
            continue
        if request.everything or request.flags.get("all_attachments") or request.flags.get("all_folders"):
            result.present.append(Entry("attachments", name, posixpath.basename(name), status="present",
                                        reason="selected by " + ("everything" if request.everything else "all_files")))
            continue
        result.unexpected.append(Entry("attachments", name, posixpath.basename(name), status="unexpected",
                                       reason="not among the selected files or folders"))
    return result
