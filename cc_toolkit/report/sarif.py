"""SARIF 2.1.0: every rule with its help text; each finding located inside the package (the package is
an artifact, the member a child artifact with `parentIndex`)."""
from __future__ import annotations

import json
from urllib.parse import quote

from .. import __version__
from ..check.registry import all_rules
from . import audit_reporter, validate_reporter

LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    """A relative URI reference for a path (SARIF needs valid URIs: spaces, backslashes, '%' encoded)."""
    return quote(path.encode("utf-8", "surrogateescape").decode("utf-8", "replace"), safe="/:")


def sarif_log(result) -> dict:
    pkg = result.package
    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    artifacts = [{"location": {"uri": _uri(pkg.describe()["path"])}, "roles": ["analysisTarget"]}]
    art_index: dict[str, int] = {}
    results = []
    for f in result.findings:
        loc: dict = {}
        if f.file:
            if f.file not in art_index:
                art_index[f.file] = len(artifacts)
                artifacts.append({"location": {"uri": _uri(f.file)}, "parentIndex": 0})
            phys = {"artifactLocation": {"uri": _uri(f.file), "index": art_index[f.file]}}
            if f.line:
                phys["region"] = {"startLine": f.line, **({"startColumn": f.column} if f.column else {})}
            loc["physicalLocation"] = phys
        else:
            loc["physicalLocation"] = {"artifactLocation": {"uri": _uri(pkg.describe()["path"]), "index": 0}}
        if f.identifier:
            loc["logicalLocations"] = [{"name": f.identifier, "kind": "element"}]
        res = {"ruleId": f.code, "level": LEVEL[str(f.severity)], "message": {"text": f.message},
               "locations": [loc]}
        if f.code in index:
            res["ruleIndex"] = index[f.code]
        results.append(res)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "cc-toolkit", "version": __version__, "informationUri": "https://pypi.org/project/cc-toolkit/",
                "rules": [{"id": r.code, "name": r.name,
                           "shortDescription": {"text": r.summary},
                           "fullDescription": {"text": r.summary},
                           "help": {"text": f"{r.summary} How to fix: {r.fix}"},
                           "defaultConfiguration": {"level": LEVEL[str(r.severity)]}} for r in rules],
            }},
            "artifacts": artifacts,
            "results": results,
        }],
    }


@validate_reporter("sarif")
def validate_sarif(result) -> str:
    return json.dumps(sarif_log(result), indent=2, ensure_ascii=False)


AUDIT_RULES = [
    ("AUD001", "requested-object-missing", "error", "An object the select request asked for is not in the package."),
    ("AUD002", "unexpected-object", "error", "An object is in the package although nothing selected needs it."),
    ("AUD003", "request-warning", "warning", "The request itself cannot match what it seems to ask for."),
]


@audit_reporter("sarif")
def audit_sarif(result) -> str:
    pkg = result.package.path
    results = []

    def add(rule: int, text: str, ident: str | None):
        loc = {"physicalLocation": {"artifactLocation": {"uri": pkg, "index": 0}}}
        if ident:
            loc["logicalLocations"] = [{"name": ident, "kind": "element"}]
        results.append({"ruleId": AUDIT_RULES[rule][0], "ruleIndex": rule, "level": LEVEL[AUDIT_RULES[rule][2]],
                        "message": {"text": text}, "locations": [loc]})

    for e in result.missing:
        add(0, f"requested {e.type} {e.id} ({e.identifier}) is not in the package: {e.reason}", e.identifier)
    for e in result.unexpected:
        add(1, f"{e.type} {e.title!r} ({e.identifier}) is in the package but was not requested: {e.reason}", e.identifier)
    for w in result.request_warnings:
        add(2, w, None)
    log = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "cc-toolkit audit", "version": __version__,
                            "rules": [{"id": c, "name": n, "shortDescription": {"text": t}, "help": {"text": t},
                                       "defaultConfiguration": {"level": LEVEL[s]}} for c, n, s, t in AUDIT_RULES]}},
        "artifacts": [{"location": {"uri": pkg}, "roles": ["analysisTarget"]}],
        "results": results}]}
    return json.dumps(log, indent=2, ensure_ascii=False)
