"""The project's XSDs: they all compile; findings XSD001-XSD006 and CCP001-CCP010 fail and pass as data;
messages are rewritten for people; profiles; official mode and `schemas install` against a local server."""
from __future__ import annotations

import functools
import hashlib
import http.server
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from lxml import etree

from cc_toolkit import schemas as S
from cc_toolkit.check.engine import Config, run
from cc_toolkit.finding import Severity
from cc_toolkit.schemas import official

from .conftest import ROOT

M = "imsmanifest.xml"
OFFICIAL = ROOT.parent / "shared" / "ims-xsd"
NS = {"1.1": S.CC11, "1.3": S.CC13}
LOMNS = {"1.1": "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest", "1.3": "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest"}


def cc(resources: str = "", items: str = "", version: str = "1.1", schema: str = "IMS Common Cartridge",
       extra_ns: str = "") -> bytes:
    """A manifest valid against the CC profile when its parts are; resources start at line 13."""
    v = version.replace(".", "p")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<manifest identifier="M1" xmlns="{NS[version]}" xmlns:lomm="{LOMNS[version]}"{extra_ns}>\n'
        f"<metadata><schema>{schema}</schema><schemaversion>{version}.0</schemaversion>\n"
        "<lomm:lom><lomm:general><lomm:title><lomm:string>T</lomm:string></lomm:title></lomm:general></lomm:lom>\n"
        "</metadata>\n"
        "<!-- organizations follow -->\n"
        "<organizations>\n"
        f'<organization identifier="O1" structure="rooted-hierarchy"><item identifier="root">{items}</item>'
        "</organization>\n"
        "</organizations>\n"
        "<resources>\n"
        f"<!-- CC {v} -->\n"
        "<!-- resources follow -->\n"
        f"{resources}"
        "</resources>\n"
        "</manifest>\n"
    ).encode()


def web(ident: str, path: str) -> str:
    return f'<resource identifier="{ident}" type="webcontent" href="{path}"><file href="{path}"/></resource>\n'


TOPIC11 = (b'<topic xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1">\n<title>T</title>\n'
           b'<text texttype="text/html">x</text>\n</topic>')
TOPIC_BAD = (b'<topic xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1">\n<text texttype="text/html">x</text>\n'
             b'<title>T</title>\n</topic>')
QTI_OK = (b'<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2">\n<assessment ident="A" title="Q">\n'
          b'<section ident="S"><item ident="I1"/></section>\n</assessment>\n</questestinterop>')
QTI_BAD = (b'<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2">\n<assessment ident="A" title="Q">\n'
           b'<section ident="S"/>\n</assessment>\n</questestinterop>')
CANVAS_OK = b'<course xmlns="http://canvas.instructure.com/xsd/cccv1p0" identifier="c">\n<title>C</title>\n</course>'
CANVAS_BAD = b'<course xmlns="http://canvas.instructure.com/xsd/cccv1p0" identifier="c">\n<titel>C</titel>\n</course>'
LTI13 = ('<cartridge_basiclti_link xmlns="http://www.imsglobal.org/xsd/imslticc_v1p3" '
         'xmlns:blti="http://www.imsglobal.org/xsd/imsbasiclti_v1p0" xmlns:lticp="http://www.imsglobal.org/xsd/imslticp_v1p0" '
         'xmlns:lticm="http://www.imsglobal.org/xsd/imslticm_v1p0">\n<blti:title>T</blti:title>\n{custom_before}'
         '<blti:launch_url>https://t.example/l</blti:launch_url>\n{custom_after}'
         '<blti:vendor><lticp:code>v</lticp:code><lticp:name>V</lticp:name></blti:vendor>\n</cartridge_basiclti_link>')
CUSTOM = '<blti:custom><lticm:property name="a">1</lticm:property></blti:custom>\n'
CANVAS_MARK = ("course_settings/canvas_export.txt", b"Q: What did the panda say when he was forced out of his natural habitat?")


def _topic_res(ident="T1", path="t.xml", extra=""):
    return f'<resource identifier="{ident}" type="imsdt_xmlv1p1"{extra}><file href="{path}"/></resource>\n'


