"""`cc-toolkit explain CODE`: the registry's text plus an example of the finding as it is printed."""
from __future__ import annotations

import textwrap

# One example finding per rule, as `validate` prints it (taken from the bundled samples and tests).
EXAMPLES = {
    "EXP001": 'imsmanifest.xml:107: error EXP001 Export errors for export 77: Failed to export wiki page "Broken page"',
    "HTM001": "wiki_content/b.html: warning HTM001 binary content in a file named as HTML",
    "HTM002": "wiki_content/p.html:2: warning HTM002 not valid UTF-8 (0xff at offset 4)",
    "HTM003": "wiki_content/p.html:2: warning HTM003 inline data URI of 600022 characters",
    "ID001": "imsmanifest.xml:66: error ID001 identifier 'ia8179e96178e0bbdb4960fd376725526' is already used at line 61",
    "ID002": "imsmanifest.xml:69: error ID002 identifier '1bad' is not a valid xs:ID [1bad]",
    "ID003": "imsmanifest.xml:12: error ID003 resource of type 'webcontent' has no identifier",
    "LNK001": "wiki_content/links.html:10: error LNK001 src='$IMS-CC-FILEBASE$/images/missing.png': "
              "no file 'web_resources/images/missing.png' in the package",
    "LNK002": "wiki_content/links.html:11: warning LNK002 href='$WIKI_REFERENCE$/pages/no-such-page': "
              "no page 'no-such-page' in the package",
    "LNK003": "wiki_content/p.html:2: warning LNK003 href='$CANVAS_OBJECT_REFERENCE$/assignments/i99': "
              "no assignments 'i99' in the package",
    "LNK004": "wiki_content/links.html:9: warning LNK004 href='https://canvas.example.edu/courses/42/pages/welcome' "
              "points at the source Canvas instance",
    "LNK005": "wiki_content/links.html:12: warning LNK005 href='$IMS-CC-FILEBASE$/handouts/reading%2520list.pdf' "
              "is percent-encoded twice",
    "LNK006": "wiki_content/academic-support.html:208: error LNK006 href='../index.html': no file 'index.html' in the package",
    "ORP001": "web_resources/stray.txt: warning ORP001 not declared by any resource in the manifest",
    "ORP002": "__MACOSX/._imsmanifest.xml: info ORP002 not declared by any resource: operating-system metadata "
              "(macOS/Windows), ignored by importers",
    "PKG001": "imsmanifest.xml:2: info PKG001 no organization items: the package has no course structure",
    "PKG002": "- : error PKG002 rule ID003 (missing-identifier) failed: RuntimeError: kaboom",
    "PKG003": "a.xml: error PKG003 could not be modelled: ValueError: bad",
    "PKG005": "imsmanifest.xml: info PKG005 only the manifest was checked: no package files to compare with",
    "REF001": "imsmanifest.xml:19: error REF001 item 'i1c2d…' refers to missing resource 'i0000…'",
    "REF002": "imsmanifest.xml:64: error REF002 resource 'ia817…' depends on missing resource 'inowhere'",
    "REF003": "course_settings/module_meta.xml:2: error REF003 module 'W' item 'P' (WikiPage) refers to missing resource 'R9'",
    "REF004": "imsmanifest.xml:63: error REF004 resource 'ia817…' lists 'wiki_content/gone.html', which is not in the package",
    "REF005": "imsmanifest.xml:12: warning REF005 'my%20file.html' matches entry 'my file.html' only after percent-decoding",
    "REF006": "imsmanifest.xml:12: error REF006 resource 'R1' href 'a.html' is not listed among its files",
    "REF007": "imsmanifest.xml:69: error REF007 resource '1bad' of type 'webcontent' lists no files",
    "REF008": "imsmanifest.xml:12: error REF008 file href '../up.html' points outside the package",
    "XML001": "iefdb139fb3ba1ca1ba6a5c48ab9ca582.xml:3: error XML001 not well-formed: Opening and ending tag mismatch: "
              "title line 3 and titel",
    "XML002": "imsmanifest.xml:1: error XML002 declares encoding 'UTF-16' but has no byte-order mark and reads as 8-bit text",
    "XML003": "course_settings/course_settings.xml:4: error XML003 character U+0001 is not allowed in XML 1.0",
    "XML004": "a.xml:1: warning XML004 DOCTYPE declares entities (e); they were not expanded",
    "XML005": "a.xml: error XML005 over 268435456 bytes; not parsed",
    "XML006": "T_000002_F.xml:2: warning XML006 xmlns:xsi: 'http: //www.w3.org/2001/XMLSchema-instance' is not a valid URI",
    "ZIP001": "/abs.txt: error ZIP001 entry name '/abs.txt' is absolute",
    "ZIP002": "../evil.txt: error ZIP002 entry name '../evil.txt' climbs out of the package with '..'",
    "ZIP003": "web_resources\\windows.txt: error ZIP003 entry name 'web_resources\\\\windows.txt' contains a backslash",
    "ZIP004": "C:/x.txt: error ZIP004 entry name 'C:/x.txt' starts with a drive letter",
    "ZIP005": "a\\x01.txt: error ZIP005 entry name 'a\\x01.txt' contains a control character",
    "ZIP006": "what?.txt: warning ZIP006 entry name 'what?.txt' has character '?', not allowed on Windows",
    "ZIP007": "web_resources/images/logo.png: warning ZIP007 entries 'web_resources/Images/LOGO.png', "
              "'web_resources/images/logo.png' differ only in case",
    "ZIP008": "a.html: error ZIP008 entry 'a.html' appears more than once",
    "ZIP009": "café.html: warning ZIP009 entry name 'café.html' has non-ASCII bytes but no UTF-8 flag (decoded as UTF-8)",
    "ZIP010": "b.bin: error ZIP010 cannot be read: Bad CRC-32 for file 'b.bin'",
    "ZIP011": "evil_symlink: error ZIP011 entry 'evil_symlink' is a symbolic link; not followed",
    "ZIP012": "secret.xml: error ZIP012 entry 'secret.xml' is encrypted",
    "ZIP013": "zeros.html: error ZIP013 entry not inflated: compression ratio 1029:1 is over the limit of 200:1",
    "ZIP014": "inner.zip: info ZIP014 nested archive, not opened",
    "ZIP016": "-: warning ZIP016 17 bytes of data precede the first zip entry",
}


def explain_text(rule) -> str:
    wrap = lambda s: textwrap.fill(s, 96, initial_indent="  ", subsequent_indent="  ")  # noqa: E731
    parts = [f"{rule.code}  {rule.name}  (default severity: {rule.severity}; checks: {rule.scope})", "",
             "What it means and why it matters:", wrap(rule.summary), "", "How to fix it:", wrap(rule.fix or "-")]
    example = EXAMPLES.get(rule.code) or getattr(rule, "example", None)
    if example:
        parts += ["", "Example:", "  " + example]
    parts += ["", f"Silence it with --ignore {rule.code} (or the family: --ignore {rule.family}), or in "
                  f".cc-toolkit.toml: ignore = [\"{rule.code}\"]."]
    return "\n".join(parts)
