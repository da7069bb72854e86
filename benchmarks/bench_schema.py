"""Benchmark (not a test): schema validation of a 5,000-resource CC 1.1 manifest, ours vs `xmllint --schema`.

    python benchmarks/bench_schema.py [--resources 5000] [--repeat 7]

Both sides use the same file and the same schema (the project's cc11_manifest.xsd and its imports);
schema compilation is excluded on both sides: for cc_toolkit the compiled schema is the per-process
cached one, for xmllint its own `--timing` line "Validating took N ms" is used. Parsing is reported
separately. The goal from issue #4: ours costs at most 2x xmllint. xmllint comes from Debian's
libxml2-utils (`apt-get install libxml2-utils`); without it only our figures are printed.
"""
from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lxml import etree  # noqa: E402

from cc_toolkit import schemas as S  # noqa: E402
from cc_toolkit.read.xml import parse_bytes  # noqa: E402


def manifest(n: int) -> bytes:
    items = "".join(f'<item identifier="I{i}" identifierref="R{i}"><title>Item {i}</title></item>\n' for i in range(n))
    res = "".join(f'<resource identifier="R{i}" type="webcontent" href="web_resources/f{i}.html">'
                  f'<file href="web_resources/f{i}.html"/></resource>\n' for i in range(n))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<manifest identifier="M" xmlns="{S.CC11}" xmlns:lomm="http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest">\n'
        "<metadata><schema>IMS Common Cartridge</schema><schemaversion>1.1.0</schemaversion>"
        "<lomm:lom><lomm:general><lomm:title><lomm:string>Bench</lomm:string></lomm:title></lomm:general></lomm:lom>"
        "</metadata>\n"
        f'<organizations><organization identifier="O" structure="rooted-hierarchy"><item identifier="root">\n{items}'
        "</item></organization></organizations>\n"
        f"<resources>\n{res}</resources>\n</manifest>\n"
    ).encode()


def ours(data: bytes, repeat: int) -> tuple[float, float]:
    schema = S.compile_set(S.CC11)  # compiled once per process; excluded from the timing
    parse_t, val_t = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        doc = parse_bytes(data, "imsmanifest.xml")
        t1 = time.perf_counter()
        ok = schema.validate(doc.root)
        t2 = time.perf_counter()
        assert ok, schema.error_log
        parse_t.append(t1 - t0)
        val_t.append(t2 - t1)
    return statistics.median(parse_t), statistics.median(val_t)


def xmllint(path: Path, repeat: int) -> tuple[float, float] | None:
    exe = shutil.which("xmllint")
    if not exe:
        return None
    parse_t, val_t = [], []
    for _ in range(repeat):
        p = subprocess.run([exe, "--timing", "--noout", "--nonet", "--schema", str(S.XSD_DIR / "cc11_manifest.xsd"),
                            str(path)], capture_output=True, text=True, timeout=300)
        if "validates" not in p.stderr:
            raise SystemExit(f"xmllint did not validate the file:\n{p.stderr[:2000]}")
        parse_t.append(float(re.search(r"Parsing took (\d+(?:\.\d+)?) ms", p.stderr).group(1)) / 1000)
        val_t.append(float(re.search(r"Validating took (\d+(?:\.\d+)?) ms", p.stderr).group(1)) / 1000)
    return statistics.median(parse_t), statistics.median(val_t)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--resources", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    data = manifest(args.resources)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "imsmanifest.xml"
        path.write_bytes(data)
        t0 = time.perf_counter()
        S.compile_set(S.CC11)
        compile_s = time.perf_counter() - t0
        o_parse, o_val = ours(data, args.repeat)
        x = xmllint(path, args.repeat)
    print(f"manifest: {args.resources} resources, {len(data) / 1e6:.2f} MB; median of {args.repeat} runs")
    print(f"lxml {etree.LIBXML_VERSION}: compile {compile_s * 1000:.1f} ms (once per process, excluded)")
    print(f"cc_toolkit   parse {o_parse * 1000:8.1f} ms   validate {o_val * 1000:8.1f} ms")
    if x is None:
        print("xmllint not found (apt-get install libxml2-utils); no comparison")
        return 0
    x_parse, x_val = x
    print(f"xmllint      parse {x_parse * 1000:8.1f} ms   validate {x_val * 1000:8.1f} ms")
    ratio = o_val / max(x_val, 1e-4)
    print(f"validation ratio ours/xmllint: {ratio:.2f} (goal: at most 2.00) -> {'OK' if ratio <= 2 else 'OVER'}")
    print(f"parse+validate ratio:          {(o_parse + o_val) / max(x_parse + x_val, 1e-4):.2f}")
    return 0 if ratio <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
