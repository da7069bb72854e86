"""Re-run the offline `$ cc-toolkit ...` examples of README.md and put their real output back in place.

    python tools/readme_examples.py          # rewrite README.md
    python tools/readme_examples.py --check  # exit 1 if an example is stale (used by the tests)

Examples that need a Canvas server (export, exports) are left alone.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OFFLINE = ("validate", "inspect", "audit", "report", "explain", "diff", "rules")
BLOCK = re.compile(r"```\n(\$ (cc-toolkit ([a-z]+)[^\n]*))\n(.*?)```", re.S)


def run(cmd: str) -> str:
    p = subprocess.run(cmd.replace("cc-toolkit", f"{sys.executable} -m cc_toolkit", 1), shell=True, cwd=ROOT,
                       capture_output=True, text=True)
    out = (p.stdout + p.stderr).rstrip("\n")
    for leftover in ("report.html",):
        (ROOT / leftover).unlink(missing_ok=True)
    return out


def refresh(text: str) -> str:
    def sub(m):
        if m.group(3) not in OFFLINE:
            return m.group(0)
        return f"```\n{m.group(1)}\n{run(m.group(2))}\n```"
    return BLOCK.sub(sub, text)


def main(argv) -> int:
    readme = ROOT / "README.md"
    old = readme.read_text(encoding="utf-8")
    new = refresh(old)
    if "--check" in argv:
        if new != old:
            import difflib

            sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), new.splitlines(True), "README.md", "fresh"))
            return 1
        return 0
    readme.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
