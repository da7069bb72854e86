"""cc_toolkit: inspect, validate and audit Canvas LMS content exports."""
__version__ = "0.1.0"


def open_package(path, **kwargs):
    """Read and model a package (zip, folder or bare manifest). See cc_toolkit.model.package.Package."""
    from .model.build import load

    return load(path, **kwargs)


def validate(path, config=None):
    """Validate a package; returns a Result with `.package`, `.findings` and `.summary()`."""
    from .check.engine import run

    return run(path, config)
