"""cc-toolkit audit: Canvas identifiers, select parsing in every form, and packages built from requests."""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest

from cc_toolkit.audit import audit, parse_select
from cc_toolkit.canvas_ids import create_key
from cc_toolkit.export_sim import export_members, files_listing
from cc_toolkit.samples import Page, sample_course, write_zip

from .conftest import CORPUS, SAMPLES, corpus_required


# -- identifiers -------------------------------------------------------------------------------------

def test_identifier_vectors_local():
    assert create_key("wiki_page", 5) == "i65ed31dd97cc93f9f677393809156247"
    assert create_key("quiz", 7) == "i0044e48e461bbddba99425a314829dce"
    assert create_key("course", 42, "common_cartridge_") == "i0605cb165b98fe302bd466f3b7741d22"


@pytest.mark.parametrize("course,shard,expected", [
    (2272, 16855, "g75986ff2c3b234a05c4e640cf9fb4a2d"),   # decagondev web-s10.imscc (bloomtech)
    (9257, 4346, "gff36d082d03f4e56daf7d8dcf7354991"),    # atomicjolt canvas_multi.imscc
    (1112, 9262, "gde26de56da33d7af036fb1acae66dad3"),    # Formacion-Testing.imscc
])
def test_identifier_vectors_global_from_real_exports(course, shard, expected):
    assert create_key("course", course, "common_cartridge_", "g", shard) == expected


def test_global_ids_are_not_globalized_twice():
    assert create_key("wiki_page", 4346 * 10**13 + 5, mode="g", shard=4346) == create_key("wiki_page", 5, mode="g", shard=4346)
    assert create_key("wiki_page", 5, mode="g", shard=1) != create_key("wiki_page", 5, mode="g", shard=2)


@pytest.mark.parametrize("rel,shard", [("decagondev+web-s10/web-s10.imscc", 16855),
                                       ("atomicjolt+qti_to_learnosity_converter/canvas_multi.imscc", 4346)])
def test_shard_detected_and_confirmed_on_real_exports(rel, shard):
    corpus_required()
    r = audit(CORPUS / rel, {"select": {"everything": "1"}})
    assert (r.key_mode, r.shard) == ("g", shard)
    assert "confirmed by the manifest identifier" in r.shard_source
    assert r.ok and r.unexpected == []
    r.package.close()


# -- select parsing ------------------------------------------------------------------------------------

def _key(req):
    return sorted((r.collection, r.asset_string) for r in req.items)


def test_every_select_form_parses_the_same(tmp_path):
    want = [("attachments", "attachment_12"), ("quizzes", "quizzes:quiz_7"), ("wiki_pages", "wiki_page_5")]
    body = {"export_type": "common_cartridge", "select": {"pages": [5], "files": ["12"], "quizzes": [7]}}
    f = tmp_path / "req.json"
    f.write_text(json.dumps(body))
    forms = [
        parse_select(json.dumps(body)),
        parse_select(json.dumps(body["select"])),
        parse_select(str(f)),
        parse_select("select[pages][]=5&select[files][]=12&select[quizzes][]=7&export_type=common_cartridge"),
        parse_select(None, ("pages=5", "files=12", "quizzes=7")),
        parse_select('{"select": {"wiki_pages": {"wiki_page_5": "1"}, "attachments": {"attachment_12": true}, '
                     '"quizzes": {"quizzes:quiz_7": 1}}}'),
    ]
    for req in forms:
        assert _key(req) == want
        assert req.warnings == []
    assert forms[0].export_type == forms[3].export_type == "common_cartridge"


def test_request_warnings():
    req = parse_select('{"export_type": "common_cartridge", "select": {"pagez": [1], "pages": ["five", 6], '
                       '"folders": [3], "assignments": {"9": "1"}, "all_widgets": "1"}}')
    text = "\n".join(req.warnings)
    assert "unknown select key 'pagez'" in text
    assert "'five' is not a number" in text
    assert "select[folders] only works for zip exports" in text
    assert "dict form needs full asset strings (e.g. assignment_9)" in text
    assert "unknown flag 'all_widgets'" in text
    assert _key(req) == [("folders", "folder_3"), ("wiki_pages", "wiki_page_6")]
    qti = parse_select("select[pages][]=5&select[quizzes][]=7", export_type="qti")
    assert any("contains only quizzes; pages will not be in it" in w for w in qti.warnings)


