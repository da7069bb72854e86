"""The `select` of a Content Exports request, in every form a user has at hand, normalized the way
Canvas normalizes it (ContentMigration.process_copy_params: collection names, asset strings, keys).

Forms accepted: the JSON body that was POSTed (`{"export_type": ..., "select": {...}}`), the select
object alone, a query string (`select[pages][]=5&select[files][]=12`), or `type=id` items.
Canvas validates none of it: unknown keys and ids silently match nothing, so we warn instead.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl

from ..canvas_ids import create_key

# select key -> the collection name Canvas files it under (ContentMigration.collection_name)
ALIASES = {"modules": "context_modules", "module_items": "content_tags", "pages": "wiki_pages", "files": "attachments"}
# collection -> asset string prefix (ContentMigration.asset_string_prefix: singular, with special cases)
PREFIX = {
    "quizzes": "quizzes:quiz", "announcements": "discussion_topic", "discussion_topics": "discussion_topic",
    "wiki_pages": "wiki_page", "assignments": "assignment", "context_modules": "context_module",
    "content_tags": "content_tag", "attachments": "attachment", "folders": "folder",
    "assessment_question_banks": "assessment_question_bank", "assignment_groups": "assignment_group",
    "rubrics": "rubric", "learning_outcomes": "learning_outcome", "learning_outcome_groups": "learning_outcome_group",
    "calendar_events": "calendar_event", "context_external_tools": "context_external_tool",
    "grading_standards": "grading_standard", "external_feeds": "external_feed", "tool_profiles": "tool_profile",
    "course_paces": "course_pace", "blueprint_settings": "blueprint_setting",
}
COLLECTIONS = set(PREFIX)
FLAGS = {"everything", "all_course_settings", "syllabus_body", "course_settings"} | {f"all_{c}" for c in COLLECTIONS}
EXPORT_TYPES = ("common_cartridge", "qti", "zip")
_TRUE = {"1", "true", "yes", "on", "t", "y"}


@dataclass(frozen=True)
class Requested:
    """One object the request asks for."""

    collection: str  # Canvas collection (wiki_pages, quizzes, ...)
    key: str  # the select key as written (pages, wiki_pages, ...)
    id: str | None  # the object id when given as an id
    asset_string: str  # e.g. wiki_page_5
    raw: str  # as written by the user

    def identifier(self, mode: str = "i", shard: int = 0) -> str | None:
        """The identifier Canvas writes for it in a CC/QTI export."""
        m = re.match(r"^(.*)_(\d+)$", self.asset_string)
        if not m:
            return None
        return create_key(m.group(1), int(m.group(2)), "", mode, shard)


@dataclass
class Request:
    export_type: str | None = None
    items: list[Requested] = field(default_factory=list)
    flags: dict[str, bool] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    given: bool = False  # any select key at all: Canvas then exports selectively, even if nothing matches

    @property
    def everything(self) -> bool:
        """An empty select (or everything=1) exports the whole course."""
        return not self.given or self.flags.get("everything", False)

    def all_of(self, collection: str) -> bool:
        return self.everything or self.flags.get(f"all_{collection}", False)

    def to_dict(self) -> dict:
        return {"export_type": self.export_type,
                "items": [{"type": r.collection, "id": r.id, "asset_string": r.asset_string} for r in self.items],
                "flags": self.flags}


def _truthy(v) -> bool:
    if isinstance(v, bool):
        return v
    return str(v).strip().lower() in _TRUE


def _add(req: Request, key: str, value) -> None:
    """Add one select entry: key plus a list of ids, a dict of asset strings, or a scalar flag."""
    req.given = True
    collection = ALIASES.get(key, key)
    if collection not in COLLECTIONS:
        if key in FLAGS or key.startswith("all_"):
            if key.startswith("all_") and key[4:] not in COLLECTIONS and ALIASES.get(key[4:]) not in COLLECTIONS:
                req.warnings.append(f"unknown flag {key!r}: Canvas ignores it")
            flag = f"all_{ALIASES.get(key[4:], key[4:])}" if key.startswith("all_") else key
            req.flags[flag] = _truthy(value)
            return
        req.warnings.append(f"unknown select key {key!r}: Canvas silently matches nothing for it")
        return
    prefix = PREFIX[collection]
    if value is None or isinstance(value, float) or not isinstance(value, (str, int, bool, list, dict)):
        req.warnings.append(f"select[{key}] must be a list of ids (or an object of asset strings), "
                            f"not {json.dumps(value) if isinstance(value, (float, type(None))) else type(value).__name__}; "
                            "Canvas matches nothing for it")
        return
    if isinstance(value, (str, int, bool)) and not isinstance(value, list):
        if isinstance(value, bool) or str(value).lower() in _TRUE | {"0", "false", "no", "off"}:
            req.warnings.append(f"select[{key}] is a flag, not a list of ids; use all_{collection} to select all")
            return
        value = [value]
    if isinstance(value, dict):
        for k, v in value.items():
            if not _truthy(v):
                continue
            k = str(k)
            if re.fullmatch(r"\d+", k):
                req.warnings.append(f"select[{key}] dict form needs full asset strings (e.g. {prefix}_{k}), "
                                    f"not bare ids: {k!r} matches nothing in Canvas")
                continue
            m = re.fullmatch(r"(.+)_(\d+)", k)
            if not m:
                req.warnings.append(f"select[{key}] entry {k!r} is not an asset string; Canvas matches nothing")
                continue
            if m.group(1) != prefix:
                req.warnings.append(f"select[{key}] entry {k!r} is not a {prefix}; Canvas matches nothing")
            req.items.append(Requested(collection, key, m.group(2), k, k))
        return
    for v in value:
        if isinstance(v, (list, dict, float)) or v is None:
            req.warnings.append(f"select[{key}] entry {json.dumps(v)} is not an id; Canvas can never match it")
            continue
        s = str(v).strip()
        if not re.fullmatch(r"\d+", s):
            req.warnings.append(f"select[{key}] id {s!r} is not a number; Canvas can never match it")
            continue
        req.items.append(Requested(collection, key, s, f"{prefix}_{int(s)}", s))


def _from_mapping(req: Request, data: dict) -> None:
    if "select" in data and isinstance(data["select"], dict):
        if data.get("export_type"):
            req.export_type = str(data["export_type"])
        data = data["select"]
    for key, value in data.items():
        _add(req, str(key), value)


def _from_query(req: Request, text: str) -> None:
    grouped: dict[str, list | dict] = {}
    for k, v in parse_qsl(text.lstrip("?"), keep_blank_values=True):
        if k == "export_type":
            req.export_type = v
            continue
        m = re.fullmatch(r"select\[([^\]]+)\](?:\[([^\]]*)\])?", k)
        if not m:
            req.warnings.append(f"ignored parameter {k!r} (not select[...])")
            continue
        key, sub = m.group(1), m.group(2)
        if sub is None:
            _add(req, key, v)
        elif sub == "":
            grouped.setdefault(key, []).append(v)  # type: ignore[union-attr]
        else:
            grouped.setdefault(key, {})[sub] = v  # type: ignore[index]
    for key, value in grouped.items():
        _add(req, key, value)


def parse_select(text: str | None = None, items: tuple[str, ...] = (), export_type: str | None = None) -> Request:
    """Parse SELECT (a file path or inline JSON / query string) and `type=id` items."""
    req = Request()
    if text:
        p = Path(text)
        try:
            if len(text) < 4096 and p.is_file():
                text = p.read_text(encoding="utf-8-sig")
        except OSError:
            pass
        t = text.strip()
        if t.startswith("{"):
            try:
                data = json.loads(t)
            except json.JSONDecodeError as exc:
                raise ValueError(f"select is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
            _from_mapping(req, data)
        elif "=" in t:
            _from_query(req, t)
        else:
            raise ValueError("select must be JSON ({\"select\": {...}}), a query string (select[pages][]=5) or a file")
    if text and not req.given and req.warnings:
        raise ValueError("the select selects nothing Canvas understands: " + "; ".join(req.warnings))
    for item in items:
        if "=" not in item or not item.split("=", 1)[0].strip() or not item.split("=", 1)[1].strip():
            raise ValueError(f"--item {item!r}: expected TYPE=ID, e.g. pages=5")
        key, value = item.split("=", 1)
        _add(req, key.strip(), [value.strip()])
    if export_type:
        if req.export_type and req.export_type != export_type:
            req.warnings.append(f"--export-type {export_type} overrides export_type {req.export_type!r} of the request")
        req.export_type = export_type
    if req.export_type and req.export_type not in EXPORT_TYPES:
        req.warnings.append(f"export_type {req.export_type!r} is not one Canvas accepts ({', '.join(EXPORT_TYPES)})")
    et = req.export_type
    if et in ("common_cartridge", "qti") and any(r.collection == "folders" for r in req.items):
        req.warnings.append("select[folders] only works for zip exports; Canvas ignores it in a "
                            f"{et} export (select the files instead)")
    if et == "qti":
        other = sorted({r.key for r in req.items if r.collection != "quizzes"})
        if other:
            req.warnings.append(f"a QTI export contains only quizzes; {', '.join(other)} will not be in it")
    if et == "zip":
        other = sorted({r.key for r in req.items if r.collection not in ("attachments", "folders")})
        if other:
            req.warnings.append(f"a zip export contains only files; {', '.join(other)} will not be in it")
    return req
