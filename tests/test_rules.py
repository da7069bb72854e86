"""One failing and one passing case per rule, as data: (code, file, line) tuples are compared."""
from __future__ import annotations

import io
import warnings
import zipfile

import pytest

from cc_toolkit.check.registry import all_rules
from cc_toolkit.read.source import Limits

from .conftest import manifest, triples, webres
from .test_quiz import TESTED as QUIZ_TESTED

M = "imsmanifest.xml"
PAGE = ("wiki_content/p.html", b"<html><body><p>hi</p></body></html>")


def with_manifest(resources="", items="", extra=(), after=""):
    return [(M, manifest(resources, items, after=after)), *extra]


def page(body: str, name="wiki_content/p.html"):
    return with_manifest(webres("P1", name), extra=[(name, f"<html><body>\n{body}\n</body></html>".encode())])


# code -> (failing members, expected (file, line) list, passing members, extra config)
CASES = {
    "XML001": (with_manifest(extra=[("a.xml", b"<a>\n<b></a>")]), [("a.xml", 2)],
               with_manifest(extra=[("a.xml", b"<a><b/></a>")]), {}),
    "XML002": (with_manifest(extra=[("a.xml", b'<?xml version="1.0" encoding="UTF-8"?>\n<a>\xe9</a>')]), [("a.xml", 2)],
               with_manifest(extra=[("a.xml", b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<a>\xe9</a>')]), {}),
    "XML003": (with_manifest(extra=[("a.xml", b"<a>\n\x01</a>")]), [("a.xml", 2)],
               with_manifest(extra=[("a.xml", b"<a>\n\t</a>")]), {}),
    "XML004": (with_manifest(extra=[("a.xml", b'<!DOCTYPE a [<!ENTITY e "x">]>\n<a>&e;</a>')]), [("a.xml", 1)],
               with_manifest(extra=[("a.xml", b"<!DOCTYPE a>\n<a/>")]), {}),
    "XML005": (with_manifest(extra=[("a.xml", b"<a>" + b"x" * 5000 + b"</a>")]), [("a.xml", None)],
               with_manifest(extra=[("a.xml", b"<a/>")]), {"limits": Limits(max_xml_size=4000)}),
    "XML006": (with_manifest(extra=[("a.xml", b'<a xmlns:x="http: //bad"/>')]), [("a.xml", 1)],
               with_manifest(extra=[("a.xml", b'<a xmlns:x="http://good"/>')]), {}),
    "HTM001": (page("x") + [("wiki_content/b.html", b"\x00\x01\x02binary")], [("wiki_content/b.html", None)],
               page("x"), {}),
    "HTM002": (with_manifest(webres("P1", "wiki_content/p.html"), extra=[("wiki_content/p.html", b"<p>\n\xff</p>")]),
               [("wiki_content/p.html", 2)], page("<p>caf\u00e9</p>"), {}),
    "HTM003": (page('<img src="data:image/png;base64,' + "A" * 600_000 + '">'), [("wiki_content/p.html", 2)],
               page('<img src="data:image/png;base64,AAAA">'), {}),
    "ZIP001": (with_manifest(extra=[("/abs.txt", b"x")]), [("/abs.txt", None)], with_manifest(), {}),
    "ZIP002": (with_manifest(extra=[("a/../../x.txt", b"x")]), [("a/../../x.txt", None)], with_manifest(), {}),
    "ZIP003": (with_manifest(extra=[("a\\b.txt", b"x")]), [("a\\b.txt", None)], with_manifest(), {}),
    "ZIP004": (with_manifest(extra=[("C:/x.txt", b"x")]), [("C:/x.txt", None)], with_manifest(), {}),
    "ZIP005": (with_manifest(extra=[("a\x01.txt", b"x")]), [("a\x01.txt", None)], with_manifest(), {}),
    "ZIP006": (with_manifest(extra=[("what?.txt", b"x"), ("d/CON.txt", b"x"), ("dot./a.txt", b"x")]),
               [("d/CON.txt", None), ("dot./a.txt", None), ("what?.txt", None)],
               with_manifest(extra=[("what.txt", b"x")]), {}),
    "ZIP007": (with_manifest(extra=[("A.txt", b"x"), ("a.txt", b"y")]), [("a.txt", None)],
               with_manifest(extra=[("a.txt", b"y")]), {}),
    "ZIP008": (with_manifest(extra=[("a.txt", b"x"), ("a.txt", b"y")]), [("a.txt", None)],
               with_manifest(extra=[("a.txt", b"y")]), {}),
    "ZIP013": (with_manifest(extra=[("zeros.bin", b"\0" * (3 << 20))]), [("zeros.bin", None)],
               with_manifest(extra=[("small.bin", b"\0" * 1000)]), {}),
    "ZIP014": (with_manifest(extra=[("inner.zip", b"PK\x05\x06" + b"\0" * 18)]), [("inner.zip", None)],
               with_manifest(), {}),
    "ID001": (with_manifest(webres("R1", "a.html") + webres("R1", "b.html"),
                            extra=[("a.html", b"a"), ("b.html", b"b")]), [(M, 13)],
              with_manifest(webres("R1", "a.html"), extra=[("a.html", b"a")]), {}),
    "ID002": (with_manifest(webres("1R", "a.html"), extra=[("a.html", b"a")]), [(M, 12)],
              with_manifest(webres("R1", "a.html"), extra=[("a.html", b"a")]), {}),
    "ID003": (with_manifest('<resource type="webcontent" href="a.html"><file href="a.html"/></resource>\n',
                            extra=[("a.html", b"a")]), [(M, 12)],
              with_manifest(webres("R1", "a.html"), extra=[("a.html", b"a")]), {}),
    "REF001": (with_manifest(webres("R1", "a.html"), '<item identifier="I1" identifierref="R9"><title>t</title></item>',
                             extra=[("a.html", b"a")]), [(M, 8)],
               with_manifest(webres("R1", "a.html"), '<item identifier="I1" identifierref="R1"><title>t</title></item>',
                             extra=[("a.html", b"a")]), {}),
    "REF002": (with_manifest('<resource identifier="R1" type="webcontent" href="a.html"><file href="a.html"/>\n'
                             '<dependency identifierref="R9"/></resource>\n', extra=[("a.html", b"a")]), [(M, 13)],
               with_manifest('<resource identifier="R1" type="webcontent" href="a.html"><file href="a.html"/>\n'
                             '<dependency identifierref="R1"/></resource>\n', extra=[("a.html", b"a")]), {}),
    "REF004": (with_manifest(webres("R1", "a.html")), [(M, 12)],
               with_manifest(webres("R1", "a.html"), extra=[("a.html", b"a")]), {}),
    "REF005": (with_manifest(webres("R1", "my%20file.html"), extra=[("my file.html", b"a")]), [(M, 12)],
               with_manifest(webres("R1", "my file.html"), extra=[("my file.html", b"a")]), {}),
    "REF006": (with_manifest('<resource identifier="R1" type="webcontent" href="a.html"><file href="b.html"/></resource>\n',
                             extra=[("a.html", b"a"), ("b.html", b"b")]), [(M, 12)],
               with_manifest(webres("R1", "a.html"), extra=[("a.html", b"a")]), {}),
    "REF007": (with_manifest('<resource identifier="R1" type="webcontent"/>\n'), [(M, 12)],
               with_manifest(webres("R1", "a.html"), extra=[("a.html", b"a")]), {}),
    "REF008": (with_manifest('<resource identifier="R1" type="webcontent"><file href="../up.html"/></resource>\n'),
               [(M, 12)], with_manifest(webres("R1", "a.html"), extra=[("a.html", b"a")]), {}),
    "ORP001": (with_manifest(extra=[("stray.txt", b"x")]), [("stray.txt", None)],
               with_manifest(webres("R1", "stray.txt"), extra=[("stray.txt", b"x")]), {}),
    "ORP002": (with_manifest(extra=[("__MACOSX/._x", b"x"), ("d/", b"")]), [("__MACOSX/._x", None), ("d/", None)],
               with_manifest(), {}),
    "LNK001": (page('<img src="$IMS-CC-FILEBASE$/x.png">') + [("web_resources/y.png", b"y")], [("wiki_content/p.html", 2)],
               page('<img src="%24IMS-CC-FILEBASE%24/my%20y.png?canvas_download=1">') + [("web_resources/my y.png", b"y")],
               {"ignore": frozenset({"ORP"})}),
    "LNK002": (page('<a href="$WIKI_REFERENCE$/pages/nope">x</a>'), [("wiki_content/p.html", 2)],
               page('<a href="$WIKI_REFERENCE$/pages/p">x</a>'), {}),
    "LNK003": (page('<a href="$CANVAS_OBJECT_REFERENCE$/assignments/i99">x</a>'), [("wiki_content/p.html", 2)],
               page('<a href="$CANVAS_OBJECT_REFERENCE$/assignments/P1">x</a>'), {}),
    "LNK004": (page('<a href="/courses/12/files/3">x</a>\n<a href="https://school.instructure.com/courses/1/pages/a">y</a>'),
               [("wiki_content/p.html", 2), ("wiki_content/p.html", 3)],
               page('<a href="https://example.com/courses/12">x</a>'), {}),
    "LNK005": (page('<a href="a%2520b.html">x</a>'), [("wiki_content/p.html", 2)],
               page('<a href="p.html">x</a>'), {}),
    "LNK006": (page('<a href="other.html">x</a>'), [("wiki_content/p.html", 2)],
               page('<a href="p.html#top">x</a>'), {}),
    "REF003": (with_manifest(webres("R1", "a.html"), extra=[("a.html", b"a"), ("course_settings/module_meta.xml",
               b'<modules xmlns="http://canvas.instructure.com/xsd/cccv1p0"><module identifier="m1"><title>W</title>\n'
               b'<items><item identifier="t1"><content_type>WikiPage</content_type><title>P</title>\n'
               b'<identifierref>R9</identifierref></item>\n<item identifier="t2"><content_type>ExternalUrl</content_type>'
               b'<identifierref>t2</identifierref></item></items></module></modules>')]),
               [("course_settings/module_meta.xml", 2)],
               with_manifest(webres("R1", "a.html"), extra=[("a.html", b"a"), ("course_settings/module_meta.xml",
               b'<modules xmlns="http://canvas.instructure.com/xsd/cccv1p0"><module identifier="m1"><title>W</title>\n'
               b'<items><item identifier="t1"><content_type>WikiPage</content_type><title>P</title>\n'
               b'<identifierref>R1</identifierref></item></items></module></modules>')]), {}),
    "EXP001": (with_manifest(after="<!--\nExport errors for export 5:\nFailed to export file x\n-->\n"), [(M, 14)],
               with_manifest(after="<!-- a harmless comment -->\n"), {}),
    "PKG001": ([(M, manifest(webres("R1", "a.html")).replace(b'<item identifier="root"></item>', b""))
                , ("a.html", b"a")], [(M, 2)],
               with_manifest(webres("R1", "a.html"), '<item identifier="I1" identifierref="R1"><title>t</title></item>',
                             extra=[("a.html", b"a")]), {}),
}


def _zip(make_zip, members):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are written on purpose
        return make_zip(members)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fails_and_passes(code, make_zip):
    bad, expected, good, config = CASES[code]
    got = sorted(((f, l) for c, f, l in triples(_zip(make_zip, bad), **config) if c == code), key=str)
    assert got == sorted(expected, key=str)
    assert [t for t in triples(_zip(make_zip, good), **config) if t[0] == code] == []


def test_zip009_name_without_utf8_flag(tmp_path):
    class RawName(zipfile.ZipInfo):
        def _encodeFilenameFlags(self):  # write UTF-8 bytes but no UTF-8 flag, as old tools do
            return self.filename.encode("utf-8"), self.flag_bits

    p = tmp_path / "names.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr(M, manifest(webres("R1", "caf\u00e9.html")))
        z.writestr(RawName("caf\u00e9.html"), b"x")
    t = triples(p)
    assert ("ZIP009", "caf\u00e9.html", None) in t
    assert not [x for x in t if x[0] == "REF004"]  # the name was still matched to the href


def _corrupt_stored(tmp_path, data: bytes, name="b.bin") -> str:
    p = tmp_path / "crc.zip"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_STORED) as z:
        z.writestr(M, manifest(webres("R1", name)))
        z.writestr(name, data)
    raw = bytearray(p.read_bytes())
    i = raw.find(data)
    raw[i] ^= 0xFF
    p.write_bytes(bytes(raw))
    return p


def test_zip010_bad_crc_binary_and_xml(tmp_path):
    assert ("ZIP010", "b.bin", None) in triples(_corrupt_stored(tmp_path, b"0123456789" * 10))
    assert ("ZIP010", "c.xml", None) in triples(_corrupt_stored(tmp_path, b"<a>" + b"x" * 50 + b"</a>", "c.xml"))


def test_zip011_symlink_not_followed(tmp_path):
    p = tmp_path / "link.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr(M, manifest())
        info = zipfile.ZipInfo("evil_link")
        info.create_system = 3
        info.external_attr = 0o120777 << 16
        z.writestr(info, "/etc/passwd")
    assert ("ZIP011", "evil_link", None) in triples(p)


def set_flag(path, name: bytes, bit: int) -> None:
    """Set a general-purpose flag bit of one entry in both its local and central headers."""
    raw = bytearray(path.read_bytes())
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = raw.find(sig)
        while i != -1:
            n = int.from_bytes(raw[i + off + 20:i + off + 22], "little") if sig == b"PK\x03\x04" else \
                int.from_bytes(raw[i + 28:i + 30], "little")
            start = i + (30 if sig == b"PK\x03\x04" else 46)
            if raw[start:start + n] == name:
                raw[i + off] |= bit
            i = raw.find(sig, i + 4)
    path.write_bytes(bytes(raw))


def test_zip012_encrypted_entry_not_read(tmp_path):
    p = tmp_path / "enc.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr(M, manifest())
        z.writestr("secret.xml", b"<a/>")
    set_flag(p, b"secret.xml", 0x1)
    t = triples(p)
    assert ("ZIP012", "secret.xml", None) in t
    assert not [x for x in t if x[0] in ("ZIP010", "XML001")]


def test_zip016_prepended_data(tmp_path, make_zip):
    z = make_zip(with_manifest())
    p = tmp_path / "sfx.zip"
    p.write_bytes(b"#!/bin/sh\nexit 0\n" + z.read_bytes())
    assert ("ZIP016", None, None) in triples(p)


def test_pkg002_crashing_rule_becomes_finding(make_zip, monkeypatch):
    from cc_toolkit.check import registry

    rule = registry.REGISTRY["ID003"]

    def boom(pkg, ctx):
        raise RuntimeError("kaboom")

    monkeypatch.setitem(registry.REGISTRY, "ID003", rule.__class__(**{**rule.__dict__, "check": boom}))
    t = triples(make_zip(with_manifest()))
    assert ("PKG002", None, None) in t


def test_pkg003_model_failure_becomes_finding(make_zip, monkeypatch):
    from cc_toolkit.model import build

    def boom(self, doc):
        raise ValueError("bad")

    monkeypatch.setattr(build._Builder, "extract", boom)
    assert ("PKG003", "a.xml", None) in triples(make_zip(with_manifest(extra=[("a.xml", b"<a/>")])))


def test_pkg005_bare_manifest(tmp_path):
    p = tmp_path / "imsmanifest.xml"
    p.write_bytes(manifest(webres("R1", "missing.html")))
    t = triples(p)
    assert ("PKG005", M, None) in t
    assert not [x for x in t if x[0] == "REF004"]  # files are not checked without the package


def test_every_rule_has_cases():
    tested = set(CASES) | set(QUIZ_TESTED) | {"ZIP009", "ZIP010", "ZIP011", "ZIP012", "ZIP016", "PKG002", "PKG003", "PKG005"}
    from .test_schemas import TESTED_HERE as SCHEMA_TESTED  # XSD and CCP rules, cases in tests/test_schemas.py

    tested |= SCHEMA_TESTED
    registered = {r.code for r in all_rules()}
    assert registered - tested == set()
    for r in all_rules():
        assert r.summary and r.fix, r.code


def test_ignore_family_and_code(make_zip):
    p = make_zip(with_manifest(extra=[("stray.txt", b"x"), ("a\\b.txt", b"x")]))
    assert {c for c, _, _ in triples(p)} >= {"ORP001", "ZIP003"}
    assert {c for c, _, _ in triples(p, ignore=frozenset({"ORP"}))} == {"ZIP003"}
    assert {c for c, _, _ in triples(p, ignore=frozenset({"ZIP003", "ORP001"}))} == set()


@pytest.mark.parametrize("token", ["$IMS-CC-FILEBASE$", "$IMS_CC_FILEBASE$", "$1EdTech-CC-FILEBASE$",
                                   "%24IMS-CC-FILEBASE%24", "%241EdTech-CC-FILEBASE%24"])
def test_every_filebase_spelling_resolves(token, make_zip):
    ok = page(f'<img src="{token}/img/a%20b.png?canvas_download=1">') + [("web_resources/img/a b.png", b"x")]
    bad = page(f'<img src="{token}/img/missing.png">')
    assert [t for t in triples(_zip(make_zip, ok)) if t[0] == "LNK001"] == []
    assert [t for t in triples(_zip(make_zip, bad)) if t[0] == "LNK001"] == [("LNK001", "wiki_content/p.html", 2)]


def test_columns_in_characters_where_the_reader_knows_them(make_zip):
    """Columns (1-based, in characters: libxml2 counts bytes) for syntax errors, bad bytes and links in HTML
    files; none for links inside XML rich text, whose escaping moves every column."""
    from .conftest import findings

    members = with_manifest(webres("P1", "wiki_content/p.html"), extra=[
        ("a.xml", "<a>\n  é<b></c>\n</a>".encode()),  # libxml2 says byte column 11
        ("b.xml", b"<a>\n\xc3\xa9\x01</a>"),  # the control character is the 2nd character of line 2
        ("wiki_content/p.html", '<html><body>\n<p>ü <img src="gone.png"></p>\n</body></html>'.encode()),
        ("wiki_content/q.html", b"<p>ok</p>\n\xff"),
    ])
    got = {(f.code, f.file): (f.line, f.column) for f in findings(make_zip(members))}
    assert got[("XML001", "a.xml")] == (2, 10)
    assert got[("XML003", "b.xml")] == (2, 2)
    assert got[("LNK006", "wiki_content/p.html")] == (2, 11)  # "<p>ü <img " is 10 characters
    assert got[("HTM002", "wiki_content/q.html")] == (2, 1)
    f = next(f for f in findings(make_zip(members)) if f.code == "LNK006")
    assert f.location == "wiki_content/p.html:2:11" and f.to_dict()["column"] == 11