def test_bad_select_is_a_usage_error():
    with pytest.raises(ValueError, match="not valid JSON"):
        parse_select("{oops")
    with pytest.raises(ValueError, match="TYPE=ID"):
        parse_select(None, ("pages5",))


# -- packages built from requests ------------------------------------------------------------------------

def _package(tmp_path, course, select, export_type="common_cartridge", name="export.imscc"):
    p = tmp_path / name
    write_zip(p, export_members(course, parse_select(select, export_type=export_type), export_type))
    return p


def _ids(entries):
    return sorted((e.type, e.identifier) for e in entries)


def test_exact_match_exit_0(tmp_path):
    sel = "select[pages][]=5&select[pages][]=6&select[quizzes][]=7&select[assignments][]=3"
    r = audit(_package(tmp_path, sample_course(), sel), sel)
    assert r.ok and r.missing == [] and r.unexpected == []
    assert _ids(r.present) == sorted([("wiki_pages", create_key("wiki_page", 5)), ("wiki_pages", create_key("wiki_page", 6)),
                                      ("quizzes", create_key("quiz", 7)), ("assignments", create_key("assignment", 3))])
    # the two files linked from the selected pages came along as dependencies, not strays
    files = [e for e in r.dependencies if e.type == "attachments"]
    assert sorted(e.title for e in files) == ["web_resources/handouts/reading list.pdf", "web_resources/images/logo.png"]
    assert {e.reason for e in files} == {"linked from wiki_page 'Welcome'", "linked from wiki_page 'Syllabus'"}


def test_selected_page_missing(tmp_path):
    course = sample_course()
    course.pages = [p for p in course.pages if p.id != 6]  # Canvas failed to export page 6
    sel = {"select": {"pages": [5, 6]}}
    r = audit(_package(tmp_path, course, json.dumps(sel)), sel)
    assert not r.ok
    assert [(e.type, e.id, e.identifier) for e in r.missing] == [("wiki_pages", "6", "i445b55f0bff78377b28a68adc413a884")]


def test_unselected_page_is_unexpected(tmp_path):
    course = sample_course()
    course.pages.append(Page(99, "Stray", "<p>nobody links here</p>"))
    members = export_members(course, parse_select("select[pages][]=5"), "common_cartridge")
    # the stray page is in the package although only page 5 was asked for
    full = dict(export_members(course, parse_select("select[pages][]=5&select[pages][]=99"), "common_cartridge"))
    members = [(n, full[n] if n == "imsmanifest.xml" else d) for n, d in members] + \
        [("wiki_content/stray.html", full["wiki_content/stray.html"])]
    p = tmp_path / "stray.imscc"
    write_zip(p, members)
    r = audit(p, "select[pages][]=5")
    assert [(e.type, e.identifier, e.title) for e in r.unexpected] == [("wiki_pages", create_key("wiki_page", 99), "Stray")]
    assert r.missing == []


def test_module_brings_its_items(tmp_path):
    sel = "select[modules][]=1"
    r = audit(_package(tmp_path, sample_course(), sel), sel)
    assert r.ok
    assert _ids(r.present) == [("context_modules", create_key("context_module", 1))]
    reasons = {(e.type, e.identifier): e.reason for e in r.dependencies}
    assert reasons[("content_tags", create_key("content_tag", 201))] == "item of selected module 'Week 1'"
    assert reasons[("wiki_pages", create_key("wiki_page", 5))] == "content of item 'Welcome' in selected module 'Week 1'"
    assert reasons[("assignments", create_key("assignment", 3))] == "content of item 'Essay 1' in selected module 'Week 1'"


