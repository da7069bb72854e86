"""Codes the reader and the XML/HTML parser emit while reading a package."""
from ..registry import reader_rule

reader_rule("PKG002", "rule-crashed", "error",
            "A rule failed on this package; the finding names the rule (please report it).",
            "Report the package and the message; the other rules still ran.")
reader_rule("PKG003", "model-failed", "error",
            "A document could not be turned into the package model.",
            "Check the document against its schema; its content will be ignored by importers too.")
reader_rule("XML001", "not-well-formed", "error",
            "The document is not well-formed XML (or is empty); importers reject or skip it.",
            "Fix the syntax at the reported line (unclosed tag, stray '&', bad character).")
reader_rule("XML002", "encoding-mismatch", "error",
            "The declared encoding does not match the bytes (wrong declaration, byte-order mark, invalid UTF-8).",
            "Save the file as UTF-8 and declare encoding=\"UTF-8\", or fix the declaration.")
reader_rule("XML003", "illegal-character", "error",
            "A control character that XML 1.0 forbids (U+0000-U+001F except tab, LF, CR).",
            "Remove the character; it usually comes from text pasted from another program.")
reader_rule("XML004", "dtd-entities", "warning",
            "The DOCTYPE declares entities; they were not expanded (entity expansion is a known attack).",
            "Remove the DOCTYPE; Common Cartridge documents need none.")
reader_rule("XML005", "document-too-large", "error",
            "The document is larger than the parse limit and was not checked.",
            "Raise --max-xml-size if the file is genuine.")
reader_rule("XML006", "bad-namespace-uri", "warning",
            "A namespace declaration is not a valid URI (e.g. 'http: //...'); strict parsers reject the file.",
            "Correct the xmlns attribute value.")
reader_rule("HTM001", "binary-html", "warning",
            "A file named .html/.htm holds binary data.",
            "Give the file its real extension or replace it with the intended page.")
reader_rule("HTM002", "html-not-utf8", "warning",
            "An HTML file is not valid UTF-8; Canvas reads pages as UTF-8 and will show mojibake.",
            "Re-save the page as UTF-8.")
reader_rule("ZIP016", "prepended-data", "warning",
            "Data precedes the first zip entry (self-extracting stub or concatenated files).",
            "Re-create the archive without the prefix.")
