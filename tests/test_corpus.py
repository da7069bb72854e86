"""Every real package in ../shared/corpus: no crash, honest counts, and the known defects that
SOURCES.md describes produce the matching codes."""
from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections import Counter

import pytest

from cc_toolkit.check.engine import run
from cc_toolkit.errors import PackageError
from cc_toolkit.model.build import load

from .conftest import CORPUS, corpus_required

PACKAGES = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in (".imscc", ".zip", ".xml", ".gz")) \
    if CORPUS.is_dir() else []
IDS = [str(p.relative_to(CORPUS)) for p in PACKAGES]


def test_corpus_present():
    root = corpus_required()
    assert len(list(root.rglob("*.imscc"))) >= 20


@pytest.mark.parametrize("path", PACKAGES, ids=IDS)
def test_no_crash_and_resource_count(path):
    try:
        result = run(path)
    except PackageError as exc:
        msg = str(exc)
        assert "\n" not in msg and str(path) in msg
        return
    pkg = result.package
    assert all(f.severity is not None and f.code for f in result.findings)
    if pkg.manifest is not None:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                data = z.read("imsmanifest.xml")
        else:
            data = path.read_bytes()
        text = re.sub(rb"<!--.*?-->", b"", data, flags=re.S)
        expected = len(re.findall(rb"<(?:[\w.-]+:)?resource\b", text))
        assert len(pkg.manifest.resources) == expected
    pkg.close()


def codes(rel: str, **kw) -> Counter:
    corpus_required()
    r = run(CORPUS / rel, **kw)
    r.package.close()
    return r


# file -> {code: minimum count} for defects that SOURCES.md describes
KNOWN = {
    "instructure+common_cartridge/canvas_small_1.1.imscc": {"ID001": 1, "REF004": 1},
    "instructure+common_cartridge/canvas_small_1.1.corrupt.imscc": {"REF004": 16},
    "HotChalk+canvas-lms/spec/fixtures/migration/cc_full_test.zip": {"ID001": 1, "REF004": 1},
    "andrewpetraccabc+Formacion-Testing/Formacion-Testing.imscc": {"REF004": 64},
    "bfcoder+compare-exports/compare-exports_master.imscc": {"REF001": 2, "ID002": 1},
    "instructure+common-cartridge-viewer/canvas_cc_gem_course.imscc": {"ID002": 1},
    "openedx+cc2olx/main.imscc": {"ID001": 1},
    "HotChalk+canvas-lms/gems/plugins/qti_exporter/spec_canvas/fixtures/canvas_respondus_question_types.zip": {"REF004": 1},
    "HotChalk+canvas-lms/gems/canvas_unzip/spec/fixtures/evil.zip": {"ZIP002": 2, "ZIP011": 1},
    "OpenLearningNet+imscc-packager/canvas_quiz_only.zip": {"ID002": 1},
    "HotChalk+canvas-lms/spec/fixtures/migration/canvas_cc_utf16_error.zip": {"XML002": 1},
    "HotChalk+canvas-lms/spec/fixtures/migration/canvas_cc_minimum.zip": {"REF004": 1},
    "openedx+cc2olx/corner_cases.imscc": {"REF004": 1},
}


@pytest.mark.parametrize("rel", sorted(KNOWN))
def test_known_defects(rel):
    corpus_required()
    r = run(CORPUS / rel)
    got = Counter(f.code for f in r.findings)
    r.package.close()
    for code, n in KNOWN[rel].items():
        assert got[code] >= n, (code, got)


def test_known_defect_details():
    corpus_required()
    r = run(CORPUS / "bfcoder+compare-exports/compare-exports_master.imscc")
    dangling = sorted(f.message.split("missing resource ")[1] for f in r.findings if f.code == "REF001")
    assert dangling == ["'_10669074_1'", "'_10669076_1'"]
    r = run(CORPUS / "instructure+common_cartridge/canvas_small_1.1.imscc")
    assert [f.identifier for f in r.findings if f.code == "ID001"] == ["I_00010"]
    assert any("I_00008_R.xml" in f.message for f in r.findings if f.code == "REF004")
    r = run(CORPUS / "HotChalk+canvas-lms/gems/canvas_unzip/spec/fixtures/evil.zip")
    assert sorted(f.file for f in r.findings if f.code == "ZIP002") == ["../outside.txt", "tricky/../../outside.txt"]
    assert r.package.kind == "files_zip"


def test_kinds_and_versions():
    corpus_required()
    expect = {
        "commonsyllabi+commoncartridge/ThinCC_SU21_IM-UH_1011_AD_001_202242408.imscc": ("common_cartridge", "1.3", False),
        "HotChalk+canvas-lms/spec/fixtures/migration/package_identifier/cc1-0.zip": ("common_cartridge", "1.0", False),
        "HotChalk+canvas-lms/spec/fixtures/migration/package_identifier/cc1-2.zip": ("common_cartridge", "1.2", False),
        "commonsyllabi+commoncartridge/sample-public-sandbox-course-export.imscc": ("common_cartridge", "1.1", True),
        "openedx+cc2olx/canvas_large_1.3.imscc": ("common_cartridge", "1.3", True),
        "instructure+qti/test_qti_1.2_canvas.zip": ("qti", None, True),
        "instructure+qti/test_qti_1.2.zip": ("qti", None, False),
        "Daniel-Stern-98+HW1/course_files_export.zip": ("files_zip", None, False),
    }
    for rel, (kind, version, canvas) in expect.items():
        pkg = load(CORPUS / rel)
        assert (pkg.kind, pkg.cc_version, pkg.canvas) == (kind, version, canvas), rel
        pkg.close()
    assert load(CORPUS / "commonsyllabi+commoncartridge/ThinCC_SU21_IM-UH_1011_AD_001_202242408.imscc").thin


@pytest.mark.parametrize("rel,needle", [
    ("HotChalk+canvas-lms/gems/plugins/moodle_importer/spec_canvas/fixtures/moodle_backup_1_9.zip", "Moodle backup"),
    ("instructure+qti/test_qti_2.2.zip", "QTI 2.x"),
    ("HotChalk+canvas-lms/spec/fixtures/migration/package_identifier/invalid.zip", "not"),
    ("HotChalk+canvas-lms/spec/fixtures/migration/cc_default_qb_test.tar.gz", "gzip"),
    ("HotChalk+canvas-lms/spec/fixtures/migration/package_identifier/scorm1-3.zip", "IMS content package"),
])
def test_not_packages_exit_2_with_one_line(rel, needle):
    corpus_required()
    p = subprocess.run([sys.executable, "-m", "cc_toolkit", "validate", str(CORPUS / rel)],
                       capture_output=True, text=True)
    assert p.returncode == 2
    assert p.stdout == ""
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in p.stderr


def test_cli_over_whole_corpus_exit_codes():
    """Every corpus package through the real command: exit 0, 1 or 2, never a traceback."""
    corpus_required()
    for path in PACKAGES:
        p = subprocess.run([sys.executable, "-m", "cc_toolkit", "validate", "--format", "json", str(path)],
                           capture_output=True, text=True, timeout=120)
        assert p.returncode in (0, 1, 2), path
        assert "Traceback" not in p.stderr, (path, p.stderr)
        if p.returncode == 2:
            assert len(p.stderr.strip().splitlines()) == 1
