"""Rule families. Importing this package registers every rule."""
from . import reader, zip, identifiers, references, orphans, links, canvas  # noqa: F401
