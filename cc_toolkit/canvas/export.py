"""The flow behind `cc-toolkit export`: create → poll → download → validate → audit.

The audit compares the package with the very `select` that was POSTed: the form pairs sent are
parsed back with `cc_toolkit.audit.parse_select`, so what is checked is what Canvas was asked for.
"""
from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from ..audit import audit as run_audit, parse_select
from ..audit.select import Request
from ..check.engine import Config, run
from .client import CanvasClient, CanvasError, Download, Poll

_EXT = {"common_cartridge": ".imscc", "qti": ".zip", "zip": ".zip"}


def select_pairs(req: Request) -> list[tuple[str, str]]:
    """The form pairs that send `req`'s select to Canvas: select[key][]=id for ids given as ids,
    select[key][asset_string]=1 for the dict form, select[flag]=1 for flags."""
    pairs: list[tuple[str, str]] = []
    for r in req.items:
        if r.raw == r.id:
            pairs.append((f"select[{r.key}][]", r.id))
        else:
            pairs.append((f"select[{r.key}][{r.raw}]", "1"))
    for flag, on in req.flags.items():
        pairs.append((f"select[{flag}]", "1" if on else "0"))
    return pairs


def sent_request(pairs: list[tuple[str, str]], export_type: str) -> Request:
    """The Request as Canvas received it (for the audit)."""
    text = urlencode([("export_type", export_type)] + list(pairs))
    return parse_select(text, (), export_type)


@dataclass
class Outcome:
    """What `export` did: the export as Canvas last described it, where the package is, and the checks."""

    context: str
    context_id: str
    export: dict
    pairs: list[tuple[str, str]]
    polls: list[Poll] = field(default_factory=list)
    download: Download | None = None
    validation: object = None  # check.engine.Result
    audit: object = None  # audit.AuditResult

    @property
    def ok(self) -> bool:
        if self.audit is not None:
            return self.audit.ok
        if self.validation is not None:
            return not self.validation.failed(Config().fail_on)
        return True

    def close(self) -> None:
        for r in (self.audit, self.validation):
            if r is not None:
                r.package.close()


def default_name(context: str, context_id, export: dict) -> str:
    """The file name Canvas gave the attachment, made safe; else <context>-<id>-export-<n><ext>."""
    att = export.get("attachment") or {}
    name = str(att.get("filename") or att.get("display_name") or "")
    name = re.sub(r"[\x00-\x1f/\\:]", "_", name).strip().lstrip(".")
    if not name or name in (".", ".."):
        name = f"{context}-{context_id}-export-{export.get('id')}{_EXT.get(export.get('export_type'), '.zip')}"
    return name[:200]


def target_path(output, context: str, context_id, export: dict) -> Path:
    """-o FILE, -o EXISTING_FOLDER/ (Canvas's file name inside it), or the file name in the current folder."""
    if output is None:
        return Path(default_name(context, context_id, export))
    p = Path(output)
    if p.is_dir():
        return p / default_name(context, context_id, export)
    return p


def fetch(client: CanvasClient, context: str, context_id, export: dict, output, on_bytes=None,
          timeout: float | None = None) -> Download:
    dest = target_path(output, context, context_id, export)
    if not dest.parent.is_dir():
        raise CanvasError(f"{dest.parent}: no such folder")
    return client.download_export(context, context_id, export, dest, on_bytes=on_bytes, timeout=timeout)


def download_existing(client: CanvasClient, context: str, context_id, export_id, output,
                      progress: "ProgressDisplay | None" = None, config: Config | None = None,
                      download_timeout: float | None = None) -> Outcome:
    """`exports download`: fetch an export made earlier, then validate it."""
    export = client.get_export(context, context_id, export_id)
    state = export.get("workflow_state")
    if state in ("created", "waiting_for_external_tool", "exporting"):
        raise CanvasError(f"export {export_id} is still {state}; wait for it "
                          f"(`cc-toolkit exports show {context} {context_id} {export_id}`) and try again")
    outcome = Outcome(context, str(context_id), export, [])
    try:
        outcome.download = fetch(client, context, context_id, export, output, progress.bytes if progress else None,
                                 download_timeout)
    finally:
        if progress:
            progress.end()
    check(outcome, client, None, config)
    return outcome