# code -> (failing members, expected (file, line), passing members, config)
CASES = {
    "XSD001": ([(M, cc(web("R1", "a.html")).replace(b'identifier="O1" structure="rooted-hierarchy"',
                                                      b'identifier="O1" structure="flat"')), ("a.html", b"a")],
               [(M, 8)], [(M, cc(web("R1", "a.html"))), ("a.html", b"a")], {}),
    "XSD002": ([(M, cc(_topic_res())), ("t.xml", TOPIC_BAD)], [("t.xml", 2)],
               [(M, cc(_topic_res())), ("t.xml", TOPIC11)], {}),
    "XSD003": ([(M, cc('<resource identifier="Q1" type="imsqti_xmlv1p2/imscc_xmlv1p1/assessment"><file href="q.xml"/>'
                       '</resource>\n')), ("q.xml", QTI_BAD)], [("q.xml", 3)],
               [(M, cc('<resource identifier="Q1" type="imsqti_xmlv1p2/imscc_xmlv1p1/assessment"><file href="q.xml"/>'
                       '</resource>\n')), ("q.xml", QTI_OK)], {}),
    "XSD004": ([(M, cc(web("R1", "a.html"))), ("a.html", b"a"), ("course_settings/course_settings.xml", CANVAS_BAD)],
               [("course_settings/course_settings.xml", 2)],
               [(M, cc(web("R1", "a.html"))), ("a.html", b"a"), ("course_settings/course_settings.xml", CANVAS_OK)], {}),
    # Canvas writes blti:custom after launch_url (CC 1.3): a warning under the canvas profile only
    "XSD005": ([(M, cc('<resource identifier="L1" type="imsbasiclti_xmlv1p3"><file href="l.xml"/></resource>\n',
                       version="1.3")), ("l.xml", LTI13.format(custom_before="", custom_after=CUSTOM).encode()),
                CANVAS_MARK], [("l.xml", 4)],
               [(M, cc('<resource identifier="L1" type="imsbasiclti_xmlv1p3"><file href="l.xml"/></resource>\n',
                       version="1.3")), ("l.xml", LTI13.format(custom_before=CUSTOM, custom_after="").encode()),
                CANVAS_MARK], {}),
    "CCP001": ([(M, cc('<resource identifier="T1" type="imsdt_xmlv1p1"><file href="t.xml"/><file href="u.xml"/>'
                       '</resource>\n')), ("t.xml", TOPIC11), ("u.xml", TOPIC11)], [(M, 13)],
               [(M, cc(_topic_res())), ("t.xml", TOPIC11)], {}),
    "CCP002": ([(M, cc(_topic_res(extra=' href="t.xml"'))), ("t.xml", TOPIC11)], [(M, 13)],
               [(M, cc(_topic_res())), ("t.xml", TOPIC11)], {}),
    "CCP003": ([(M, cc('<resource identifier="R1" type="webcontent" href="a.html"><file href="a.html"/>\n'
                       '<dependency identifierref="T1"/></resource>\n' + _topic_res())),
                ("a.html", b"a"), ("t.xml", TOPIC11)], [(M, 14)],
               [(M, cc(_topic_res().replace("</resource>", '<dependency identifierref="R1"/></resource>')
                       + web("R1", "a.html"))), ("a.html", b"a"), ("t.xml", TOPIC11)], {}),
    "CCP004": ([(M, cc('<resource identifier="R1" type="webcontent" href="a.html"><file href="a.html"/>'
                       '<dependency identifierref="R2"/></resource>\n'
                       '<resource identifier="R2" type="webcontent" href="b.html"><file href="b.html"/>'
                       '<dependency identifierref="R1"/></resource>\n')), ("a.html", b"a"), ("b.html", b"b")],
               [(M, 13)],
               [(M, cc('<resource identifier="R1" type="webcontent" href="a.html"><file href="a.html"/>'
                       '<dependency identifierref="R2"/></resource>\n' + web("R2", "b.html"))),
                ("a.html", b"a"), ("b.html", b"b")], {}),
    "CCP005": ([(M, cc('<resource identifier="R1" type="webcontent" href="a.html"><file href="a.html"/>\n'
                       '<dependency identifierref="R2"/>\n<dependency identifierref="R2"/></resource>\n'
                       + web("R2", "b.html"))), ("a.html", b"a"), ("b.html", b"b")], [(M, 15)],
               [(M, cc('<resource identifier="R1" type="webcontent" href="a.html"><file href="a.html"/>\n'
                       '<dependency identifierref="R2"/></resource>\n' + web("R2", "b.html"))),
                ("a.html", b"a"), ("b.html", b"b")], {}),
    "CCP006": ([(M, cc('<resource identifier="B1" type="imsqti_xmlv1p2/imscc_xmlv1p1/question-bank">'
                       '<file href="b.xml"/></resource>\n',
                       items='\n<item identifier="I1" identifierref="B1"><title>Bank</title></item>')), ("b.xml", QTI_OK)],
               [(M, 9)],
               [(M, cc('<resource identifier="B1" type="imsqti_xmlv1p2/imscc_xmlv1p1/question-bank">'
                       '<file href="b.xml"/></resource>\n')), ("b.xml", QTI_OK)], {}),
    "CCP007": ([(M, cc('<resource identifier="R1" type="webcontent" href="a.html"><file href="a.html"/>\n'
                       '<file href="a.html"/></resource>\n')), ("a.html", b"a")], [(M, 14)],
               [(M, cc(web("R1", "a.html"))), ("a.html", b"a")], {}),
    "CCP008": ([(M, cc('<resource identifier="L1" type="associatedcontent/imscc_xmlv1p1/learning-application-resource" '
                       'href="d/a.html"><file href="d/a.html"/></resource>\n')), ("d/a.html", b"a"), ("d/b.html", b"b")],
               [(M, 13)],
               [(M, cc('<resource identifier="L1" type="associatedcontent/imscc_xmlv1p1/learning-application-resource" '
                       'href="d/a.html"><file href="d/a.html"/><file href="d/b.html"/></resource>\n')),
                ("d/a.html", b"a"), ("d/b.html", b"b")], {}),
    "CCP009": ([(M, cc(web("R1", "a.html"), version="1.3", schema="IMS Thin Common Cartridge")), ("a.html", b"a")],
               [(M, 13)],
               [(M, cc('<resource identifier="W1" type="imswl_xmlv1p3"><file href="w.xml"/></resource>\n', version="1.3",
                       schema="IMS Thin Common Cartridge")),
                ("w.xml", b'<webLink xmlns="http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3"><title>W</title>'
                          b'<url href="https://example.com/"/></webLink>')], {}),
    # Canvas's course settings resource does not list every file of course_settings/
    "CCP010": ([(M, cc('<resource identifier="S1" type="associatedcontent/imscc_xmlv1p1/learning-application-resource" '
                       'href="course_settings/canvas_export.txt"><file href="course_settings/canvas_export.txt"/>'
                       '</resource>\n')), CANVAS_MARK, ("course_settings/course_settings.xml", CANVAS_OK)],
               [(M, 13)],
               [(M, cc('<resource identifier="S1" type="associatedcontent/imscc_xmlv1p1/learning-application-resource" '
                       'href="course_settings/canvas_export.txt"><file href="course_settings/canvas_export.txt"/>'
                       '<file href="course_settings/course_settings.xml"/></resource>\n')), CANVAS_MARK,
                ("course_settings/course_settings.xml", CANVAS_OK)], {}),
}
TESTED_HERE = set(CASES) | {"XSD006"}


