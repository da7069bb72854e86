"""What changed between two exports of a course: objects added, removed and changed (by identifier and
content hash, with titles), module structure and order, files, and quiz question counts."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .model.build import load
from .model.inventory import objects
from .model.package import Package
from .read.source import EntryTooLarge, EntryUnreadable


@dataclass
class Change:
    kind: str  # added, removed, changed, identifier-changed
    type: str
    identifier: str | None
    title: str | None
    detail: str | None = None
    old_identifier: str | None = None

    def to_dict(self) -> dict:
        d = {"kind": self.kind, "type": self.type, "identifier": self.identifier, "title": self.title}
        if self.detail:
            d["detail"] = self.detail
        if self.old_identifier:
            d["old_identifier"] = self.old_identifier
        return d


@dataclass
class DiffResult:
    old: str
    new: str
    objects: list[Change] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)
    files: list[Change] = field(default_factory=list)
    quizzes: list[Change] = field(default_factory=list)

    @property
    def differ(self) -> bool:
        return bool(self.objects or self.modules or self.files or self.quizzes)

    def summary(self) -> dict[str, int]:
        out = {k.replace("-", "_"): sum(1 for c in self.objects if c.kind == k)
               for k in ("added", "removed", "changed", "identifier-changed")}
        out.update(module_changes=len(self.modules), file_changes=len(self.files), quiz_changes=len(self.quizzes))
        return out

    def to_dict(self) -> dict:
        from .report import safe

        return {"old": safe(self.old), "new": safe(self.new), "differ": self.differ, "objects": [c.to_dict() for c in self.objects],
                "modules": self.modules, "files": [c.to_dict() for c in self.files],
                "quizzes": [c.to_dict() for c in self.quizzes], "summary": self.summary()}


def _file_hashes(pkg: Package) -> dict[str, str]:
    """sha256 of every file, streamed (a damaged entry hashes as its error)."""
    out = {}
    for e in pkg.source.files():
        if not e.readable:
            out[e.name] = "unreadable"
            continue
        h = hashlib.sha256()
        try:
            with pkg.source.open(e.name) as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
            out[e.name] = h.hexdigest()
        except (EntryUnreadable, EntryTooLarge) as exc:
            out[e.name] = f"unreadable: {exc}"
    return out


def _object_table(pkg: Package, hashes: dict[str, str]) -> dict[tuple[str, str], tuple[str | None, str]]:
    """(type, identifier) -> (title, content hash). Identifiers inside files are masked so that the same
    content exported again with new identifiers hashes the same."""
    res = {r.identifier: r for r in pkg.manifest.resources} if pkg.manifest else {}
    mods = {m.identifier: m for m in pkg.modules}
    table = {}
    for o in objects(pkg):
        h = hashlib.sha256()
        for rid in sorted(o.resources):
            for p in sorted(res[rid].file_paths) if rid in res else ():
                h.update(p.rsplit("/", 1)[-1].encode() + hashes.get(p, "-").encode())
        if o.type == "context_modules" and o.identifier in mods:
            h.update(repr([(i.title, i.content_type) for i in mods[o.identifier].items]).encode())
        if o.type == "attachments":
            h.update(hashes.get(o.title or "", "-").encode())
        table[(o.type, o.identifier)] = (o.title, h.hexdigest())
    return table


def diff(old_path, new_path) -> DiffResult:
    a, b = load(old_path), load(new_path)
    try:
        return diff_packages(a, b)
    finally:
        a.close()
        b.close()


def diff_packages(a: Package, b: Package) -> DiffResult:
    result = DiffResult(a.path, b.path)
    ha, hb = _file_hashes(a), _file_hashes(b)
    ta, tb = _object_table(a, ha), _object_table(b, hb)
    removed = {k: v for k, v in ta.items() if k not in tb}
    added = {k: v for k, v in tb.items() if k not in ta}
    for key in sorted(set(ta) & set(tb)):
        (t1, h1), (t2, h2) = ta[key], tb[key]
        if t1 != t2:
            result.objects.append(Change("changed", key[0], key[1], t2, f"title {t1!r} -> {t2!r}"))
        elif h1 != h2:
            result.objects.append(Change("changed", key[0], key[1], t2, "content changed"))
    # same object exported again under a new identifier: match by type and title
    by_title = {}
    for (typ, ident), (title, h) in removed.items():
        by_title.setdefault((typ, title), []).append(ident)
    for (typ, ident), (title, h) in sorted(added.items(), key=lambda kv: kv[0]):
        olds = by_title.get((typ, title))
        if olds:
            old = olds.pop(0)
            removed.pop((typ, old))
            detail = "same content" if ta[(typ, old)][1] == h else "content changed"
            result.objects.append(Change("identifier-changed", typ, ident, title, detail, old))
        else:
            result.objects.append(Change("added", typ, ident, title))
    for (typ, ident), (title, _) in sorted(removed.items()):
        result.objects.append(Change("removed", typ, ident, title))
    # module structure and order, by title (identifiers may all differ between exports)
    ma = [(m.title, [i.title for i in m.items]) for m in a.modules]
    mb = [(m.title, [i.title for i in m.items]) for m in b.modules]
    if [t for t, _ in ma] != [t for t, _ in mb]:
        result.modules.append(f"module order: {[t for t, _ in ma]} -> {[t for t, _ in mb]}")
    items_a, items_b = dict(ma), dict(mb)
    for title in [t for t, _ in mb if t in items_a]:
        if items_a[title] != items_b[title]:
            result.modules.append(f"module {title!r} items: {items_a[title]} -> {items_b[title]}")
    # files
    for p in sorted(set(ha) | set(hb)):
        if p not in hb:
            result.files.append(Change("removed", "file", p, None))
        elif p not in ha:
            result.files.append(Change("added", "file", p, None))
        elif ha[p] != hb[p] and not p.endswith("imsmanifest.xml"):
            result.files.append(Change("changed", "file", p, None, "content changed"))
    # quiz question counts, by title
    qa = {q.title: q.question_count for q in a.quizzes}
    for q in b.quizzes:
        if q.title in qa and qa[q.title] != q.question_count:
            result.quizzes.append(Change("changed", "quiz", q.identifier, q.title,
                                         f"questions {qa[q.title]} -> {q.question_count}"))
    return result


def diff_text(r: DiffResult) -> str:
    out = [f"--- {r.old}", f"+++ {r.new}"]
    sign = {"added": "+", "removed": "-", "changed": "~", "identifier-changed": "="}
    for c in r.objects:
        extra = f" (was {c.old_identifier}; {c.detail})" if c.old_identifier else (f" ({c.detail})" if c.detail else "")
        out.append(f"{sign[c.kind]} {c.type} {c.identifier} {c.title!r}{extra}")
    out += [f"~ {m}" for m in r.modules]
    out += [f"{sign[c.kind]} file {c.identifier}" for c in r.files]
    out += [f"~ quiz {c.title!r}: {c.detail}" for c in r.quizzes]
    s = r.summary()
    out.append(("packages differ: " if r.differ else "packages are the same: ")
               + ", ".join(f"{v} {k}" for k, v in s.items()))
    from .report import safe

    return "\n".join(safe(line) for line in out)
