"""Audit: prove that an export holds exactly what its `select` request asked for."""
from __future__ import annotations

from .compare import AuditResult, Entry, audit as _audit
from .select import Request, Requested, parse_select

__all__ = ["audit", "parse_select", "AuditResult", "Entry", "Request", "Requested"]


def audit(package, select=None, export_type: str | None = None, files_listing=None, course_id: int | None = None,
          items: tuple[str, ...] = (), config=None) -> AuditResult:
    """Audit `package` (a path) against `select`: a Request, the JSON body or select object (dict or
    text), a query string, or a file holding one of those."""
    if isinstance(select, Request):
        req = select
    elif isinstance(select, dict):
        import json

        req = parse_select(json.dumps(select), items, export_type)
    else:
        req = parse_select(select, items, export_type)
    return _audit(package, req, export_type, files_listing, course_id, config)
