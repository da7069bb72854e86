"""Configuration files: `.cc-toolkit.toml`, or `[tool.cc-toolkit]` in `pyproject.toml`.

```toml
[tool.cc-toolkit]
fail-on = "warning"                 # error | warning | info
profile = "canvas"                  # when the schema profiles are available
ignore = ["ORP002", "LNK004"]       # codes or families
baseline = "cc-baseline.json"
[tool.cc-toolkit.severity]
LNK003 = "error"
[tool.cc-toolkit.per-path-ignores]
"web_resources/legacy/*" = ["ORP001", "LNK"]
```
Command-line options win over the file.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from .errors import PackageError
from .finding import Finding, Severity

KEYS = {"fail-on", "profile", "ignore", "severity", "per-path-ignores", "baseline"}


class ConfigError(PackageError):
    """A configuration file that cannot be used (exit code 2)."""


OPTION_FILE_LIMIT = 64 * 1024 * 1024


def read_option_file(path, what: str) -> str:
    """A small regular file named by an option (config, baseline, files listing): never a device or a
    pipe, never more than 64 MiB."""
    p = Path(path)
    try:
        if not p.is_file():
            raise ConfigError(f"{what} {p}: not a regular file")
        if p.stat().st_size > OPTION_FILE_LIMIT:
            raise ConfigError(f"{what} {p}: larger than {OPTION_FILE_LIMIT} bytes")
        return p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{what} {p}: cannot be read ({exc})") from None


@dataclass
class FileConfig:
    path: Path | None = None
    fail_on: Severity | None = None
    profile: str | None = None
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    per_path_ignores: dict[str, frozenset[str]] = field(default_factory=dict)
    baseline: Path | None = None


def _severity(value, where: str) -> Severity:
    try:
        return Severity.parse(str(value))
    except KeyError:
        raise ConfigError(f"{where}: {value!r} is not a severity (error, warning, info)") from None


def discover(start: Path | None = None) -> Path | None:
    """`.cc-toolkit.toml`, else a `pyproject.toml` with a [tool.cc-toolkit] table, in the folder."""
    folder = start or Path.cwd()
    own = folder / ".cc-toolkit.toml"
    if own.is_file():
        return own
    py = folder / "pyproject.toml"
    if py.is_file():
        try:
            if "cc-toolkit" in tomllib.loads(py.read_text(encoding="utf-8")).get("tool", {}):
                return py
        except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
            return None
    return None


def load_config(path: Path | None, known_codes: set[str], families: set[str]) -> FileConfig:
    if path is None:
        return FileConfig()
    try:
        data = tomllib.loads(read_option_file(path, "configuration"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    table = data.get("tool", {}).get("cc-toolkit", {}) if Path(path).name == "pyproject.toml" else data
    unknown = set(table) - KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(KEYS))})")

    def check_codes(codes, where):
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ConfigError(f"{path}: {where} must be a list of rule codes")
        for c in codes:
            if c not in known_codes and c not in families:
                raise ConfigError(f"{path}: {where}: unknown rule code or family {c!r}")
        return codes

    cfg = FileConfig(path=Path(path))
    if "fail-on" in table:
        cfg.fail_on = _severity(table["fail-on"], f"{path}: fail-on")
    if "profile" in table:
        cfg.profile = str(table["profile"])
    cfg.ignore = check_codes(table.get("ignore", []), "ignore")
    for code, sev in (table.get("severity") or {}).items():
        check_codes([code], "severity")
        cfg.severity[code] = _severity(sev, f"{path}: severity.{code}")
    for glob, codes in (table.get("per-path-ignores") or {}).items():
        cfg.per_path_ignores[glob] = frozenset(check_codes(codes, f"per-path-ignores.{glob!r}"))
    if table.get("baseline"):
        cfg.baseline = (Path(path).parent / str(table["baseline"]))
    return cfg


# -- baselines ---------------------------------------------------------------------------------------

BASELINE_VERSION = 1


def write_baseline(path: Path, findings: list[Finding]) -> int:
    from .check.engine import fingerprint

    entries = [dict(zip(("code", "file", "identifier", "message"), fingerprint(f))) for f in findings]
    Path(path).write_text(json.dumps({"version": BASELINE_VERSION, "findings": entries}, indent=1,
                                     ensure_ascii=False) + "\n", encoding="utf-8")
    return len(entries)


def read_baseline(path: Path) -> dict[tuple, int]:
    try:
        data = json.loads(read_option_file(path, "baseline"))
        entries = data["findings"] if isinstance(data, dict) else None
        if entries is None:
            raise KeyError("findings")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"baseline {path}: cannot be read ({exc})") from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(f"baseline {path}: 'findings' must be a list of objects (write it with --write-baseline)")
    out: dict[tuple, int] = {}
    for e in entries:
        fp = tuple(str(e.get(k) or "") for k in ("code", "file", "identifier", "message"))
        out[fp] = out.get(fp, 0) + 1
    return out
