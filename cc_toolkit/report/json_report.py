"""JSON output of validate and inspect. The shape is documented in the README; `schema_version`
changes only when a field is removed or changes meaning."""
from __future__ import annotations

import json

from . import inspect_reporter, validate_reporter
from .inspect_data import inspect_data

SCHEMA_VERSION = 1


def validate_data(result) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "package": result.package.describe(),
        "findings": [f.to_dict() for f in result.findings],
        "summary": result.summary(),
    }


@validate_reporter("json")
def validate_json(result) -> str:
    return json.dumps(validate_data(result), indent=2, ensure_ascii=False)


@validate_reporter("jsonl")
def validate_jsonl(result) -> str:
    """One line per package, for batches."""
    return json.dumps(validate_data(result), ensure_ascii=False, separators=(",", ":"))


@inspect_reporter("json")
def inspect_json(pkg) -> str:
    return json.dumps({"schema_version": SCHEMA_VERSION, **inspect_data(pkg)}, indent=2, ensure_ascii=False)
