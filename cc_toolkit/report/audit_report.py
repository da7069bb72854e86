"""Output of `cc-toolkit audit` (text and JSON). Works on any object with the AuditResult shape."""
from __future__ import annotations

import json

from . import audit_reporter, safe

SCHEMA_VERSION = 1


@audit_reporter("json")
def audit_json(result) -> str:
    return json.dumps({"schema_version": SCHEMA_VERSION, **result.to_dict()}, indent=2, ensure_ascii=False)


def _line(e) -> str:
    ident = e.identifier or "-"
    idpart = f" id {e.id}" if e.id else ""
    title = f" {e.title!r}" if e.title else ""
    why = f" ({e.reason})" if e.reason else ""
    return f"  {e.type}{idpart} {ident}{title}{why}"


@audit_reporter("text")
def audit_text(result) -> str:
    out = [f"package:  {result.package.path} ({result.package.kind}, export type {result.export_type})"]
    if result.key_mode:
        shard = "unknown" if result.shard is None else result.shard
        out.append(f"keys:     '{result.key_mode}' identifiers, shard {shard}"
                   + (f" ({result.shard_source})" if result.shard_source else ""))
    for title, entries in (("missing", result.missing), ("present", result.present),
                           ("dependencies", result.dependencies), ("unexpected", result.unexpected)):
        if entries:
            out.append(f"{title}:")
            out.extend(_line(e) for e in entries)
    if result.request_warnings:
        out.append("request warnings:")
        out.extend(f"  - {w}" for w in result.request_warnings)
    s = result.summary()
    verdict = "matches the request" if result.ok else "does NOT match the request"
    out.append(f"{result.package.path}: {verdict}: {s['requested']} requested, {s['present']} present, "
               f"{s['missing']} missing, {s['dependencies']} dependencies, {s['unexpected']} unexpected, "
               f"{s['request_warnings']} request warnings")
    return "\n".join(safe(line) for line in out)  # identifiers, titles and paths come from the package