def _triples(path, **config):
    return [(f.code, f.file, f.line) for f in run(path, Config(**config)).findings]


@pytest.mark.parametrize("code", sorted(CASES))
def test_schema_and_profile_rules_fail_and_pass(code, make_zip):
    bad, expected, good, config = CASES[code]
    got = sorted(((f, ln) for c, f, ln in _triples(make_zip(bad), **config) if c == code), key=str)
    assert got == sorted(expected, key=str)
    clean = _triples(make_zip(good), **config)
    assert [t for t in clean if t[0] == code] == []
    # the passing cases are valid packages as far as schemas and profile rules go
    assert [t for t in clean if t[0].startswith(("XSD", "CCP"))] == []


def test_xsd006_missing_official_file(make_zip, tmp_path):
    p = make_zip([(M, cc(web("R1", "a.html"))), ("a.html", b"a")])
    t = _triples(p, schemas_dir=str(tmp_path))
    assert ("XSD006", M, None) in t


def test_every_schema_file_compiles_alone_and_every_set_compiles():
    files = S.all_files()
    assert len(files) >= 40
    for f in files:
        etree.XMLSchema(etree.parse(str(f), S._parser(None)))
    for e in S.CATALOG:
        assert (S.XSD_DIR / e.file).is_file(), e.file
        assert isinstance(S.compile_set(e.key), etree.XMLSchema)
    assert S.compile_set(S.CC13) is S.compile_set(S.CC13)  # compiled once per process


