from cc_toolkit.report.catalog import markdown

from .conftest import ROOT


def test_readme_embeds_current_rule_catalog():
    assert markdown() in (ROOT / "README.md").read_text(encoding="utf-8"), \
        "README rule catalog is stale: paste the output of `python -m cc_toolkit.report.catalog`"


def test_readme_starts_with_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for cmd in ("pip install . && cc-toolkit validate sample_packages/canvas_course.imscc",
                "pip install '.[test]' && pytest"):
        assert cmd in text[:1500] and cmd in ci


def test_readme_examples_are_real_output():
    """Every offline `$ cc-toolkit ...` example in the README prints exactly what the command prints now."""
    import subprocess
    import sys

    p = subprocess.run([sys.executable, str(ROOT / "tools" / "readme_examples.py"), "--check"], capture_output=True,
                       text=True, timeout=600)
    assert p.returncode == 0, p.stdout[-4000:]
