"""cc_toolkit: inspect, validate and audit Canvas LMS content exports."""
__version__ = "0.1.0"

__all__ = ["open_package", "validate", "audit", "diff", "__version__"]


def __getattr__(name):  # the API loads lazily so `import cc_toolkit` stays cheap
    if name in ("open_package", "validate", "audit", "diff"):
        from . import api

        return getattr(api, name)
    raise AttributeError(name)
