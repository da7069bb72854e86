"""A mutation fuzzer for the whole pipeline: `python -m cc_toolkit.fuzz --cases N --seed S`.

It mutates the sample packages (and the shared corpus when present) — bit flips, truncation, entry
removal and duplication, renamed entries, XML mutations (dropped, swapped and duplicated elements,
odd attribute values), broken encodings, oversized values, hostile HTML — and runs reading, every
rule and every reporter on each case. A crash is any exception other than the one-line
`PackageError`; a hang is a case over the time limit. Crashing inputs are shrunk and saved.
"""
from __future__ import annotations

import argparse
import io
import random
import signal
import sys
import tempfile
import time
import traceback
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .check.engine import Config, run
from .errors import PackageError
from .model.build import load
from .read.xml import make_parser
from .report import INSPECT, VALIDATE
from .samples import write_zip

ROOT = Path(__file__).resolve().parents[1]


class Hang(Exception):
    pass


def _members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i)) for i in z.infolist() if i.file_size < (8 << 20)]


def _rezip(members) -> bytes:
    buf = io.BytesIO()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_zip(buf, members)
    return buf.getvalue()


# -- mutation operators: (rng, package bytes) -> package bytes ---------------------------------

def bit_flip(rng, data):
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(b))
        b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


def truncate(rng, data):
    return data[: rng.randrange(1, max(2, len(data)))]


def remove_entry(rng, data):
    m = _members(data)
    if m:
        m.pop(rng.randrange(len(m)))
    return _rezip(m)


def duplicate_entry(rng, data):
    m = _members(data)
    if m:
        name, content = rng.choice(m)
        m.insert(rng.randrange(len(m) + 1), (name, content[::-1] if rng.random() < 0.5 else content))
    return _rezip(m)


WEIRD_NAMES = ["../escape.txt", "/abs.xml", "C:/drive.xml", "a\\b.xml", "ctl\x01.html", "CON.html", "sp ace/ .xml",
               "IMSMANIFEST.XML", "caf\u00e9.html", "cafe\u0301.html", "dir/", "deep/" * 40 + "x.xml"]


def rename_entry(rng, data):
    m = _members(data)
    if m:
        i = rng.randrange(len(m))
        m[i] = (rng.choice(WEIRD_NAMES + [m[i][0].upper()]), m[i][1])
    return _rezip(m)


def _xml_members(m):
    return [i for i, (n, d) in enumerate(m) if n.lower().endswith((".xml", ".qti")) and d.strip()]


