"""Scale benchmark (not a test): `python benchmarks/bench_scale.py [--sizes 1000 10000 30000] [--bytes-per-resource N]`.

For each size it generates one synthetic Canvas export (cc_toolkit.synth) and measures, in the same run
and on the same file:
  validate   wall time and peak RSS of `cc-toolkit validate` (every rule, our XSDs included)
  floor      `unzip -tqq` (read every entry, check CRCs) + `xmllint --noout --schema` over the same XML
             documents with the same (our) schemas, one xmllint per schema set, each compiled once
  ratio      validate / floor (target: <= 1.3)
  inspect    wall time of `cc-toolkit inspect --format json` (target: < 2 s at 10k)
  files/s    package members per second of validate
Each time is the median of --repeat runs (default 3): shared machines are noisy, and one slow run must
not decide a ratio. Needs Debian's `unzip` and `libxml2-utils`. Prints one Markdown table.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from pathlib import Path

from lxml import etree

from cc_toolkit import schemas as S
from cc_toolkit.synth import synthetic_course, write_synthetic


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    secs = time.perf_counter() - t
    if p.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:3]} failed: {p.stderr.decode()[-500:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return secs, max(peak, before) // 1024


def schema_key(name: str, root) -> str | None:
    ns = etree.QName(root).namespace
    if ns == S.QTI:
        return S.QTI_FULL if name.endswith(".xml.qti") else S.QTI
    return ns if ns in S.BY_KEY else None


def median_run(cmd: list[str], repeat: int) -> tuple[float, int]:
    """Median wall seconds of `repeat` runs, and the largest peak RSS seen."""
    runs = [timed(cmd) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def _pss_kb(pid: int) -> int:
    """Proportional set size of one process (shared pages counted once across the tree), else its RSS."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    except (OSError, StopIteration, ValueError):
        return 0


def _tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children[ppid].append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, ()))
    return out


def tree_peak_mb(cmd: list[str]) -> int:
    """Peak memory of a run and all its worker processes together (sum of PSS, sampled every 50 ms;
    a separate run, so the sampling does not disturb the timings)."""
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        peak = 0
        while p.poll() is None:
            peak = max(peak, sum(_pss_kb(q) for q in _tree(p.pid)))
            time.sleep(0.05)
    return peak // 1024


def floor(pkg: Path, work: Path, repeat: int) -> float:
    """unzip -t plus xmllint over the XML members, grouped by schema set (each compiled once)."""
    t_unzip = statistics.median(_seconds(["unzip", "-tqq", str(pkg)]) for _ in range(repeat))
    # preparation (not timed): extract our own generated XML and write one wrapper schema per set
    groups: dict[str, list[str]] = defaultdict(list)
    with zipfile.ZipFile(pkg) as z:
        for info in z.infolist():
            if info.filename.endswith((".xml", ".qti")):
                data = z.read(info)
                key = schema_key(info.filename, etree.fromstring(data))
                if key:
                    dest = work / "xml" / info.filename
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(data)
                    groups[key].append(str(dest))
    wrappers = {}
    for key in groups:
        imports = [(S.BY_KEY[k].namespace, (S.XSD_DIR / S.BY_KEY[k].file).as_uri()) for k in S.schema_set(key)]
        w = work / f"set{len(wrappers)}.xsd"
        w.write_bytes(etree.tostring(S._wrapper(imports, "")))
        wrappers[key] = w
    def xmllint() -> float:
        t = time.perf_counter()
        for key, files in groups.items():
            for i in range(0, len(files), 2000):  # stay under the argument-length limit
                subprocess.run(["xmllint", "--noout", "--schema", str(wrappers[key]), *files[i:i + 2000]],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - t

    return t_unzip + statistics.median(xmllint() for _ in range(repeat))


def _seconds(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 30000])
    ap.add_argument("--bytes-per-resource", type=int, default=100_000, help="10k resources -> ~1 GB by default")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is reported")
    a = ap.parse_args(argv)
    for tool in ("unzip", "xmllint"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed (apt-get install unzip libxml2-utils)")
    exe = [sys.executable, "-m", "cc_toolkit"]
    rows = []
    with tempfile.TemporaryDirectory(prefix="cc-bench-") as tmp:
        for n in a.sizes:
            work = Path(tmp) / str(n)
            work.mkdir()
            pkg = work / f"synthetic-{n}.imscc"
            write_synthetic(pkg, synthetic_course(n), total_bytes=n * a.bytes_per_resource)
            members = len(zipfile.ZipFile(pkg).infolist())
            v_secs, v_rss = median_run(exe + ["validate", "--format", "json", str(pkg)], a.repeat)
            v_tree = tree_peak_mb(exe + ["validate", "--format", "json", str(pkg)])
            i_secs, _ = median_run(exe + ["inspect", "--format", "json", str(pkg)], a.repeat)
            f_secs = floor(pkg, work, a.repeat)
            rows.append((n, pkg.stat().st_size / 1e6, members, v_secs, f_secs, v_secs / f_secs, i_secs, v_rss,
                         v_tree, members / v_secs))
            shutil.rmtree(work)
    print(f"cc_toolkit scale benchmark, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"{a.bytes_per_resource} bytes of files per resource, median of {a.repeat} runs")
    print()
    print("| resources | package MB | members | validate s | floor s | ratio | inspect s "
          "| validate peak RSS MB (largest process) | all processes MB (PSS) | files/s |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r[0]} | {r[1]:.0f} | {r[2]} | {r[3]:.2f} | {r[4]:.2f} | {r[5]:.2f} | {r[6]:.2f} | {r[7]} | {r[8]} "
              f"| {r[9]:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
