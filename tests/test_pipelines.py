"""Fitting CI pipelines: JUnit, SARIF, GitHub annotations, configuration, baselines, explain, diff, the
Python API, the pytest plugin and the HTML report (rendered in a real headless Chromium)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

import cc_toolkit
from cc_toolkit.check.registry import all_rules
from cc_toolkit.pytest_plugin import PackageInvalid, assert_valid_package

from .conftest import CORPUS, SAMPLES, corpus_required

BROKEN = SAMPLES / "broken_course.imscc"
CLEAN = SAMPLES / "canvas_course.imscc"


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "cc_toolkit", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_junit_for_validate():
    p = cli("validate", BROKEN, "--format", "junit")
    assert p.returncode == 1
    root = etree.fromstring(p.stdout.encode())
    suite = root.find("testsuite")
    assert suite.get("name") == str(BROKEN)
    assert suite.get("failures") == "13"  # the 13 errors; warnings pass with their text in system-out
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases) == 21 + (len(all_rules()) - 17)  # findings + clean rules
    id2 = [c for c in cases if c.get("name") == "ID002 imsmanifest.xml:69 [1bad]"]
    assert id2[0].find("failure").get("message") == "identifier '1bad' is not a valid xs:ID"
    clean = [c for c in cases if c.get("name") == "ZIP013 entry-over-limit"]
    assert clean and clean[0].find("failure") is None


def test_sarif_for_validate():
    log = json.loads(cli("validate", BROKEN, "--format", "sarif").stdout)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in all_rules()]
    assert all(r["help"]["text"] and r["shortDescription"]["text"] for r in rules)
    res = next(r for r in run["results"] if r["ruleId"] == "LNK001")
    loc = res["locations"][0]["physicalLocation"]
    art = run["artifacts"][loc["artifactLocation"]["index"]]
    assert art == {"location": {"uri": "wiki_content/links.html"}, "parentIndex": 0}
    assert run["artifacts"][0]["location"]["uri"] == str(BROKEN)
    assert loc["region"] == {"startLine": 10, "startColumn": 6} and res["level"] == "error"  # <img src=... at column 6
    assert rules[res["ruleIndex"]]["id"] == "LNK001"


def test_github_annotations():
    out = cli("validate", BROKEN, "--format", "github").stdout.splitlines()
    assert f"::error file={BROKEN},title=ID002 in imsmanifest.xml%3A69::imsmanifest.xml:69: identifier '1bad' is not a valid xs:ID" in out
    assert sum(1 for l in out if l.startswith("::warning ")) == 8


def test_audit_formats():
    j = etree.fromstring(cli("audit", CLEAN, "--item", "pages=5", "--item", "quizzes=70", "--format", "junit").stdout.encode())
    suite = j.find("testsuite")
    assert int(suite.get("failures")) == 1 + 15  # one missing quiz, 15 unexpected objects
    s = json.loads(cli("audit", CLEAN, "--item", "quizzes=70", "--format", "sarif").stdout)
    assert [r["ruleId"] for r in s["runs"][0]["results"]].count("AUD001") == 1
    g = cli("audit", CLEAN, "--item", "quizzes=70", "--format", "github").stdout
    assert "::error file=" in g and "title=missing quizzes" in g


def test_config_file_and_pyproject(tmp_path):
    (tmp_path / ".cc-toolkit.toml").write_text(
        'fail-on = "warning"\nignore = ["ZIP", "XML", "REF", "ID", "EXP"]\n'
        '[severity]\nLNK001 = "info"\n[per-path-ignores]\n"web_resources/*" = ["ORP001"]\n')
    p = cli("validate", BROKEN, "--format", "json", cwd=tmp_path)
    d = json.loads(p.stdout)
    codes = {(f["code"], f["severity"]) for f in d["findings"]}
    assert ("LNK001", "info") in codes and not any(c.startswith(("ZIP", "XML", "REF")) for c, _ in codes)
    # the glob covers web_resources/...; the backslash name is not inside that folder for a zip reader
    assert [f["file"] for f in d["findings"] if f["code"] == "ORP001"] == ["../evil.txt", "web_resources\\windows.txt"]
    assert p.returncode == 1  # fail-on warning from the file: LNK002/LNK004/LNK005/ZIP007... warnings remain
    assert cli("validate", BROKEN, "--fail-on", "error", cwd=tmp_path).returncode == 0  # the option wins
    (tmp_path / ".cc-toolkit.toml").unlink()
    (tmp_path / "pyproject.toml").write_text('[tool.cc-toolkit]\nignore = ["LNK"]\nbogus = 1\n')
    p = cli("validate", CLEAN, cwd=tmp_path)
    assert p.returncode == 2 and "unknown setting(s) bogus" in p.stderr


def test_baseline_accepts_known_findings_only(tmp_path):
    base = tmp_path / "baseline.json"
    p = cli("validate", BROKEN, "--write-baseline", base)
    assert p.returncode == 1 and "wrote 21 findings" in p.stderr
    p = cli("validate", BROKEN, "--baseline", base)
    assert p.returncode == 0 and "0 errors, 0 warnings, 0 info" in p.stdout
    # a new problem is still reported
    import zipfile

    newer = tmp_path / "newer.imscc"
    with zipfile.ZipFile(BROKEN) as src, zipfile.ZipFile(newer, "w") as dst:
        for i in src.infolist():
            dst.writestr(i, src.read(i))
        dst.writestr("another/../../slip.txt", b"x")
    p = cli("validate", newer, "--baseline", base, "--format", "json")
    d = json.loads(p.stdout)
    assert p.returncode == 1
    assert sorted((f["code"], f["file"]) for f in d["findings"]) == [("ORP001", "another/../../slip.txt"),
                                                                     ("ZIP002", "another/../../slip.txt")]


def test_explain_and_rules_formats():
    p = cli("explain", "ref004")
    assert p.returncode == 0
    assert "REF004  file-missing  (default severity: error" in p.stdout and "How to fix it:" in p.stdout
    assert "Example:" in p.stdout
    assert cli("explain", "NOPE9").returncode == 2
    rules = json.loads(cli("rules", "--format", "json").stdout)
    assert {r["code"] for r in rules} == {r.code for r in all_rules()}


def test_every_rule_explains_with_an_example_line():
    """`explain` shows a finding line for every code, with the code's own default severity."""
    from cc_toolkit.report.explain import EXAMPLES, explain_text

    for r in all_rules():
        assert f" {r.severity} {r.code} " in EXAMPLES[r.code], r.code
        assert "Example:\n  " + EXAMPLES[r.code] in explain_text(r)
    assert set(EXAMPLES) == {r.code for r in all_rules()}  # no example for a code that does not exist


