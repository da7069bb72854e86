"""The plain-data view of a package that `inspect` prints."""
from __future__ import annotations


def inspect_data(pkg) -> dict:
    m = pkg.manifest
    data = {
        "package": pkg.describe(),
        "title": pkg.title,
        "identifier": m.identifier if m else None,
        "schema": m.schema if m else None,
        "schemaversion": m.schemaversion if m else None,
        "counts": pkg.counts(),
        "organizations": [o.to_dict() for o in m.organizations] if m else [],
        "resources": [r.to_dict() for r in m.resources] if m else [],
        "modules": [mod.to_dict() for mod in pkg.modules],
        "pages": [p.to_dict() for p in pkg.pages],
        "assignments": [a.to_dict() for a in pkg.assignments],
        "discussion_topics": [t.to_dict() for t in pkg.discussion_topics],
        "quizzes": [q.to_dict() for q in pkg.quizzes],
        "question_banks": [b.to_dict() for b in pkg.question_banks],
        "web_links": [w.to_dict() for w in pkg.web_links],
        "lti_links": [l.to_dict() for l in pkg.lti_links],
        "files": [f.to_dict() for f in pkg.files] if pkg.kind != "files_zip" else
                 [{"path": e.name, "size": e.size} for e in pkg.source.files()],
        "course_settings": pkg.course_settings.to_dict() if pkg.course_settings else None,
        "context": pkg.context.to_dict() if pkg.context else None,
        "export_errors": [e.message for e in m.export_errors] if m else [],
    }
    return data
