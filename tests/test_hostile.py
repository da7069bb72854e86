"""Hostile input: bombs, zip-slip, XXE, entity expansion, deep nesting, broken encodings, odd archives."""
from __future__ import annotations

import http.server
import json
import os
import struct
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from cc_toolkit.check.engine import Config, run
from cc_toolkit.errors import PackageError
from cc_toolkit.fuzz import fuzz
from cc_toolkit.read.source import Limits

from .conftest import ROOT, manifest, triples, webres

M = "imsmanifest.xml"


def measure(path, *args) -> tuple[int, float, int, str, str]:
    """Run `cc-toolkit validate` in a child process: exit code, seconds inside run(), peak RSS in MB."""
    code = (
        "import json, resource, sys, time\n"
        "from cc_toolkit.cli import main\n"
        "t = time.perf_counter()\n"
        "try:\n    main()\n"
        "except SystemExit as e:\n    rc = e.code\n"
        "sys.stderr.write(json.dumps([rc, time.perf_counter() - t, "
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024]) + '\\n')\n"
    )
    p = subprocess.run([sys.executable, "-c", code, "validate", str(path), *args], capture_output=True, text=True,
                       timeout=120)
    rc, secs, rss = json.loads(p.stderr.strip().splitlines()[-1])
    return rc, secs, rss, p.stdout, p.stderr


def test_high_ratio_bomb_refused_fast_and_small(tmp_path):
    p = tmp_path / "bomb.imscc"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(M, manifest(webres("R1", "zeros.html")))
        with z.open("zeros.html", "w") as w:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):  # 300 MiB of zeros, about 300 KiB compressed
                w.write(chunk)
    assert p.stat().st_size < 2_000_000
    rc, secs, rss, out, err = measure(p)
    assert rc == 1 and "ZIP013" in out and "compression ratio" in out
    assert secs < 1.0, secs
    assert rss < 100, rss


