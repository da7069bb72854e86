"""Errors that end a run with exit code 2: the input cannot be read at all, or the usage is wrong."""


class PackageError(Exception):
    """The input is not a package this tool can read. The message is one line for the user."""
