"""Human-readable output."""
from __future__ import annotations

from . import inspect_reporter, safe, validate_reporter


def _kind_line(pkg) -> str:
    parts = [pkg.kind]
    if pkg.cc_version:
        parts.append(f"CC {pkg.cc_version}" + (" (Thin)" if pkg.thin else ""))
    if pkg.canvas:
        parts.append("Canvas export")
    return ", ".join(parts)


@validate_reporter("text")
def validate_text(result) -> str:
    pkg = result.package
    lines = []
    for f in result.findings:
        where = safe(f.location) or "-"
        ident = f" [{safe(f.identifier)}]" if f.identifier else ""
        lines.append(f"{where}: {f.severity} {f.code} {safe(f.message)}{ident}")
    s = result.summary()
    lines.append(f"{safe(pkg.path)}: {_kind_line(pkg)}: {s['error']} errors, {s['warning']} warnings, {s['info']} info")
    return "\n".join(lines)


def _tree(items, depth, out):
    for it in items:
        ref = f" -> {it.identifierref}" if it.identifierref else ""
        out.append(f"{'  ' * depth}- {it.title or it.identifier}{ref}")
        _tree(it.children, depth + 1, out)


def _points(p) -> str:
    return "" if p is None else f", {p:g} points"


def _types(counts: dict) -> list[str]:
    return [f"      {n:3} {t}" for t, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]


@inspect_reporter("text")
def inspect_text(pkg) -> str:
    m = pkg.manifest
    out = [f"package:  {pkg.path}", f"kind:     {_kind_line(pkg)}", f"title:    {pkg.title or '-'}"]
    if m:
        out.append(f"manifest: {m.identifier or '-'} ({m.schema or 'no schema'} {m.schemaversion or ''})".rstrip())
    if pkg.context:
        c = pkg.context
        out.append(f"course:   id {c.course_id}, root account {c.root_account_id}"
                   + (f", {c.canvas_domain}" if c.canvas_domain else ""))
    out.append("counts:")
    for k, v in pkg.counts().items():
        out.append(f"  {k:20} {v}")
    if pkg.modules:
        out.append("modules:")
        for mod in pkg.modules:
            out.append(f"  - {mod.title} ({len(mod.items)} items)")
            for it in mod.items:
                out.append(f"      {'  ' * min(max(it.indent or 0, 0), 12)}{it.content_type}: {it.title}")
    elif m and m.organizations:
        out.append("organization:")
        tree: list[str] = []
        for o in m.organizations:
            _tree(o.items, 1, tree)
        out.extend(tree)
    if pkg.quizzes:
        out.append("quizzes:")
        for q in pkg.quizzes:
            out.append(f"  - {q.title} [{q.identifier}] {q.question_count if q.question_count is not None else '?'} questions"
                       + (f" + {q.bank_picks} drawn from banks" if q.bank_picks else "") + _points(q.points_possible))
            out.extend(_types(q.question_types))
    if pkg.question_banks:
        out.append("question banks:")
        for b in pkg.question_banks:
            out.append(f"  - {b.title or b.identifier} [{b.identifier}] {b.question_count} questions"
                       + _points(b.points_possible))
            out.extend(_types(b.question_types))
    if m and m.resources:
        out.append("resources:")
        for r in m.resources:
            out.append(f"  {r.identifier}  {r.type}  {r.href or (r.files[0].href if r.files else '')}")
    if m and m.export_errors:
        out.append("export errors reported by Canvas:")
        out.extend(f"  - {e.message}" for e in m.export_errors)
    return "\n".join(safe(line) for line in out)  # names and titles come from the package