def check(outcome: Outcome, client: CanvasClient, req: Request | None, config: Config | None = None) -> None:
    """Validate the downloaded package and, given the request, audit it."""
    path = str(outcome.download.path)
    if req is None:
        outcome.validation = run(path, config or Config())
        return
    listing = None
    try:
        wanted = [r for r in req.items if r.collection in ("attachments", "folders")]
        if req.export_type == "zip" and wanted:  # zip packages have no identifiers: ids -> paths via the API
            data = client.files_listing(outcome.context, outcome.context_id)
            fd, listing = tempfile.mkstemp(prefix="cc-toolkit-files-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f)
        course_id = int(outcome.context_id) if outcome.context == "course" and str(outcome.context_id).isdigit() else None
        outcome.audit = run_audit(path, req, req.export_type, listing, course_id, config=config)
        outcome.validation = outcome.audit.validation
    finally:
        if listing:
            os.unlink(listing)


def run_export(client: CanvasClient, context: str, context_id, export_type: str, req: Request, *,
               version: str | None = None, skip_notifications: bool = False, output=None, wait: bool = True,
               timeout: float = 1800.0, do_audit: bool = True, poll_interval: float = 1.0,
               progress: "ProgressDisplay | None" = None, config: Config | None = None,
               download_timeout: float | None = None) -> Outcome:
    pairs = select_pairs(req)
    export = client.create_export(context, context_id, export_type, pairs, skip_notifications, version)
    outcome = Outcome(context, str(context_id), export, pairs)
    if not wait:
        return outcome

    def on_poll(p: Poll) -> None:
        outcome.polls.append(p)
        if progress:
            progress.poll(export.get("id"), p)

    try:
        outcome.export = client.wait_for_export(context, context_id, export, timeout=timeout,
                                                interval=poll_interval, on_poll=on_poll)
    finally:
        if progress:
            progress.end()
    try:
        outcome.download = fetch(client, context, context_id, outcome.export, output,
                                 progress.bytes if progress else None, download_timeout)
    finally:
        if progress:
            progress.end()
    check(outcome, client, sent_request(pairs, export_type) if do_audit else None, config)
    return outcome


# -- progress on stderr (only when it is a terminal) -------------------------------------------------

class ProgressDisplay:
    """Single-line progress on a TTY (`\\r` updates); silent when the stream is not a terminal."""

    def __init__(self, stream=None, enabled: bool | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = (self.stream.isatty() if hasattr(self.stream, "isatty") else False) if enabled is None else enabled
        self._open = False

    def _write(self, text: str) -> None:
        if self.enabled:
            self.stream.write("\r" + text.ljust(60))
            self.stream.flush()
            self._open = True

    def poll(self, export_id, p: Poll) -> None:
        pct = f"{p.completion:5.1f}%" if p.completion is not None else "   ? %"
        width = 20
        filled = int(width * (p.completion or 0) / 100)
        self._write(f"export {export_id} [{'#' * filled}{'.' * (width - filled)}] {pct} {p.state}")

    def bytes(self, got: int, total: int | None) -> None:
        if total:
            filled = int(20 * got / total)
            self._write(f"download [{'#' * filled}{'.' * (20 - filled)}] {_size(got)} / {_size(total)}")
        else:
            self._write(f"download {_size(got)}")

    def end(self) -> None:
        if self.enabled and self._open:
            self.stream.write("\n")
            self.stream.flush()
        self._open = False


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


# -- output -------------------------------------------------------------------------------------------

def export_line(e: dict) -> str:
    att = e.get("attachment") or {}
    size = f"{att['size']} bytes" if isinstance(att.get("size"), int) else ""
    file = f"{att.get('filename') or att.get('display_name') or ''} {size}".strip() if att else "(no package)"
    return f"{e.get('id')}  {e.get('workflow_state', '?'):<10} {e.get('export_type', '?'):<17} {e.get('created_at', '')}  {file}"


def render_text(outcome: Outcome, audit_reporter=None, validate_summary: bool = True) -> str:
    e = outcome.export
    out = [f"export:   {e.get('id')} ({e.get('export_type')}) of {outcome.context} {outcome.context_id}: "
           f"{e.get('workflow_state')}"]
    if outcome.polls:
        seen = []
        for p in outcome.polls:
            s = p.state + (f" {p.completion:g}%" if p.completion is not None else "")
            if not seen or seen[-1] != s:
                seen.append(s)
        out.append(f"progress: {' -> '.join(seen)}")
    if outcome.download is None:
        if e.get("progress_url"):
            out.append(f"progress_url: {e['progress_url']}")
        return "\n".join(out)
    d = outcome.download
    resumed = f", resumed at byte {', '.join(map(str, d.resumed_from))}" if d.resumed_from else ""
    out.append(f"saved:    {d.path} ({d.size} bytes{resumed})")
    if outcome.validation is not None and validate_summary:
        s = outcome.validation.summary()
        hint = f" (details: cc-toolkit validate {d.path})" if any(s.values()) else ""
        out.append(f"validate: {s['error']} errors, {s['warning']} warnings, {s['info']} info{hint}")
    if outcome.audit is not None and audit_reporter is not None:
        out.append(audit_reporter(outcome.audit))
    return "\n".join(out)


def render_json(outcome: Outcome) -> str:
    data = {
        "schema_version": 1,
        "context": outcome.context,
        "context_id": outcome.context_id,
        "export": outcome.export,
        "select_sent": [list(p) for p in outcome.pairs],
        "progress": [{"state": p.state, "completion": p.completion} for p in outcome.polls],
        "saved": str(outcome.download.path) if outcome.download else None,
        "bytes": outcome.download.size if outcome.download else None,
        "validation": outcome.validation.summary() if outcome.validation is not None else None,
        "audit": outcome.audit.to_dict() if outcome.audit is not None else None,
    }
    return json.dumps(data, indent=2, ensure_ascii=False)
