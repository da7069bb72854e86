"""GitHub Actions workflow commands: one annotation per finding on the package file."""
from __future__ import annotations

from . import audit_reporter, safe, validate_reporter

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def _esc(s: str, prop: bool = False) -> str:
    """Package text made printable (report.safe: control and bidi characters shown escaped, so nothing can
    forge a line, a workflow command or another file name), then GitHub's own escapes."""
    s = safe(s).replace("%", "%25")
    return s.replace(":", "%3A").replace(",", "%2C") if prop else s


@validate_reporter("github")
def validate_github(result) -> str:
    pkg = result.package.describe()["path"]
    lines = []
    for f in result.findings:
        where = f.location
        title = f"{f.code} in {where}" if where else f.code
        lines.append(f"::{COMMAND[str(f.severity)]} file={_esc(pkg, True)},title={_esc(title, True)}::"
                     f"{_esc(f'{where}: {f.message}' if where else f.message)}")
    s = result.summary()
    lines.append(f"{pkg}: {s['error']} errors, {s['warning']} warnings, {s['info']} info")
    return "\n".join(lines)


@audit_reporter("github")
def audit_github(result) -> str:
    pkg = result.package.describe()["path"]
    lines = [f"::error file={_esc(pkg, True)},title=missing {e.type}::{_esc(f'requested {e.type} {e.id} ({e.identifier}) is not in the package')}"
             for e in result.missing]
    lines += [f"::error file={_esc(pkg, True)},title=unexpected {e.type}::{_esc(f'{e.type} {e.title!r} ({e.identifier}) was not requested')}"
              for e in result.unexpected]
    lines += [f"::warning file={_esc(pkg, True)},title=request::{_esc(w)}" for w in result.request_warnings]
    s = result.summary()
    lines.append(f"{pkg}: {s['present']} present, {s['missing']} missing, {s['unexpected']} unexpected")
    return "\n".join(lines)