def test_diff_commands(tmp_path):
    assert cli("diff", CLEAN, CLEAN).returncode == 0
    p = cli("diff", CLEAN, BROKEN, "--format", "json")
    d = json.loads(p.stdout)
    assert p.returncode == 1
    assert {(c["kind"], c["type"], c["title"]) for c in d["objects"]} >= {("added", "wiki_pages", "Links"),
                                                                       ("changed", "discussion_topics", "Introductions")}
    assert {"kind": "added", "type": "file", "identifier": "web_resources/stray.txt", "title": None} in d["files"]


def test_diff_same_course_exported_twice():
    corpus_required()
    r = cc_toolkit.diff(CORPUS / "bfcoder+compare-exports/compare-exports_master.imscc",
                        CORPUS / "bfcoder+compare-exports/compare-exports_next.imscc")
    kinds = [c.kind for c in r.objects]
    assert kinds.count("identifier-changed") == 8 and kinds.count("added") == kinds.count("removed") == 0
    quiz = next(c for c in r.objects if c.type == "quizzes" and c.title == "Ima Test")
    assert (quiz.old_identifier, quiz.identifier) == ("b4b003ede98adc5707b38ef7a7581faf", "ee6769f928eb51bd6c958a9a5c7d68ce")


def test_python_api():
    with cc_toolkit.open_package(CLEAN) as pkg:
        assert pkg.kind == "common_cartridge" and [p.title for p in pkg.pages] == ["Welcome", "Syllabus"]
        assert pkg.validate(fail_on="warning").summary() == {"error": 0, "warning": 0, "info": 0}
        a = pkg.audit({"select": {"pages": [5]}})
        assert [e.title for e in a.present] == ["Welcome"]
    r = cc_toolkit.validate(BROKEN)
    assert r.failed(r.config.fail_on) and len(r.findings) == 21


