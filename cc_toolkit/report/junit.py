"""JUnit XML: one test suite per package; a failing test case per finding at or above --fail-on,
passing cases for findings below it and for every rule that found nothing."""
from __future__ import annotations

from ..check.registry import all_rules
from . import audit_reporter, safe, validate_reporter


def _case(classname: str, name: str, failure: tuple[str, str, str] | None = None, out: str | None = None) -> str:
    from xml.sax.saxutils import escape, quoteattr  # imported when used: it pulls in urllib and http

    # XML 1.0 cannot carry control characters: package-controlled text is escaped first
    name = safe(name)
    failure = tuple(safe(x) for x in failure) if failure else None
    out = safe(out) if out is not None else None
    body = ""
    if failure:
        kind, msg, text = failure
        body += f"<failure type={quoteattr(kind)} message={quoteattr(msg)}>{escape(text)}</failure>"
    if out:
        body += f"<system-out>{escape(out)}</system-out>"
    return f"    <testcase classname={quoteattr(classname)} name={quoteattr(name)}>{body}</testcase>\n"


def _doc(suite: str, cases: list[str], failures: int) -> str:
    from xml.sax.saxutils import quoteattr

    return ('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n'
            f'  <testsuite name={quoteattr(safe(suite))} tests="{len(cases)}" failures="{failures}" errors="0">\n'
            + "".join(cases) + "  </testsuite>\n</testsuites>")


@validate_reporter("junit")
def validate_junit(result) -> str:
    pkg, fail_on = result.package, result.config.fail_on
    cases, failures = [], 0
    seen = set()
    for f in result.findings:
        seen.add(f.code)
        where = f.location or "-"
        name = f"{f.code} {where}" + (f" [{f.identifier}]" if f.identifier else "")
        if f.severity >= fail_on:
            failures += 1
            cases.append(_case(f"cc-toolkit.{f.code}", name, (str(f.severity), f.message,
                                                               f"{pkg.path}: {where}: {f.severity} {f.code} {f.message}")))
        else:
            cases.append(_case(f"cc-toolkit.{f.code}", name, out=f"{f.severity}: {f.message}"))
    for r in all_rules():
        if r.code not in seen and result.config.enabled(r.code):
            cases.append(_case(f"cc-toolkit.{r.code}", f"{r.code} {r.name}"))
    return _doc(pkg.path, cases, failures)


@audit_reporter("junit")
def audit_junit(result) -> str:
    cases, failures = [], 0
    for e in result.present:
        cases.append(_case("cc-toolkit.audit.present", f"{e.type} {e.id or ''} {e.identifier}".replace("  ", " ")))
    for e in result.missing:
        failures += 1
        cases.append(_case("cc-toolkit.audit.missing", f"{e.type} {e.id or ''} {e.identifier}".replace("  ", " "),
                           ("missing", f"requested {e.type} {e.id} is not in the package", e.reason or "")))
    for e in result.unexpected:
        failures += 1
        cases.append(_case("cc-toolkit.audit.unexpected", f"{e.type} {e.identifier}",
                           ("unexpected", f"{e.type} {e.title!r} was not requested", e.reason or "")))
    for e in result.dependencies:
        cases.append(_case("cc-toolkit.audit.dependency", f"{e.type} {e.identifier}", out=e.reason))
    return _doc(f"audit {result.package.path}", cases, failures)