def test_graded_quiz_satisfies_its_assignment(tmp_path):
    import zipfile

    quiz_meta = create_key("quiz", 7) + "/assessment_meta.xml"
    p = _package(tmp_path, sample_course(), "select[quizzes][]=7")
    members = [(i.filename, zipfile.ZipFile(p).read(i)) for i in zipfile.ZipFile(p).infolist()]
    members = [(n, d.replace(b"<quiz_type>", f'<assignment identifier="{create_key("assignment", 40)}"/>\n<quiz_type>'.encode())
                if n == quiz_meta else d) for n, d in members]
    write_zip(p, members)
    r = audit(p, "select[assignments][]=40")
    assert [(e.type, e.identifier) for e in r.present] == [("assignments", create_key("assignment", 40))]
    assert "exported inside graded quiz" in r.present[0].reason
    assert r.unexpected == []


def test_qti_export(tmp_path):
    sel = "select[quizzes][]=7"
    p = _package(tmp_path, sample_course(), sel, "qti", "qti.zip")
    r = audit(p, sel, export_type="qti")
    assert r.ok and _ids(r.present) == [("quizzes", create_key("quiz", 7))]
    r = audit(p, "select[quizzes][]=7&select[quizzes][]=8", export_type="qti")
    assert [e.identifier for e in r.missing] == [create_key("quiz", 8)]


def test_zip_export_with_files_listing(tmp_path):
    course = sample_course()
    listing = tmp_path / "files.json"
    listing.write_text(json.dumps(files_listing(course)))
    sel = "select[files][]=12&select[files][]=13"
    p = _package(tmp_path, course, sel, "zip", "files.zip")
    r = audit(p, sel, export_type="zip", files_listing=listing)
    assert r.ok and sorted(e.identifier for e in r.present) == ["handouts/reading list.pdf", "images/logo.png"]
    p2 = _package(tmp_path, course, "select[files][]=12", "zip", "one.zip")
    r = audit(p2, sel, export_type="zip", files_listing=listing)
    assert [(e.id, e.title) for e in r.missing] == [("13", "course files/handouts/reading list.pdf")]


def test_zip_export_needs_listing(tmp_path):
    p = _package(tmp_path, sample_course(), "select[files][]=12", "zip", "f.zip")
    proc = subprocess.run([sys.executable, "-m", "cc_toolkit", "audit", str(p), "--item", "files=12",
                           "--export-type", "zip"], capture_output=True, text=True)
    assert proc.returncode == 2 and "--files-listing" in proc.stderr and proc.stderr.count("\n") == 1


def test_global_keys_shard_from_manifest_id(tmp_path):
    course = dataclasses.replace(sample_course(), mode="g", shard=17)
    members = [(n, d) for n, d in export_members(course, parse_select("select[pages][]=5"), "common_cartridge")
               if n != "course_settings/context.xml"]
    p = tmp_path / "g.imscc"
    write_zip(p, members)
    r = audit(p, "select[pages][]=5", course_id=42)
    assert (r.key_mode, r.shard) == ("g", 17) and r.shard_source == "manifest identifier of course 42"
    assert [e.identifier for e in r.present] == [create_key("wiki_page", 5, mode="g", shard=17)]


def test_cli_audit_json_and_exit_codes(tmp_path):
    sel = tmp_path / "sel.json"
    sel.write_text(json.dumps({"export_type": "common_cartridge", "select": {"pages": [5], "quizzes": [7, 70]}}))
    p = subprocess.run([sys.executable, "-m", "cc_toolkit", "audit", str(SAMPLES / "canvas_course.imscc"),
                        "--select", str(sel), "--format", "json"], capture_output=True, text=True)
    assert p.returncode == 1
    d = json.loads(p.stdout)
    assert d["key_mode"] == "i" and d["shard"] == 0
    assert d["missing"] == [{"type": "quizzes", "id": "70", "identifier": create_key("quiz", 70), "title": None,
                             "reason": "not in the package: Canvas wrote no object with this identifier (deleted, "
                                       "wrong id, or export error)"}]
    assert d["summary"] == {"requested": 3, "present": 2, "missing": 1, "dependencies": 2, "unexpected": 14,
                            "request_warnings": 0}
    assert {e["type"] for e in d["unexpected"]} >= {"assignments", "context_modules", "announcements"}
    p = subprocess.run([sys.executable, "-m", "cc_toolkit", "audit", str(SAMPLES / "canvas_course.imscc"),
                        "--select", '{"select": {"everything": true}}'], capture_output=True, text=True)
    assert p.returncode == 0 and "matches the request" in p.stdout