def test_schemas_never_reference_remote_locations():
    for f in S.all_files():
        for el in etree.parse(str(f)).iter("{http://www.w3.org/2001/XMLSchema}import",
                                           "{http://www.w3.org/2001/XMLSchema}include"):
            assert "://" not in el.get("schemaLocation", ""), (f.name, el.get("schemaLocation"))


def test_top_level_schemas_folder_is_the_package_folder():
    """`schemas/` is the package's XSD folder, and the installed package (which the tests may import
    from site-packages) ships the same files."""
    assert (ROOT / "schemas").resolve() == (ROOT / "cc_toolkit" / "schemas" / "xsd").resolve()
    assert sorted(p.name for p in S.XSD_DIR.glob("*.xsd")) == sorted(p.name for p in (ROOT / "schemas").glob("*.xsd"))


@pytest.mark.parametrize("raw,expected", [
    ("Element '{urn:a}text': This element is not expected. Expected is ( {urn:a}title ).",
     "unexpected <text>; expected <title>"),
    ("Element '{urn:a}manifest': Missing child element(s). Expected is one of ( {urn:a}metadata, {urn:a}organizations ).",
     "<manifest> is incomplete: expected one of <metadata>, <organizations>"),
    ("Element '{urn:a}resource', attribute 'type': [facet 'enumeration'] The value 'x' is not an element of the set "
     "{'webcontent', 'imsdt_xmlv1p1'}.", "<resource type> is 'x'; allowed: 'webcontent', 'imsdt_xmlv1p1'"),
    ("Element '{urn:a}title': This element is not expected. Expected is ( {urn:b}title ).",
     "<title> is in namespace 'urn:a', which is not the one expected here; expected <title>"),
    ("Element '{urn:a}item': The attribute 'identifier' is required but missing.",
     "<item> lacks the required attribute 'identifier'"),
])
def test_messages_are_rewritten(raw, expected):
    assert S.humanize(raw, 3).message == expected


def test_real_error_message_and_line():
    doc = etree.fromstring(TOPIC_BAD)
    issues = S.validate(doc, "http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1")
    assert [(i.line, i.message) for i in issues] == [(2, "unexpected <text>; expected <title>")]


def test_profiles_cc_canvas_auto(make_zip):
    members = [(M, cc('<resource identifier="L1" type="imsbasiclti_xmlv1p3"><file href="l.xml"/></resource>\n',
                      version="1.3")), ("l.xml", LTI13.format(custom_before="", custom_after=CUSTOM).encode()), CANVAS_MARK]
    p = make_zip(members)
    auto = run(p).findings
    assert [(f.code, str(f.severity)) for f in auto if f.code.startswith("XSD")] == [("XSD005", "warning")]
    assert "Canvas writes the Basic LTI link elements in its own order" in [f for f in auto if f.code == "XSD005"][0].message
    assert [f.code for f in run(p, Config(profile="cc")).findings if f.code.startswith("XSD")] == ["XSD002"]
    no_mark = make_zip(members[:2])
    assert [f.code for f in run(no_mark).findings if f.code.startswith("XSD")] == ["XSD002"]  # auto -> cc


def test_canvas_profile_downgrades_generated_ids_only(make_zip):
    members = [(M, cc(web("2d7d5ca55a932e43c614910000000001", "a.html") + web("1bad", "b.html"))),
               ("a.html", b"a"), ("b.html", b"b"), CANVAS_MARK]
    got = {f.identifier: f for f in run(make_zip(members)).findings if f.code == "ID002"}
    assert got["2d7d5ca55a932e43c614910000000001"].severity == Severity.WARNING
    assert "Canvas writes such identifiers" in got["2d7d5ca55a932e43c614910000000001"].message
    assert got["1bad"].severity == Severity.ERROR
    strict = {f.identifier: f.severity for f in run(make_zip(members), Config(profile="cc")).findings if f.code == "ID002"}
    assert strict == {"2d7d5ca55a932e43c614910000000001": Severity.ERROR, "1bad": Severity.ERROR}
    # the identifier errors are not repeated as schema errors
    assert not [f for f in run(make_zip(members)).findings if f.code == "XSD001"]