def _overlapping_bomb(path: Path, copies: int, declared: int) -> None:
    """Many central-directory records pointing at one small local entry (an overlapping-file bomb)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a0000", b"\0" * declared)
    raw = path.read_bytes()
    cd = raw.index(b"PK\x01\x02")
    eocd = raw.index(b"PK\x05\x06")
    rec = raw[cd:eocd]
    records = b"".join(rec[:46] + f"a{i:04d}".encode() + rec[51:] for i in range(copies))
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, copies, copies, len(records), cd, 0)
    path.write_bytes(raw[:cd] + records + end)


def test_overlapping_bomb_refused_before_inflating(tmp_path):
    p = tmp_path / "overlap.zip"
    _overlapping_bomb(p, 3000, 3 << 20)  # declares 9 GiB from a few KiB of data
    assert p.stat().st_size < 200_000
    rc, secs, rss, out, err = measure(p)
    assert rc == 2 and "zip bomb" in err and err.count("\n") == 2  # one line, plus the measurement line
    assert secs < 1.0 and rss < 100


def test_entry_count_limit(tmp_path):
    p = tmp_path / "many.zip"
    _overlapping_bomb(p, 50, 10)
    with pytest.raises(PackageError, match="entries"):
        run(p, Config(limits=Limits(max_entries=10)))


def test_zip_slip_reported_nothing_written(tmp_path, make_zip):
    work = tmp_path / "work"
    work.mkdir()
    pkg = make_zip([(M, manifest()), ("../../outside.txt", b"pwned"), ("a/../../../x.txt", b"pwned"),
                    ("/tmp/abs-slip.txt", b"pwned")])
    before = sorted(p for p in tmp_path.rglob("*"))
    p = subprocess.run([sys.executable, "-m", "cc_toolkit", "validate", str(pkg)], cwd=work, capture_output=True,
                       text=True)
    assert p.returncode == 1
    assert p.stdout.count("ZIP002") == 2 and "ZIP001" in p.stdout
    assert sorted(p for p in tmp_path.rglob("*")) == before
    assert not Path("/tmp/abs-slip.txt").exists()


class _Counter(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):  # noqa: N802
        type(self).hits += 1
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'<!ENTITY leak "LEAKED">')

    def log_message(self, *a):
        pass


@pytest.fixture
def trap_server():
    _Counter.hits = 0
    srv = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()


def test_xxe_reads_no_file_and_opens_no_socket(make_zip, trap_server, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    url = f"http://127.0.0.1:{trap_server.server_port}"
    evil = (f'<?xml version="1.0"?>\n<!DOCTYPE manifest [\n<!ENTITY file SYSTEM "file://{secret}">\n'
            f'<!ENTITY net SYSTEM "{url}/x">\n<!ENTITY % dtd SYSTEM "{url}/dtd"> %dtd;\n]>\n'
            f'<manifest identifier="M1" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xsi:schemaLocation="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1 {url}/schema.xsd">\n'
            "<metadata><schema>IMS Common Cartridge</schema><schemaversion>1.1.0</schemaversion></metadata>\n"
            "<organizations/><resources>"
            '<resource identifier="R1" type="webcontent" href="a.html"><file href="a.html"/></resource>'
            "</resources>\n</manifest>\n").encode()
    topic = (f'<?xml version="1.0"?>\n<!DOCTYPE topic SYSTEM "{url}/topic.dtd">\n<topic><title>&leak;</title></topic>').encode()
    pkg = make_zip([(M, evil), ("a.html", b"<p>hi</p>"), ("t.xml", topic)])
    for fmt in ("json", "text"):
        p = subprocess.run([sys.executable, "-m", "cc_toolkit", "validate", "--format", fmt, str(pkg)],
                           capture_output=True, text=True)
        assert "TOP-SECRET-VALUE" not in p.stdout + p.stderr and "LEAKED" not in p.stdout
        assert "Traceback" not in p.stderr
    p = subprocess.run([sys.executable, "-m", "cc_toolkit", "inspect", "--format", "json", str(pkg)],
                       capture_output=True, text=True)
    assert "TOP-SECRET-VALUE" not in p.stdout
    assert _Counter.hits == 0


def test_billion_laughs_refused_quickly(make_zip):
    ents = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    doc = f'<?xml version="1.0"?>\n<!DOCTYPE l [{ents}]>\n<l>&j;</l>'.encode()
    pkg = make_zip([(M, manifest()), ("lol.xml", doc)])
    t = time.perf_counter()
    got = run(pkg).findings
    assert time.perf_counter() - t < 1.0
    lol = {f.code: f.message for f in got if f.file == "lol.xml"}
    assert "amplification" in lol["XML004"] and "expanding its DOCTYPE entities" in lol["XML001"]


def test_quadratic_blowup_and_entities_not_expanded(make_zip):
    doc = ('<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY big "' + "x" * 50_000 + '">]>\n<l>' + "&big;" * 2000
           + "</l>").encode()
    pkg = make_zip([(M, manifest()), ("quad.xml", doc)])
    t = time.perf_counter()
    got = triples(pkg)
    assert time.perf_counter() - t < 2.0
    assert {c for c, f, _ in got if f == "quad.xml"} & {"XML001", "XML004"}


def test_deep_nesting_and_huge_values_are_findings(make_zip):
    pkg = make_zip([(M, manifest()), ("deep.xml", b"<a>" * 100_000 + b"</a>" * 100_000),
                    ("attr.xml", b'<a b="' + b"A" * 12_000_000 + b'"/>'),
                    ("text.xml", b"<a>" + b"A" * 12_000_000 + b"</a>")])
    got = {(c, f) for c, f, _ in triples(pkg, limits=Limits(max_ratio=10**6))}  # let the compressible bodies in
    assert {("XML001", "deep.xml"), ("XML001", "attr.xml"), ("XML001", "text.xml")} <= got
    assert {("ZIP013", "attr.xml"), ("ZIP013", "text.xml")} <= {(c, f) for c, f, _ in triples(pkg)}
    msgs = [f.message for f in run(pkg).findings if f.file == "deep.xml" and f.code == "XML001"]
    assert "depth" in msgs[0]


def test_mixed_and_invalid_encodings_with_line(make_zip):
    utf16 = '<?xml version="1.0" encoding="UTF-8"?>\n<a>caf\u00e9</a>'.encode("utf-16")
    bad = b'<?xml version="1.0" encoding="UTF-8"?>\n<a>\n<b>ok</b>\n<c>\xc3\x28</c>\n</a>'
    latin = b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<a>caf\xe9</a>'
    html = b"<html><body>\n\n<p>\xe9t\xe9</p></body></html>"
    pkg = make_zip([(M, manifest(webres("P", "p.html"))), ("u16.xml", utf16), ("bad.xml", bad), ("latin.xml", latin),
                    ("p.html", html)])
    got = triples(pkg)
    assert ("XML002", "u16.xml", 1) in got
    assert ("XML002", "bad.xml", 4) in got
    assert not [t for t in got if t[1] == "latin.xml" and t[0].startswith("XML")]
    assert ("HTM002", "p.html", 3) in got


def test_html_hostile_content(make_zip):
    page = (b"<html><body>\n<p><a href='$IMS-CC-FILEBASE$/missing.pdf' <img src=\"broken\n"
            b'<img src="data:image/png;base64,' + b"A" * 700_000 + b'">\n</body>')
    pkg = make_zip([(M, manifest(webres("P", "wiki_content/p.html") + webres("Q", "wiki_content/bin.html"))),
                    ("wiki_content/p.html", page), ("wiki_content/bin.html", bytes(range(256)) * 40)])
    got = triples(pkg)
    assert ("LNK001", "wiki_content/p.html", 2) in got
    assert ("HTM003", "wiki_content/p.html", 3) in got
    assert ("HTM001", "wiki_content/bin.html", None) in got


def test_truncated_and_corrupt_archives(tmp_path):
    sample = (ROOT / "sample_packages" / "canvas_course.imscc").read_bytes()
    for n in (10, 100, len(sample) // 2, len(sample) - 10):
        p = tmp_path / f"t{n}.imscc"
        p.write_bytes(sample[:n])
        with pytest.raises(PackageError) as exc:
            run(p)
        assert "\n" not in str(exc.value)


def test_zip64_and_duplicates_and_nested(tmp_path):
    p = tmp_path / "z64.imscc"
    with zipfile.ZipFile(p, "w") as z:
        with z.open(M, "w", force_zip64=True) as w:
            w.write(manifest(webres("R1", "a.html")))
        with z.open("a.html", "w", force_zip64=True) as w:
            w.write(b"<p>a</p>")
        z.writestr("inner.imscc", b"PK\x05\x06" + b"\0" * 18)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            z.writestr("a.html", b"<p>other</p>")
    got = triples(p)
    assert ("ZIP008", "a.html", None) in got and ("ZIP014", "inner.imscc", None) in got
    assert not [t for t in got if t[0] in ("XML001", "ZIP010", "REF004")]


def test_folder_symlink_not_followed(tmp_path):
    (tmp_path / "secret.txt").write_text("TOP-SECRET")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / M).write_bytes(manifest(webres("R1", "link.html")))
    os.symlink(tmp_path / "secret.txt", pkg / "link.html")
    os.symlink(tmp_path, pkg / "up")
    got = triples(pkg)
    assert ("ZIP011", "link.html", None) in got and ("ZIP011", "up", None) in got
    res = run(pkg)
    assert all("TOP-SECRET" not in f.message for f in res.findings)


def test_fuzz_slice_no_crash_no_hang():
    """A bounded slice of the fuzzer (the full run is `python -m cc_toolkit.fuzz --cases 10000`)."""
    rep = fuzz(cases=int(os.environ.get("CC_FUZZ_CASES", "300")), seed=int(os.environ.get("CC_FUZZ_SEED", "2026")),
               timeout=20.0, root=ROOT)
    assert rep.crashes == [] and rep.hangs == []
    assert rep.cases == rep.ok + rep.rejected and rep.ok > rep.cases // 2


REGRESSIONS = sorted(p for p in (Path(__file__).parent / "regressions").glob("*") if p.suffix in (".imscc", ".zip"))


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.name for p in REGRESSIONS])
def test_regressions(path):
    """Each file is the smallest input that once crashed the pipeline (found by the fuzzer or a user)."""
    from cc_toolkit.fuzz import pipeline

    assert pipeline(path) in ("ok", "rejected")


def test_parser_state_does_not_leak_between_documents(make_zip):
    """Regression: a failed parse left errors in lxml's global log, so a later document with only a bad
    namespace URI was reported as not well-formed (XML001) instead of XML006."""
    pkg = make_zip([(M, manifest()), ("a_bad.xml", b"<a><b></a>"), ("b_ns.xml", b'<a xmlns:x="http: //bad"/>')])
    got = triples(pkg)
    assert ("XML001", "a_bad.xml", 1) in got and ("XML006", "b_ns.xml", 1) in got
    assert ("XML001", "b_ns.xml", 1) not in got


def test_utf16_declared_without_bom_is_one_finding(make_zip):
    """Regression (canvas_cc_utf16_error.zip): an 8-bit manifest declaring UTF-16 gave XML002 and a
    confusing XML001; it is read as UTF-8 and reported once."""
    doc = manifest(webres("R1", "a.html")).replace(b'encoding="UTF-8"', b'encoding="UTF-16"')
    got = triples(make_zip([(M, doc), ("a.html", b"a")]))
    assert got == [("XML002", M, 1)]


# -- regressions from the new-user attack (external entities, special files, forged lines) ------------

def test_external_parameter_entities_are_never_read(make_zip, tmp_path):
    secret = tmp_path / "pe.dtd"
    secret.write_text('<!ENTITY leaked "TOP-SECRET">')
    doc = manifest().replace(b'<?xml version="1.0" encoding="UTF-8"?>\n',
                             f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE manifest [<!ENTITY % p SYSTEM '
                             f'"file://{secret}"> %p; <!ENTITY % z SYSTEM "file:///dev/zero"> %z;]>\n'.encode())
    pkg = make_zip([(M, doc)])
    t = time.perf_counter()
    res = run(pkg)
    assert time.perf_counter() - t < 5  # /dev/zero was not read (it used to hang)
    xml004 = [f.message for f in res.findings if f.code == "XML004"]
    assert xml004 == ["DOCTYPE declares entities (p, z); they were not expanded"]  # 'leaked' was never read


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_special_files_are_refused(tmp_path, kind):
    if kind == "device":
        path = "/dev/zero"
    else:
        path = tmp_path / "pipe.imscc"
        os.mkfifo(path)
    p = subprocess.run([sys.executable, "-m", "cc_toolkit", "validate", str(path)], capture_output=True, text=True,
                       timeout=30)
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "not a regular file" in p.stderr


def test_entry_names_cannot_forge_output_lines(make_zip):
    forged = "x\n::add-mask::secret\nforged.imscc: common_cartridge, CC 1.1: 0 errors, 0 warnings, 0 info\n"
    pkg = make_zip([(M, manifest()), (forged, b"x")])
    for fmt in ("text", "github"):
        p = subprocess.run([sys.executable, "-m", "cc_toolkit", "validate", "--format", fmt, str(pkg)],
                           capture_output=True, text=True)
        lines = p.stdout.splitlines()
        assert not any(l.startswith("::add-mask") or l.startswith("forged.imscc") for l in lines)
    assert "x\\n::add-mask::secret" in p.stdout or "x%0A::add-mask" in p.stdout


@pytest.mark.parametrize("fmt", ["text", "github", "junit", "json"])
def test_terminal_and_bidi_controls_in_names_are_shown_escaped(make_zip, fmt):
    """An ESC sequence would be stripped by the terminal (or by click when not a terminal), backspaces and
    a right-to-left override would make a name read as another: the formats people read show them escaped;
    JSON keeps the exact name (data), with JSON's own escapes for control characters."""
    names = ["web_resources/evil\x1b[0m.html", "web_resources/bs\x08\x08\x08ok.html", "web_resources/gpj.\u202eexe.html"]
    pkg = make_zip([(M, manifest()), *[(n, b"<p>x</p>") for n in names]])
    p = subprocess.run([sys.executable, "-m", "cc_toolkit", "validate", "--format", fmt, str(pkg)],
                       capture_output=True)
    out = p.stdout.decode("utf-8")
    assert p.returncode == 1 and "\x1b" not in out and "\x08" not in out
    if fmt == "json":
        assert {f["file"] for f in json.loads(out)["findings"]} == set(names)  # exact, and round-trips
    else:
        assert "\u202e" not in out
        assert all(e in out for e in ("\\x1b[0m", "\\x08", "\\u202e")), out[:400]


