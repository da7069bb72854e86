"""The one finding type: a small immutable value with a stable code and an exact location."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        return cls[text.strip().upper()]


@dataclass(frozen=True)
class Finding:
    """One problem in a package.

    `severity` is None when produced by a rule or the reader; the engine fills it from the
    rule registry and configuration, so a rule never decides its own final severity.
    """

    code: str
    message: str
    file: str | None = None  # path inside the package
    line: int | None = None
    identifier: str | None = None  # manifest/resource identifier concerned, if any
    severity: Severity | None = None
    column: int | None = None

    @property
    def location(self) -> str:
        """FILE[:LINE[:COLUMN]], as compilers print it ('' for a finding about the whole package)."""
        where = self.file or ""
        if self.line:
            where += f":{self.line}" + (f":{self.column}" if self.column else "")
        return where

    def sort_key(self):
        return (self.file or "", self.line or 0, self.code, self.identifier or "", self.message)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": str(self.severity) if self.severity else None,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "identifier": self.identifier,
        }