def test_cc13_canvas_deviations(make_zip):
    extra = ' xmlns:cpx="http://www.imsglobal.org/xsd/imsccv1p3/imscp_extensionv1p2"'
    res = ('<resource identifier="R1" type="webcontent" href="a.html">'
           '<cpx:variant identifier="V1" identifierref="R2"><cpx:metadata/></cpx:variant><file href="a.html"/></resource>\n'
           '<resource identifier="R2" type="associatedcontent/imscc_xmlv1p1/learning-application-resource" '
           'href="d/b.html"><file href="d/b.html"/></resource>\n')
    members = [(M, cc(res, version="1.3", extra_ns=extra)), ("a.html", b"a"), ("d/b.html", b"b"), CANVAS_MARK]
    canvas = [f for f in run(make_zip(members)).findings if f.code.startswith("XSD")]
    assert sorted((f.code, f.line) for f in canvas) == [("XSD005", 13), ("XSD005", 14)]
    assert any("cpx:variant" in f.message for f in canvas) and any("another CC version" in f.message for f in canvas)
    strict = [(f.code, f.line) for f in run(make_zip(members), Config(profile="cc")).findings if f.code.startswith("XSD")]
    assert sorted(strict) == [("XSD001", 13), ("XSD001", 14)]


@pytest.mark.skipif(not OFFICIAL.is_dir(), reason="../shared/ims-xsd not available")
def test_official_mode_agrees_on_a_broken_manifest(make_zip):
    members = [(M, cc(web("R1", "a.html")).replace(b"<schemaversion>1.1.0", b"<schemaversion>1.1.9")), ("a.html", b"a")]
    ours = [(c, f, ln) for c, f, ln in _triples(make_zip(members)) if c.startswith("XSD")]
    theirs = [(c, f, ln) for c, f, ln in _triples(make_zip(members), schemas_dir=str(OFFICIAL)) if c.startswith("XSD")]
    assert ours == theirs == [("XSD001", M, 3)]


# -- schemas install against a local server ----------------------------------------------------------

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def ims_server():
    if not OFFICIAL.is_dir():
        pytest.skip("../shared/ims-xsd not available")
    handler = functools.partial(_Quiet, directory=str(OFFICIAL))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.timeout = 5
    t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        t.join(5)


def test_install_from_local_server_verifies_pins(ims_server, tmp_path):
    results = official.install(tmp_path / "xsd", ims_server, timeout=5)
    assert {r.status for r in results} == {"ok"} and len(results) == len(official.PINNED) == 56
    assert set(official.verify(tmp_path / "xsd").values()) == {"ok"}
    again = official.install(tmp_path / "xsd", ims_server, timeout=5)
    assert {r.status for r in again} == {"already"}
    # the installed set is usable as --schemas DIR
    assert S.compile_set(S.CC13, tmp_path / "xsd") is not None


def test_install_refuses_a_file_that_does_not_match_its_pin(ims_server, tmp_path, monkeypatch):
    path = "www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imsdt_v1p1.xsd"
    monkeypatch.setitem(official.PINNED, path, hashlib.sha256(b"something else").hexdigest())
    results = {r.path: r for r in official.install(tmp_path / "xsd", ims_server, timeout=5)}
    assert results[path].status == "mismatch"
    assert not (tmp_path / "xsd" / path).exists()


def test_install_unreachable_is_a_result_not_a_traceback(tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    results = official.install(tmp_path / "xsd", f"http://127.0.0.1:{port}", timeout=2)
    assert {r.status for r in results} == {"failed"}


def test_cli_schemas_install_and_list(ims_server, tmp_path):
    dest = tmp_path / "cache"
    p = subprocess.run([sys.executable, "-m", "cc_toolkit", "schemas", "install", "--from", ims_server, "--dir", str(dest)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert f"56 of 56 files verified in {dest}" in p.stdout
    p = subprocess.run([sys.executable, "-m", "cc_toolkit", "schemas", "list", "--schemas", str(dest)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0
    assert "ours:     schemas/cc13_manifest.xsd" in p.stdout
    assert "official: http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd  [installed:" in p.stdout
    p = subprocess.run([sys.executable, "-m", "cc_toolkit", "validate", "--schemas", str(dest), "--profile", "cc",
                        str(ROOT / "sample_packages" / "canvas_course.imscc")], capture_output=True, text=True, timeout=120)
    assert "XSD006" not in p.stdout and "Traceback" not in p.stderr
