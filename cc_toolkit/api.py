"""The Python API: the same objects the command line prints.

    import cc_toolkit
    pkg = cc_toolkit.open_package("course.imscc")     # the model: pkg.pages, pkg.quizzes, pkg.modules, ...
    result = pkg.validate(fail_on="warning")           # findings, summary(), failed()
    report = pkg.audit({"select": {"pages": [5]}})      # present / missing / dependencies / unexpected
    changes = cc_toolkit.diff("old.imscc", "new.imscc")
"""
from __future__ import annotations

from .check.engine import Config, Result, run
from .finding import Severity
from .model.build import load
from .model.package import Package


class OpenPackage:
    """A package opened for reading; attribute access falls through to the model (`Package`)."""

    def __init__(self, path, **load_options):
        self.path = str(path)
        self.model: Package = load(path, **load_options)

    def __getattr__(self, name):
        return getattr(self.model, name)

    def validate(self, fail_on: str = "error", ignore=(), profile: str | None = None, **config) -> Result:
        cfg = Config(fail_on=Severity.parse(fail_on), ignore=frozenset(ignore), **config)
        if profile is not None and hasattr(cfg, "profile"):
            cfg.profile = profile
        result = run(self.path, cfg)
        result.package.close()
        return result

    def audit(self, select, **options):
        from .audit import audit

        result = audit(self.path, select, **options)
        result.package.close()
        return result

    def close(self) -> None:
        self.model.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_package(path, **load_options) -> OpenPackage:
    return OpenPackage(path, **load_options)


def validate(path, config: Config | None = None) -> Result:
    return run(path, config)


def audit(package, select, **options):
    from .audit import audit as _audit

    return _audit(package, select, **options)


def diff(old, new):
    from .diff import diff as _diff

    return _diff(old, new)
