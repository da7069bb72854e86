"""pytest plugin (entry point `pytest11`): check packages from a course-as-code repository's tests.

    from cc_toolkit.pytest_plugin import assert_valid_package

    def test_course_builds_clean():
        assert_valid_package("build/course.imscc", fail_on="warning")

or use the `cc_validate` fixture, which returns the same function.
"""
from __future__ import annotations

import pytest

from .check.engine import Config, run
from .errors import PackageError
from .finding import Severity


class PackageInvalid(AssertionError):
    pass


def assert_valid_package(path, fail_on: str = "error", ignore=()):
    """Fail the test with a readable list of findings at or above `fail_on`; return the result otherwise."""
    level = Severity.parse(fail_on)
    try:
        result = run(path, Config(fail_on=level, ignore=frozenset(ignore)))
    except PackageError as exc:
        raise PackageInvalid(f"{path}: cannot be read: {exc}") from None
    result.package.close()
    bad = [f for f in result.findings if f.severity >= level]
    if bad:
        lines = [f"{path}: {len(bad)} finding(s) at or above {fail_on}:"]
        for f in bad[:50]:
            where = (f.file or "-") + (f":{f.line}" if f.line else "")
            lines.append(f"  {where}: {f.severity} {f.code} {f.message}")
        if len(bad) > 50:
            lines.append(f"  ... and {len(bad) - 50} more")
        raise PackageInvalid("\n".join(lines))
    return result


@pytest.fixture
def cc_validate():
    """The assert_valid_package function, as a fixture."""
    return assert_valid_package
