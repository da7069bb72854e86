"""Rule families. Importing this package registers every rule."""
from . import reader, zip, identifiers, references, orphans, links, canvas  # noqa: F401
from . import quiz  # noqa: F401  (QTI quizzes and question banks)
from . import profile, schema  # noqa: F401  (CC profile rules, XSD validation)
