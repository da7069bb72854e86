"""The command line as a user runs it: exit codes, output formats, one-line errors."""
from __future__ import annotations

import json
import subprocess
import sys

from .conftest import SAMPLES


def cli(*args):
    return subprocess.run([sys.executable, "-m", "cc_toolkit", *map(str, args)], capture_output=True, text=True)


def test_validate_clean_exit_0_text():
    p = cli("validate", SAMPLES / "canvas_course.imscc")
    assert p.returncode == 0
    assert p.stdout.strip().endswith("common_cartridge, CC 1.1, Canvas export: 0 errors, 0 warnings, 0 info")


def test_validate_broken_exit_1_and_json_shape():
    p = cli("validate", SAMPLES / "broken_course.imscc", "--format", "json")
    assert p.returncode == 1
    data = json.loads(p.stdout)
    assert data["package"] == {"path": str(SAMPLES / "broken_course.imscc"), "kind": "common_cartridge",
                               "cc_version": "1.1", "canvas": True, "thin": False}
    assert data["summary"] == {"error": 13, "warning": 8, "info": 0}
    f = next(f for f in data["findings"] if f["code"] == "ID002")
    assert f == {"code": "ID002", "severity": "error", "message": "identifier '1bad' is not a valid xs:ID",
                 "file": "imsmanifest.xml", "line": 69, "column": None, "identifier": "1bad"}


def test_fail_on_levels():
    broken = SAMPLES / "broken_course.imscc"
    assert cli("validate", broken, "--ignore", "ZIP", "--ignore", "XML", "--ignore", "REF", "--ignore", "ID",
               "--ignore", "EXP", "--ignore", "LNK001").returncode == 0  # only warnings left
    assert cli("validate", broken, "--ignore", "ZIP", "--ignore", "XML", "--ignore", "REF", "--ignore", "ID",
               "--ignore", "EXP", "--ignore", "LNK001", "--fail-on", "warning").returncode == 1


def test_usage_errors_exit_2():
    assert cli("validate").returncode == 2
    p = cli("validate", SAMPLES / "canvas_course.imscc", "--ignore", "NOPE1")
    assert p.returncode == 2 and "unknown rule code" in p.stderr
    p = cli("validate", SAMPLES / "canvas_course.imscc", "--fail-on", "fatal")
    assert p.returncode == 2
    # an option without its value: the hint names the subcommand, although click gives no context then
    p = cli("validate", SAMPLES / "canvas_course.imscc", "--ignore")
    assert p.returncode == 2 and p.stderr == ("cc-toolkit: error: Option '--ignore' requires an argument. "
                                              "(see `cc-toolkit validate --help`)\n")
    p = cli("exports", "download", "course", "1", "2", "--download-timeout")
    assert p.returncode == 2 and p.stderr.endswith("(see `cc-toolkit exports download --help`)\n")


def test_unreadable_inputs_one_line_exit_2(tmp_path):
    junk = tmp_path / "junk.imscc"
    junk.write_bytes(b"this is not a zip at all")
    empty = tmp_path / "empty.zip"
    empty.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    trunc = tmp_path / "trunc.imscc"
    trunc.write_bytes((SAMPLES / "canvas_course.imscc").read_bytes()[:3000])
    for path, needle in ((tmp_path / "missing.imscc", "no such file"), (junk, "not a zip"), (empty, "empty"),
                         (trunc, "zip")):
        p = cli("validate", path)
        assert p.returncode == 2, path
        assert p.stderr.count("\n") == 1 and needle in p.stderr and "Traceback" not in p.stderr


def test_inspect_json_shape():
    p = cli("inspect", SAMPLES / "canvas_course.imscc", "--format", "json")
    assert p.returncode == 0
    d = json.loads(p.stdout)
    assert d["title"] == "Sample Course"
    assert d["counts"] == {"resources": 13, "files": 20, "modules": 2, "pages": 2, "assignments": 1, "quizzes": 1,
                           "web_links": 1, "discussion_topics": 1, "announcements": 1, "course_files": 2,
                           "organization_items": 10}
    r = next(r for r in d["resources"] if r["identifier"] == "i0044e48e461bbddba99425a314829dce")
    assert r["type"] == "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"
    assert r["files"] == ["i0044e48e461bbddba99425a314829dce/assessment_qti.xml"]
    assert len(r["dependencies"]) == 1
    week1 = d["organizations"][0]["items"][0]["children"][0]
    assert week1["title"] == "Week 1" and [c["title"] for c in week1["children"]] == ["Welcome", "Essay 1", "Extra"]


def test_inspect_text_tree_and_files_zip():
    p = cli("inspect", SAMPLES / "canvas_course.imscc")
    assert "  - Week 2 (4 items)" in p.stdout and "Quiz 1 [i0044e48e461bbddba99425a314829dce] 3 questions" in p.stdout
    p = cli("inspect", SAMPLES / "course_files_export.zip", "--format", "json")
    d = json.loads(p.stdout)
    assert d["package"]["kind"] == "files_zip"
    assert [f["path"] for f in d["files"]] == ["course files/images/logo.png", "course files/handouts/reading list.pdf",
                                               "course files/handouts/notes.html"]


def test_folder_and_bare_manifest(tmp_path):
    import zipfile

    with zipfile.ZipFile(SAMPLES / "canvas_course.imscc") as z:
        z.extractall(tmp_path / "course")  # our own trusted sample
    p = cli("validate", tmp_path / "course")
    assert p.returncode == 0 and "0 errors, 0 warnings, 0 info" in p.stdout
    p = cli("validate", tmp_path / "course" / "imsmanifest.xml")
    assert p.returncode == 0 and "PKG005" in p.stdout


def test_rules_command_lists_registry():
    p = cli("rules")
    codes = [line.split()[0] for line in p.stdout.splitlines()]
    assert "REF004" in codes and "ZIP002" in codes and codes == sorted(codes)