def test_limits_refusal_reported_once(make_zip):
    pkg = make_zip([(M, manifest()), ("zeros.xml", b"<a>" + b" " * (3 << 20) + b"</a>")])
    got = triples(pkg)
    assert ("ZIP013", "zeros.xml", None) in got
    assert not [t for t in got if t[1] == "zeros.xml" and t[0] in ("ZIP010", "XML001", "XML005")]


# -- regressions from the second attack -------------------------------------------------------------

def test_internal_entities_do_not_crash_schema_rules(make_zip):
    doc = manifest().replace(b'<?xml version="1.0" encoding="UTF-8"?>\n',
                             b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE manifest [<!ENTITY x "hi">]>\n')
    doc = doc.replace(b"<schema>IMS Common Cartridge</schema>", b"<schema>IMS Common &x; Cartridge</schema>")
    got = run(make_zip([(M, doc)])).findings
    assert not [f for f in got if f.code == "PKG002"]
    assert any(f.code == "XSD001" and "entity references" in f.message for f in got)


def test_long_dependency_cycle_is_reported_not_crashed(make_zip):
    n = 3000
    res = "".join(f'<resource identifier="r{i}" type="webcontent" href="a.html"><file href="a.html"/>'
                  f'<dependency identifierref="r{(i + 1) % n}"/></resource>\n' for i in range(n))
    got = run(make_zip([(M, manifest(res)), ("a.html", b"a")])).findings
    assert not [f for f in got if f.code == "PKG002"]
    cycles = [f for f in got if f.code == "CCP004"]
    assert len(cycles) == 1 and cycles[0].message.startswith("dependency cycle of 3000 resources: 'r0' -> 'r1'")
    assert len(cycles[0].message) < 200


def test_huge_module_indent_keeps_inspect_output_small(make_zip):
    meta = (b'<modules xmlns="http://canvas.instructure.com/xsd/cccv1p0"><module identifier="m1"><title>W</title>'
            b"<items><item identifier=\"t1\"><content_type>ContextModuleSubHeader</content_type><title>T</title>"
            b"<indent>300000000</indent></item></items></module></modules>")
    pkg = make_zip([(M, manifest()), ("course_settings/module_meta.xml", meta)])
    p = subprocess.run([sys.executable, "-m", "cc_toolkit", "inspect", str(pkg)], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0 and len(p.stdout) < 5000 and "ContextModuleSubHeader: T" in p.stdout


@pytest.mark.parametrize("select", ['{"select": {"pages": 1.5}}', '{"select": {"pages": null}}',
                                   '{"select": {"pages": [[1]]}}'])
def test_select_values_of_the_wrong_type_are_request_warnings(select):
    """Canvas would run such a request selectively and match nothing: the audit says so (exit 1, a request
    warning naming the value), it does not crash."""
    p = subprocess.run([sys.executable, "-m", "cc_toolkit", "audit", str(ROOT / "sample_packages" / "canvas_course.imscc"),
                        "--select", select, "--format", "json"], capture_output=True, text=True)
    assert p.returncode == 1 and p.stderr == ""
    d = json.loads(p.stdout)
    assert d["requested"] == [] and len(d["request_warnings"]) == 1 and "select[pages]" in d["request_warnings"][0]


def test_option_files_must_be_regular(tmp_path):
    fifo = tmp_path / "cfg.toml"
    os.mkfifo(fifo)
    for opt in ("--config", "--baseline"):
        p = subprocess.run([sys.executable, "-m", "cc_toolkit", "validate", str(ROOT / "sample_packages" / "canvas_course.imscc"),
                            opt, str(fifo)], capture_output=True, text=True, timeout=30)
        assert p.returncode == 2 and "not a regular file" in p.stderr


def _patch(data: bytes, name: str, field_offset: int, value: int, local: bool = False) -> bytes:
    """Overwrite a 32-bit field of `name`'s central directory entry (CRC 16, compressed size 20, size 24)
    or, with `local`, of its local header (CRC 14, compressed size 18, size 22)."""
    sig, name_len_at, name_at = (b"PK\x03\x04", 26, 30) if local else (b"PK\x01\x02", 28, 46)
    i = 0
    while (i := data.index(sig, i)) >= 0:
        n = struct.unpack_from("<H", data, i + name_len_at)[0]
        if data[i + name_at:i + name_at + n] == name.encode():
            return data[:i + field_offset] + struct.pack("<I", value) + data[i + field_offset + 4:]
        i += 4


def _one_page_package(path) -> str:
    """A stored package with one 600-byte page; returns the page's name."""
    page = b"<html><head><title>P</title></head><body><p>" + b"x" * 500 + b"</p></body></html>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr(M, manifest(webres("P", "wiki_content/p.html")))
        z.writestr("wiki_content/p.html", page)
    return "wiki_content/p.html"


@pytest.mark.parametrize("patch,expected", [
    ((16, 0x12345678), "ZIP010"),  # a wrong CRC: the document is refused, not parsed
    ((24, 10), "ZIP010"),  # declares 10 bytes but holds more: never more than declared is read, the CRC fails
    ((24, 600), "ZIP010"),  # declares more than it holds (unzip -t: "ucsize <> csize"): zipfile alone accepts it
])
@pytest.mark.parametrize("own_reader", [True, False])  # False: the zipfile path (no os.pread, other methods)
def test_member_read_checks_crc_and_declared_size(tmp_path, patch, expected, own_reader, monkeypatch):
    from cc_toolkit.read import source

    monkeypatch.setattr(source, "_PREAD", own_reader and source._PREAD)
    buf = tmp_path / "ok.imscc"
    _one_page_package(buf)
    bad = tmp_path / "bad.imscc"
    bad.write_bytes(_patch(buf.read_bytes(), "wiki_content/p.html", *patch))
    from cc_toolkit.read.source import EntryUnreadable, open_source

    with open_source(bad) as src:
        with pytest.raises(EntryUnreadable):
            src.read("wiki_content/p.html")
        assert src.read(M).startswith(b"<?xml")
    got = [t for t in triples(bad) if t[1] == "wiki_content/p.html"]
    assert (expected, "wiki_content/p.html", None) in got
    assert not [t for t in triples(buf) if t[0] == "ZIP010"]  # the intact package reads clean either way


def test_a_document_too_big_to_parse_is_still_crc_checked(tmp_path):
    """Members refused for --max-xml-size are not parsed, but their integrity is still checked (ZIP010)."""
    ok = tmp_path / "ok.imscc"
    _one_page_package(ok)
    bad = tmp_path / "bad.imscc"
    bad.write_bytes(_patch(ok.read_bytes(), "wiki_content/p.html", 16, 0))
    got = [(f.code, f.file) for f in run(bad, Config(limits=Limits(max_xml_size=100))).findings]
    assert ("XML005", "wiki_content/p.html") in got and ("ZIP010", "wiki_content/p.html") in got
    assert ("ZIP010", "wiki_content/p.html") not in [(f.code, f.file) for f in
                                                     run(ok, Config(limits=Limits(max_xml_size=100))).findings]


def test_data_hidden_past_the_declared_size_is_found(tmp_path):
    """A deflate stream that inflates past the declared size, with size and CRC forged for the prefix:
    zipfile stops at the declared size and finds the CRC right; `unzip` would extract the rest (here, a
    link nobody checked). The entry is unreadable (ZIP010), not clean."""
    import zlib

    name = "wiki_content/p.html"
    shown = b"<html><head><title>P</title></head><body><p>fine</p></body></html>"
    hidden = b'<a href="https://evil.example/steal">more</a>' * 5
    ok = tmp_path / "ok.imscc"
    with zipfile.ZipFile(ok, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(M, manifest(webres("P", name)))
        z.writestr(name, shown + hidden)
    data = ok.read_bytes()
    for off, value, local in ((16, zlib.crc32(shown), False), (24, len(shown), False),
                              (14, zlib.crc32(shown), True), (22, len(shown), True)):
        data = _patch(data, name, off, value, local)
    bad = tmp_path / "bad.imscc"
    bad.write_bytes(data)
    with zipfile.ZipFile(bad) as z:  # what zipfile alone says: the declared prefix, CRC fine
        assert z.read(name) == shown
    got = [(f.code, f.file, f.message) for f in run(bad, Config()).findings if f.file == name]
    assert got == [("ZIP010", name, f"cannot be read: data continues past the declared {len(shown)} bytes")]
    assert [f for f in run(ok, Config()).findings if f.code == "ZIP010"] == []


@pytest.mark.parametrize("level", [1, 6, 9])
def test_entries_just_over_a_read_block_are_valid(tmp_path, level):
    """zlib can hold back output when a read's block limit falls inside the last match; the entry is valid
    (a false positive found by the second attack)."""
    from cc_toolkit.read.source import ZipSource

    text = b"".join(b'<p class="c%d">Line %d lorem ipsum</p>\n' % (i % 7, i) for i in range(60000))
    p = tmp_path / "a.zip"
    for size in range(1 << 20, (1 << 20) + 40):
        data = text[:size]
        with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
            z.writestr("a.html", data)
        src = ZipSource(p)
        assert src.read("a.html") == data, size
        with src.open("a.html") as f:
            assert b"".join(iter(lambda: f.read(1 << 20), b"")) == data, size
        src.close()
