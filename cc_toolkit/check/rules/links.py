"""Links inside HTML: pages, assignment descriptions, topic text, quiz text."""
from __future__ import annotations

import posixpath
import re

from ...finding import Finding
from ...model.refs import classify_link, target_exists
from ..registry import rule

_DATA_URI = re.compile(r"""data:[^"'\s)]{0,64}""")
DATA_URI_LIMIT = 512 * 1024


def _known_ids(pkg) -> set[str]:
    ids: set[str] = set()
    if pkg.manifest:
        ids.update(r.identifier for r in pkg.manifest.resources)
        ids.update(i.identifier for i in pkg.manifest.items() if i.identifier)
    for m in pkg.modules:
        ids.add(m.identifier)
        ids.update(i.identifier for i in m.items)
    for coll in (pkg.assignments, pkg.quizzes, pkg.discussion_topics, pkg.question_banks, pkg.settings_objects):
        ids.update(o.identifier for o in coll)
    # graded quizzes and discussions carry their assignment inside (no separate assignment resource)
    ids.update(q.assignment_identifier for q in pkg.quizzes)
    ids.update(t.assignment_identifier for t in pkg.discussion_topics)
    ids.discard(None)
    return ids


def _resolved(pkg, ctx):
    """Classify every collected link once; the LNK rules each report one kind of problem."""

    def compute():
        out = []
        src = pkg.source
        hosts = (pkg.context.canvas_domain,) if pkg.context and pkg.context.canvas_domain else ()
        slugs = {posixpath.splitext(posixpath.basename(p.file))[0] for p in pkg.pages}
        page_ids = {p.identifier for p in pkg.pages}
        ids = _known_ids(pkg)
        for doc in ctx.links:
            for link in doc.links:
                t = classify_link(link.url, doc.file, hosts)
                problem = None
                if t.kind in ("filebase", "relative") and src.kind != "manifest":
                    if not target_exists(src.exists, src.normalized_match, src.has_dir, t):
                        problem = "LNK001" if t.kind == "filebase" else "LNK006"
                elif t.kind == "wiki" and (pkg.pages or pkg.kind == "common_cartridge"):
                    if t.slug not in slugs and t.slug not in page_ids:
                        problem = "LNK002"
                elif t.kind == "object" and t.object_id not in ids:
                    problem = "LNK003"
                elif t.kind == "source_instance":
                    problem = "LNK004"
                out.append((doc.file, link, t, problem))
        return out

    return ctx.once("links", compute)


def _report(pkg, ctx, code: str, message):
    for file, link, t, problem in _resolved(pkg, ctx):
        if problem == code:
            yield Finding(code, message(link, t), file, link.line, column=link.column)


@rule("LNK001", "filebase-target-missing", "error", "package",
      "A $IMS-CC-FILEBASE$ link (any spelling, percent-encoded or not) points at a file that is not in the package; "
      "the image or download is broken after import.",
      "Include the file in the export (select it, or link it from the page so Canvas brings it along).")
def filebase_missing(pkg, ctx):
    yield from _report(pkg, ctx, "LNK001", lambda l, t: f"{l.attr}={l.url!r}: no file {t.path!r} in the package")


@rule("LNK002", "wiki-page-missing", "warning", "package",
      "A $WIKI_REFERENCE$/pages/<slug> link names no page of the package; the link will point nowhere.",
      "Select the linked page in the export, or fix the link.")
def wiki_missing(pkg, ctx):
    yield from _report(pkg, ctx, "LNK002", lambda l, t: f"{l.attr}={l.url!r}: no page {t.slug!r} in the package")


@rule("LNK003", "object-reference-missing", "warning", "package",
      "A $CANVAS_OBJECT_REFERENCE$/<type>/<id> link names no object of the package.",
      "Select the referenced object in the export, or fix the link.")
def object_missing(pkg, ctx):
    yield from _report(pkg, ctx, "LNK003",
                       lambda l, t: f"{l.attr}={l.url!r}: no {t.object_type} {t.object_id!r} in the package")


@rule("LNK004", "link-to-source-instance", "warning", "package",
      "A link still points at the Canvas instance the course came from (/courses/<n>/..., /files/<n>, "
      "https://<host>.instructure.com/...); it breaks for students of the imported copy.",
      "Edit the link in Canvas to point at content inside the course, then export again.")
def source_instance(pkg, ctx):
    yield from _report(pkg, ctx, "LNK004", lambda l, t: f"{l.attr}={l.url!r} points at the source Canvas instance")


@rule("LNK005", "double-percent-encoding", "warning", "package",
      "A link is percent-encoded twice (%2520 for a space); the target will not be found.",
      "Decode the link once.")
def double_encoding(pkg, ctx):
    for file, link, t, _ in _resolved(pkg, ctx):
        if t.double_encoded:
            yield Finding("LNK005", f"{link.attr}={link.url!r} is percent-encoded twice", file, link.line, column=link.column)


@rule("LNK006", "relative-target-missing", "error", "package",
      "A relative link or image source names a file that is not in the package.",
      "Add the file to the package or correct the link.")
def relative_missing(pkg, ctx):
    yield from _report(pkg, ctx, "LNK006", lambda l, t: f"{l.attr}={l.url!r}: no file {t.path!r} in the package")


@rule("HTM003", "huge-data-uri", "warning", "html",
      "An inline data: URI over 512 KiB; editors and importers choke on it and it bloats every copy of the page.",
      "Upload the image as a file and link it.")
def huge_data_uri(name, text, ctx):
    for m in _DATA_URI.finditer(text):
        end = m.end()
        stop = len(text)
        for q in ('"', "'", ")", " "):
            k = text.find(q, end)
            if k != -1:
                stop = min(stop, k)
        size = stop - m.start()
        if size > DATA_URI_LIMIT:
            yield Finding("HTM003", f"inline data URI of {size} characters", name, text.count("\n", 0, m.start()) + 1)
