"""What Canvas would export for a `select` request: a sample Course filtered by Canvas's selection
and dependency rules, then written with the sample generator. Used by the audit tests, the Canvas
API simulator and the benchmarks; never by the checks themselves.

Rules (from the Canvas source): an empty select or everything=1 exports all; all_<type> exports a
whole collection; a selected module brings every item and its content; files linked from exported
HTML come along; QTI exports hold only quizzes; zip exports hold only files, below the common folder
of the selection.
"""
from __future__ import annotations

import dataclasses
import io
import posixpath
import re

from .audit.select import Request
from .samples import Course, build_course, build_qti_export, write_zip

_KIND = {"page": "wiki_pages", "assignment": "assignments", "topic": "discussion_topics", "quiz": "quizzes",
         "file": "attachments"}


def _ids(req: Request, collection: str) -> set[int]:
    return {int(r.id) for r in req.items if r.collection == collection and r.id and r.id.isdigit()}


def select_course(course: Course, req: Request) -> Course:
    """The part of `course` that a common_cartridge export with this select contains."""
    if req.everything:
        return course

    def wanted(collection: str) -> set[int]:
        if req.all_of(collection):
            return {o.id for o in _collection(course, collection)}
        return _ids(req, collection)

    pages, assignments, quizzes, files = (wanted(c) for c in ("wiki_pages", "assignments", "quizzes", "attachments"))
    topics = wanted("discussion_topics") | wanted("announcements")
    modules = [m for m in course.modules if m.id in wanted("context_modules")]
    for m in modules:  # a module brings its items' content
        for it in m.items:
            if it.kind in _KIND and it.ref is not None:
                {"page": pages, "assignment": assignments, "topic": topics, "quiz": quizzes, "file": files}[it.kind].add(it.ref)
    sub = dataclasses.replace(
        course,
        pages=[p for p in course.pages if p.id in pages],
        assignments=[a for a in course.assignments if a.id in assignments],
        topics=[t for t in course.topics if t.id in topics],
        quizzes=[q for q in course.quizzes if q.id in quizzes],
        modules=modules,
    )
    html = " ".join([p.body for p in sub.pages] + [a.body for a in sub.assignments] + [t.body for t in sub.topics])
    linked = {f.id for f in course.files if _linked(f.path, html)}
    sub.files = [f for f in course.files if f.id in files or f.id in linked]
    return sub


def _collection(course: Course, collection: str):
    return {"wiki_pages": course.pages, "assignments": course.assignments, "quizzes": course.quizzes,
            "attachments": course.files, "context_modules": course.modules,
            "discussion_topics": [t for t in course.topics if not t.announcement],
            "announcements": [t for t in course.topics if t.announcement]}.get(collection, [])


def _linked(path: str, html: str) -> bool:
    from urllib.parse import unquote

    for m in re.finditer(r"(?:\$|%24)IMS[-_]CC[-_]FILEBASE(?:\$|%24)/([^\"'?#]+)", html):
        if unquote(m.group(1)) == path:
            return True
    return False


def export_members(course: Course, req: Request, export_type: str = "common_cartridge") -> list[tuple[str, bytes]]:
    """The members of the package Canvas would produce."""
    if export_type == "qti":
        q = set(_ids(req, "quizzes")) if not (req.everything or req.all_of("quizzes")) else {x.id for x in course.quizzes}
        return list(build_qti_export(dataclasses.replace(course, quizzes=[x for x in course.quizzes if x.id in q])).items())
    if export_type == "zip":
        if req.everything or req.all_of("attachments"):
            chosen = list(course.files)
        else:
            chosen = [f for f in course.files if f.id in _ids(req, "attachments")]
        paths = [f"course files/{f.path}" for f in chosen]
        common = posixpath.commonpath([posixpath.dirname(p) for p in paths]) if paths else ""
        return [(posixpath.relpath(p, common) if common else p, f.data) for p, f in zip(paths, chosen)]
    manifest, files = build_course(select_course(course, req))
    return [("imsmanifest.xml", manifest)] + list(files.items())


def export_bytes(course: Course, req: Request, export_type: str = "common_cartridge") -> bytes:
    buf = io.BytesIO()
    write_zip(buf, export_members(course, req, export_type))
    return buf.getvalue()


def files_listing(course: Course) -> dict:
    """The JSON Canvas would return for GET /courses/:id/files and /folders, for zip audits."""
    folders: dict[str, int] = {"course files": 1}
    for f in course.files:
        parts = posixpath.dirname(f.path).split("/") if posixpath.dirname(f.path) else []
        for i in range(1, len(parts) + 1):
            folders.setdefault("course files/" + "/".join(parts[:i]), len(folders) + 1)
    return {
        "folders": [{"id": i, "full_name": name, "name": name.rsplit("/", 1)[-1]} for name, i in folders.items()],
        "files": [{"id": f.id, "display_name": posixpath.basename(f.path), "size": len(f.data),
                   "folder_id": folders["course files/" + posixpath.dirname(f.path)] if posixpath.dirname(f.path)
                   else 1} for f in course.files],
    }