def test_pytest_plugin_helper_and_entry_point():
    assert assert_valid_package(CLEAN, fail_on="warning").summary()["error"] == 0
    with pytest.raises(PackageInvalid) as exc:
        assert_valid_package(BROKEN, fail_on="warning")
    msg = str(exc.value)
    assert msg.startswith(f"{BROKEN}: 21 finding(s) at or above warning:")
    assert "  imsmanifest.xml:69: error ID002 identifier '1bad' is not a valid xs:ID" in msg
    from importlib.metadata import entry_points

    assert any(e.value == "cc_toolkit.pytest_plugin" for e in entry_points(group="pytest11"))


def test_pytest_plugin_fixture(cc_validate):
    assert cc_validate is assert_valid_package


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is required under CI=true (.ci/run installs Debian's chromium)")
    pytest.skip("chromium not installed")


def _dom(browser: str, url: str, tmp_path) -> str:
    p = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--no-first-run", "--disable-sync",
                        f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", url],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    return p.stdout


def test_html_report_in_headless_chromium(tmp_path):
    browser = _chromium()
    out = tmp_path / "report.html"
    p = cli("report", BROKEN, "-o", out, "--item", "pages=5", "--item", "quizzes=7")
    assert p.returncode == 1 and "wrote" in p.stdout
    html = out.read_text()
    assert "http://" not in html.split("<body>")[0] and "<link" not in html and 'src="http' not in html
    dom = etree.HTML(_dom(browser, out.as_uri(), tmp_path))
    text = lambda xp: "".join(dom.xpath(xp)).strip()  # noqa: E731
    assert text('//*[@id="n-error"]/text()') == "13" and text('//*[@id="n-warning"]/text()') == "8"
    assert text('//*[@id="shown"]/text()') == "21"
    rows = dom.xpath('//table[@id="findings"]/tbody/tr')
    assert any("identifier '1bad' is not a valid xs:ID" in "".join(r.itertext()) for r in rows)
    tree = ["".join(li.itertext()).split("\n")[0].strip() for li in dom.xpath('//ul[@id="tree"]/li/ul/li')]
    assert tree[:3] == ["WikiPage: Welcome error present", "Assignment: Essay 1 ok unexpected",
                        "ContextModuleSubHeader: Extra ok unexpected"]
    assert "The package does not match the request" in text('//*[@id="audit-summary"]/text()')
    # the filter script runs in the browser: only errors of one rule stay visible
    dom = etree.HTML(_dom(browser, out.as_uri() + "#severity=error&rule=LNK001", tmp_path))
    visible = [r for r in dom.xpath('//table[@id="findings"]/tbody/tr') if "hidden" not in (r.get("class") or "")]
    assert len(visible) == 2 and all(r.get("data-code") == "LNK001" for r in visible)
    assert "".join(dom.xpath('//*[@id="shown"]/text()')) == "2"


def test_usage_errors_are_one_line():
    for args in (["validate", "--format", "bogus", CLEAN], ["validate"], ["audit", CLEAN, "--item", "pages"],
                 ["audit", CLEAN, "--select", "select[pages][=5"], ["validate", CLEAN, "--fail-on", "fatal"]):
        p = cli(*args)
        assert p.returncode == 2, args
        assert p.stderr.count("\n") == 1 and p.stderr.startswith("cc-toolkit: error: "), (args, p.stderr)


def test_batch_formats_are_single_documents(tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"junk")
    p = cli("validate", SAMPLES, junk, "--format", "junit")
    suites = etree.fromstring(p.stdout.encode()).findall("testsuite")
    assert [s.get("name").rsplit("/", 1)[-1] for s in suites] == [
        "broken_course.imscc", "canvas_course.imscc", "canvas_quiz_export.zip", "course_files_export.zip", "junk.zip"]
    assert suites[-1].find("testcase/error") is not None and p.returncode == 2
    runs = json.loads(cli("validate", SAMPLES, "--format", "sarif").stdout)["runs"]
    assert len(runs) == 4 and sum(len(r["results"]) for r in runs) == 21
    items = json.loads(cli("validate", SAMPLES, junk, "--format", "json").stdout)
    assert [i.get("summary", {}).get("error") for i in items] == [13, 0, 0, 0, None] and "error" in items[-1]


def test_write_baseline_over_the_baseline_and_missing_config_baseline(tmp_path):
    base = tmp_path / "b.json"
    assert cli("validate", BROKEN, "--write-baseline", base).returncode == 1
    p = cli("validate", BROKEN, "--baseline", base, "--write-baseline", base)
    assert "wrote 21 findings" in p.stderr  # rewriting keeps every finding, not only new ones
    (tmp_path / ".cc-toolkit.toml").write_text('baseline = "not-yet.json"\n')
    p = cli("validate", CLEAN, cwd=tmp_path)
    assert p.returncode == 0 and "does not exist yet" in p.stderr
    (tmp_path / "bad.json").write_text('{"findings": 5}')
    p = cli("validate", CLEAN, "--baseline", tmp_path / "bad.json")
    assert p.returncode == 2 and "must be a list" in p.stderr
    p = cli("validate", CLEAN, "--write-baseline", tmp_path / "no" / "dir" / "b.json")
    assert p.returncode == 2 and "cannot write the baseline" in p.stderr and "internal error" not in p.stderr


def test_profile_from_config_file_and_option(tmp_path):
    (tmp_path / ".cc-toolkit.toml").write_text('profile = "cc"\n')
    strict = json.loads(cli("validate", CLEAN, "--format", "json", cwd=tmp_path).stdout)
    assert strict["summary"]["error"] > 0  # strict IMS conformance flags Canvas's own quiz layout
    lenient = json.loads(cli("validate", CLEAN, "--format", "json", "--profile", "canvas", cwd=tmp_path).stdout)
    assert lenient["summary"] == {"error": 0, "warning": 0, "info": 0}  # the option wins over the file


def test_json_outputs_match_their_published_schemas(tmp_path):
    """The JSON of validate and audit follows the versioned JSON Schemas shipped in the package."""
    jsonschema = pytest.importorskip("jsonschema")
    from importlib.resources import files

    folder = files("cc_toolkit.report") / "json_schemas"
    vschema = json.loads((folder / "validate-v1.schema.json").read_text())
    aschema = json.loads((folder / "audit-v1.schema.json").read_text())
    for pkg in (BROKEN, CLEAN, SAMPLES / "canvas_quiz_export.zip", SAMPLES / "course_files_export.zip"):
        jsonschema.validate(json.loads(cli("validate", pkg, "--format", "json").stdout), vschema)
    for line in cli("validate", SAMPLES, "--format", "jsonl").stdout.splitlines():
        jsonschema.validate(json.loads(line), vschema)
    audit = json.loads(cli("audit", CLEAN, "--item", "pages=5", "--item", "quizzes=70", "--format", "json").stdout)
    jsonschema.validate(audit, aschema)
    assert audit["missing"] and audit["dependencies"] and audit["unexpected"]
    bad = dict(audit, key_mode="x")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, aschema)