def _tweak_xml(rng, data, fn):
    m = _members(data)
    idx = _xml_members(m)
    if not idx:
        return data
    # the manifest drives everything: mutate it half of the time
    man = [i for i in idx if m[i][0] == "imsmanifest.xml"]
    i = man[0] if man and rng.random() < 0.5 else rng.choice(idx)
    try:
        root = etree.fromstring(m[i][1], make_parser(recover=True))
    except Exception:
        return data
    if root is None:
        return data
    els = [e for e in root.iter() if isinstance(e.tag, str)]
    fn(rng, root, els)
    m[i] = (m[i][0], etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return _rezip(m)


def xml_drop(rng, data):
    def op(rng, root, els):
        for _ in range(rng.randint(1, 3)):
            e = rng.choice(els)
            if e is not root and e.getparent() is not None:
                e.getparent().remove(e)
    return _tweak_xml(rng, data, op)


def xml_swap(rng, data):
    def op(rng, root, els):
        e = rng.choice(els)
        kids = list(e)
        if len(kids) >= 2:
            a, b = rng.sample(range(len(kids)), 2)
            kids[a], kids[b] = kids[b], kids[a]
            e[:] = kids
    return _tweak_xml(rng, data, op)


def xml_duplicate(rng, data):
    import copy

    def op(rng, root, els):
        e = rng.choice(els)
        if e is not root and e.getparent() is not None:
            e.addnext(copy.deepcopy(e))
    return _tweak_xml(rng, data, op)


ODD_VALUES = ["", " ", "../../etc/passwd", "/etc/passwd", "1abc", "x" * 100_000, "\u202e\u0000".replace("\u0000", ""),
              "%2e%2e/%2e%2e/x", "$IMS-CC-FILEBASE$/../../x", "http://127.0.0.1:9/x", "a b", "\u00e9\u0301",
              "$WIKI_REFERENCE$/pages/", "$CANVAS_OBJECT_REFERENCE$/quizzes/", "-1", "1e400", "NaN"]


def xml_attr(rng, data):
    def op(rng, root, els):
        e = rng.choice(els)
        attrs = list(e.attrib) or ["identifier", "identifierref", "href", "type"]
        e.set(rng.choice(attrs), rng.choice(ODD_VALUES))
    return _tweak_xml(rng, data, op)


def xml_text(rng, data):
    def op(rng, root, els):
        e = rng.choice(els)
        e.text = rng.choice(ODD_VALUES + ["<a href='$IMS-CC-FILEBASE$/nope.png'>x</a>" * 50, "y" * 2_000_000])
    return _tweak_xml(rng, data, op)


def break_encoding(rng, data):
    m = _members(data)
    idx = _xml_members(m) + [i for i, (n, _) in enumerate(m) if n.endswith(".html")]
    if not idx:
        return data
    i = rng.choice(idx)
    name, d = m[i]
    choice = rng.randrange(5)
    if choice == 0:
        d = d.decode("utf-8", "replace").encode("utf-16")  # UTF-16 bytes, declaration still says UTF-8
    elif choice == 1:
        d = d[: len(d) // 2] + b"\xff\xfe\xc3" + d[len(d) // 2:]  # invalid UTF-8 in the middle
    elif choice == 2:
        d = b"\xef\xbb\xbf" + d.replace(b"UTF-8", b"ISO-8859-1", 1)
    elif choice == 3:
        d = d.replace(b"UTF-8", b"no-such-encoding", 1)
    else:
        d = d[: len(d) // 3] + bytes([rng.randrange(32)]) + d[len(d) // 3:]
    m[i] = (name, d)
    return _rezip(m)


def hostile_xml(rng, data):
    m = _members(data)
    idx = _xml_members(m)
    if not idx:
        return data
    i = rng.choice(idx)
    payload = rng.choice([
        b'<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>\n<manifest>&d;&d;</manifest>',
        b'<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<manifest identifier="&x;">&x;</manifest>',
        b'<?xml version="1.0"?>\n<!DOCTYPE m SYSTEM "http://127.0.0.1:9/evil.dtd">\n<manifest/>',
        b"<a>" * 5000 + b"</a>" * 5000,
        b'<manifest identifier="' + b"A" * 12_000_000 + b'"/>',
        b"",
        b"\x00\x01\x02",
    ])
    m[i] = (m[i][0], payload)
    return _rezip(m)


def hostile_html(rng, data):
    m = _members(data)
    idx = [i for i, (n, _) in enumerate(m) if n.endswith((".html", ".htm"))]
    if not idx:
        return data
    i = rng.choice(idx)
    payload = rng.choice([
        b"<html><body><p><a href='$IMS-CC-FILEBASE$/x' <img src=\"unterminated",
        b'<img src="data:image/png;base64,' + b"A" * 1_000_000 + b'">',
        bytes(range(256)) * 10,
        b"<a href=\"" + b"%25" * 5000 + b"\">x</a>",
        b"<a href='" + b"\xff" * 100 + b"'>",
    ])
    m[i] = (m[i][0], payload)
    return _rezip(m)


OPERATORS = [bit_flip, truncate, remove_entry, duplicate_entry, rename_entry, xml_drop, xml_swap, xml_duplicate,
             xml_attr, xml_text, break_encoding, hostile_xml, hostile_html]


# -- running cases --------------------------------------------------------------------------------

def pipeline(path: Path) -> str:
    """Everything a user can run on one package. Returns 'ok' or 'rejected' (exit-2 input)."""
    try:
        result = run(path, Config())
    except PackageError as exc:
        msg = str(exc)
        if "\n" in msg:
            raise AssertionError(f"PackageError message spans lines: {msg!r}")
        return "rejected"
    try:
        for fmt in VALIDATE.values():
            fmt(result)
    finally:
        result.package.close()
    pkg = load(path)
    try:
        for fmt in INSPECT.values():
            fmt(pkg)
    finally:
        pkg.close()
    return "ok"


@dataclass
class Report:
    cases: int = 0
    ok: int = 0
    rejected: int = 0
    crashes: list = field(default_factory=list)
    hangs: list = field(default_factory=list)
    slowest: tuple = (0.0, "")


def seeds(include_corpus: bool = True, root: Path | None = None) -> list[tuple[str, bytes]]:
    """The packages to mutate: the bundled samples and, when present, ../shared/corpus. Looked up beside
    the source tree, else in the current folder (an installed package has no sample_packages/)."""
    bases = [root] if root else [ROOT, Path.cwd()]
    base = next((b for b in bases if (b / "sample_packages").is_dir()), None)
    if base is None:
        raise FileNotFoundError("no sample_packages/ folder to take seed packages from (run from the project folder)")
    out = []
    for p in sorted((base / "sample_packages").glob("*")):
        if p.suffix in (".imscc", ".zip"):
            out.append((p.name, p.read_bytes()))
    corpus = base.parent / "shared" / "corpus"
    if include_corpus and corpus.is_dir():
        for p in sorted(corpus.rglob("*")):
            if p.is_file() and p.suffix in (".imscc", ".zip") and p.stat().st_size < (4 << 20) and zipfile.is_zipfile(p):
                out.append((str(p.relative_to(corpus)), p.read_bytes()))
    return out


def _alarm(signum, frame):
    raise Hang()


def run_case(data: bytes, workdir: Path, timeout: float) -> tuple[str, float, str | None]:
    path = workdir / "case.imscc"
    path.write_bytes(data)
    t0 = time.perf_counter()
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        status, tb = pipeline(path), None
    except Hang:
        status, tb = "hang", None
    except Exception:
        status, tb = "crash", traceback.format_exc()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return status, time.perf_counter() - t0, tb


def shrink(data: bytes, workdir: Path, timeout: float) -> bytes:
    """Remove entries while the crash persists: the smallest package that still shows it."""
    try:
        members = _members(data)
    except Exception:
        return data
    i = 0
    while i < len(members):
        trial = members[:i] + members[i + 1:]
        if run_case(_rezip(trial), workdir, timeout)[0] == "crash":
            members = trial
        else:
            i += 1
    small = _rezip(members)
    return small if run_case(small, workdir, timeout)[0] == "crash" else data


def fuzz(cases: int, seed: int, timeout: float = 10.0, save: Path | None = None, include_corpus: bool = True,
         log=None, root: Path | None = None) -> Report:
    rng = random.Random(seed)
    pool = seeds(include_corpus, root)
    rep = Report()
    with tempfile.TemporaryDirectory(prefix="cc-fuzz-") as tmp:
        work = Path(tmp)
        for n in range(cases):
            name, data = rng.choice(pool)
            ops = [rng.choice(OPERATORS) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
            mutated = data
            for op in ops:
                try:
                    mutated = op(rng, mutated)
                except Exception:  # noqa: BLE001 - the operator could not open an already-broken input
                    continue
            label = f"case {n}: {name} <- {'+'.join(o.__name__ for o in ops)}"
            status, secs, tb = run_case(mutated, work, timeout)
            rep.cases += 1
            if secs > rep.slowest[0]:
                rep.slowest = (secs, label)
            if status in ("ok", "rejected"):
                setattr(rep, status, getattr(rep, status) + 1)
                continue
            if status == "hang":
                rep.hangs.append(label)
            else:
                rep.crashes.append((label, tb))
            if save is not None:
                save.mkdir(parents=True, exist_ok=True)
                small = shrink(mutated, work, timeout) if status == "crash" else mutated
                (save / f"{status}-{seed}-{n}.imscc").write_bytes(small)
            if log:
                log(f"{status.upper()} {label}\n{tb or ''}")
    return rep


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m cc_toolkit.fuzz", description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds before a case counts as a hang")
    ap.add_argument("--save", type=Path, default=None, help="folder for shrunk crashing inputs")
    ap.add_argument("--no-corpus", action="store_true", help="mutate only the bundled samples")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    rep = fuzz(a.cases, a.seed, a.timeout, a.save, not a.no_corpus, log=lambda s: print(s, file=sys.stderr))
    print(f"cases run: {rep.cases} (ok {rep.ok}, rejected as not a package {rep.rejected})")
    print(f"crashes: {len(rep.crashes)}")
    print(f"hangs: {len(rep.hangs)}")
    print(f"slowest case: {rep.slowest[0]:.2f}s ({rep.slowest[1]})")
    print(f"total time: {time.perf_counter() - t0:.1f}s")
    return 1 if rep.crashes or rep.hangs else 0


if __name__ == "__main__":
    raise SystemExit(main())
