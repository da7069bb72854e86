"""The Canvas objects a package holds, each with the manifest resources and files that make it up.

One view shared by the audit (what was exported) and the diff (what changed between two exports).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .package import Package


@dataclass
class PackageObject:
    type: str
    identifier: str
    title: str | None
    resources: set[str] = field(default_factory=set)
    docs: set[str] = field(default_factory=set)  # package files holding its content (for links)
    always: str | None = None  # why Canvas always writes it


def objects(pkg: Package) -> list[PackageObject]:
    m = pkg.manifest
    res = {r.identifier: r for r in m.resources} if m else {}
    objs: list[PackageObject] = []

    def with_deps(rid: str) -> set[str]:
        r = res.get(rid)
        out = {rid}
        if r:
            out |= {d.identifierref for d in r.dependencies if d.identifierref in res
                    and res[d.identifierref].type.startswith("associatedcontent")}
        return out

    def docs(rids: set[str]) -> set[str]:
        return {p for rid in rids if rid in res for p in res[rid].file_paths}

    for p in pkg.pages:
        objs.append(PackageObject("wiki_pages", p.identifier, p.title, {p.identifier}, {p.file}))
    for a in pkg.assignments:
        rids = {a.identifier}
        objs.append(PackageObject("assignments", a.identifier, a.title, rids, docs(rids)))
    for q in pkg.quizzes:
        rids = with_deps(q.identifier)
        objs.append(PackageObject("quizzes", q.identifier, q.title, rids, docs(rids) | {q.file or "", q.full_qti_file or ""}))
    for t in pkg.discussion_topics:
        rids = with_deps(t.identifier)
        objs.append(PackageObject("announcements" if t.announcement else "discussion_topics", t.identifier, t.title, rids,
                         docs(rids)))
    for f in pkg.files:
        objs.append(PackageObject("attachments", f.identifier, f.path, {f.identifier}))
    for b in pkg.question_banks:
        rids = {r.identifier for r in m.resources if b.file in r.file_paths} if m else set()
        objs.append(PackageObject("assessment_question_banks", b.identifier, b.title, rids))
    org_ref = {i.identifier: i.identifierref for i in m.items()} if m else {}
    for mod in pkg.modules:
        objs.append(PackageObject("context_modules", mod.identifier, mod.title))
        for it in mod.items:
            rids = set()
            if it.content_type in ("ExternalUrl", "ContextExternalTool") and org_ref.get(it.identifier) in res:
                rids.add(org_ref[it.identifier])
            objs.append(PackageObject("content_tags", it.identifier, it.title, rids))
    for s in pkg.settings_objects:
        kind = {"rubric": "rubrics", "assignmentGroup": "assignment_groups", "event": "calendar_events",
                "learningOutcome": "learning_outcomes", "learningOutcomeGroup": "learning_outcome_groups",
                "externalTool": "context_external_tools"}.get(s.kind, s.kind)
        objs.append(PackageObject(kind, s.identifier, s.title))
    for l in pkg.lti_links:
        r = res.get(l.identifier)
        if r and any(p.startswith("lti_resource_links/") for p in r.file_paths):
            objs.append(PackageObject("lti_resource_links", l.identifier, l.title, {l.identifier},
                             always="Canvas writes every LTI 1.3 resource link in every export"))
        elif not any(l.identifier in o.resources for o in objs):
            objs.append(PackageObject("context_external_tools", l.identifier, l.title, {l.identifier}))
    if m:
        for r in m.resources:
            if "course_settings/canvas_export.txt" in r.file_paths or r.href_path == "course_settings/canvas_export.txt":
                objs.append(PackageObject("course_settings", r.identifier, "course settings", {r.identifier},
                                 always="Canvas writes the course settings (context.xml, module_meta.xml, "
                                        "files_meta.xml, canvas_export.txt) in every export"))
            elif r.intendeduse == "syllabus":
                objs.append(PackageObject("syllabus", r.identifier, "syllabus", {r.identifier}))
        owned = {rid for o in objs for rid in o.resources}
        for r in m.resources:
            if r.identifier not in owned:
                objs.append(PackageObject("resources", r.identifier, r.href or (r.files[0].href if r.files else r.type),
                                 {r.identifier}))
    return objs
