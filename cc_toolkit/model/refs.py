"""The one reference resolver: package paths, manifest hrefs and links inside HTML.

Everything that turns a written reference (a `<file href>`, an `identifierref`, an `href` or
`src` in a page, a `$IMS-CC-FILEBASE$` token) into a package member or an object goes through here,
so the checks, the audit and the quiz model agree on what a reference means.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

# -- package paths ------------------------------------------------------------------------

def join(base: str, href: str) -> str | None:
    """Join a relative href to a base folder ('' for the package root). None if it leaves the package."""
    if href.startswith("/"):
        return None
    path = posixpath.normpath(posixpath.join(base, href)) if base else posixpath.normpath(href)
    if path == "." or path.startswith("../") or path == "..":
        return None
    return path


def folder_of(path: str) -> str:
    return posixpath.dirname(path)


def strip_query(href: str) -> str:
    return re.split(r"[?#]", href, maxsplit=1)[0]


@dataclass(frozen=True)
class Resolution:
    """How a path was found: `exact`, `decoded` (after percent-decoding once), `normalized`
    (only after Unicode NFC normalization) or None when it was not found."""

    name: str | None
    how: str | None


def find_member(exists, normalized_match, path: str, decode: bool = True) -> Resolution:
    """Find `path` among the package members, trying what importers try. Manifest hrefs may be
    percent-decoded here (`decode`); links were decoded once already by `classify_link`."""
    if exists(path):
        return Resolution(path, "exact")
    decoded = unquote(path) if decode else path
    if decoded != path and exists(decoded):
        return Resolution(decoded, "decoded")
    for cand in {path, decoded}:
        n = normalized_match(cand)
        if n is not None:
            return Resolution(n, "normalized")
    return Resolution(None, None)


# -- links inside HTML ------------------------------------------------------------------------

FILEBASE_TOKENS = ("$IMS-CC-FILEBASE$", "$IMS_CC_FILEBASE$", "$1EdTech-CC-FILEBASE$", "$1EDTECH-CC-FILEBASE$")
_FILEBASE_RE = re.compile(r"^(?:\$|%24)(?:IMS[-_]CC|1EdTech[-_]CC)[-_]FILEBASE(?:\$|%24)/?", re.I)
_WIKI_RE = re.compile(r"^(?:\$|%24)WIKI_REFERENCE(?:\$|%24)/pages/([^?#]*)", re.I)
_OBJECT_RE = re.compile(r"^(?:\$|%24)CANVAS_OBJECT_REFERENCE(?:\$|%24)/([a-z_]+)/([^?#/]+)", re.I)
_COURSE_RE = re.compile(r"^(?:\$|%24)CANVAS_COURSE_REFERENCE(?:\$|%24)", re.I)
_SOURCE_PATH_RE = re.compile(r"^/(?:api/v1/)?(courses|files|users|groups|accounts)/\d+")
_ATTR_RE = re.compile(r"""\b(href|src|data|poster)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_DOUBLE_ENC = re.compile(r"%25[0-9A-Fa-f]{2}")


@dataclass(frozen=True)
class Link:
    url: str
    line: int
    attr: str
    column: int | None = None  # of the attribute, in an HTML file (None for HTML escaped inside XML)


def extract_links(text: str, first_line: int = 1, columns: bool = True) -> list[Link]:
    """Every href/src/data/poster attribute value in an HTML text, with its line number (and column, when
    `text` is a whole file: HTML escaped inside an XML element does not keep the file's columns).

    A tolerant scan: malformed markup does not hide links, and nothing is fetched.
    """
    out: list[Link] = []
    line, pos = first_line, 0
    for m in _ATTR_RE.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        value = m.group(2) if m.group(2) is not None else m.group(3)
        col = m.start() - text.rfind("\n", 0, m.start()) if columns else None
        out.append(Link(_unescape_html(value.strip()), line, m.group(1).lower(), col))
    return out


def _unescape_html(v: str) -> str:
    if "&" not in v:
        return v
    import html

    return html.unescape(v)


@dataclass(frozen=True)
class LinkTarget:
    """What a link means. kind: filebase, wiki, object, course, relative, source_instance,
    external, other (anchors, mailto:, data: ...)."""

    kind: str
    path: str | None = None  # filebase/relative: candidate package paths, first one preferred
    alt_paths: tuple[str, ...] = ()
    slug: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    double_encoded: bool = False


def classify_link(url: str, doc_path: str, canvas_hosts: tuple[str, ...] = ()) -> LinkTarget:
    double = bool(_DOUBLE_ENC.search(url))
    m = _FILEBASE_RE.match(url)
    if m:
        rest = unquote(strip_query(url[m.end():]))
        cands = [c for c in (join("web_resources", rest), join(folder_of(doc_path), rest), join("", rest)) if c]
        return LinkTarget("filebase", cands[0] if cands else None, tuple(cands[1:]), double_encoded=double)
    m = _WIKI_RE.match(url)
    if m:
        return LinkTarget("wiki", slug=unquote(m.group(1)), double_encoded=double)
    m = _OBJECT_RE.match(url)
    if m:
        return LinkTarget("object", object_type=m.group(1).lower(), object_id=unquote(m.group(2)), double_encoded=double)
    if _COURSE_RE.match(url):
        return LinkTarget("course", double_encoded=double)
    if url.startswith("$"):
        return LinkTarget("other", double_encoded=double)
    try:
        parts = urlsplit(url)
    except ValueError:
        return LinkTarget("other", double_encoded=double)
    if parts.scheme in ("http", "https"):
        host = (parts.hostname or "").lower()
        if (host.endswith(".instructure.com") or host in canvas_hosts) and _SOURCE_PATH_RE.match(parts.path or ""):
            return LinkTarget("source_instance", path=url, double_encoded=double)
        return LinkTarget("external", double_encoded=double)
    if parts.scheme or url.startswith("//") or url.startswith("#") or not url:
        return LinkTarget("other", double_encoded=double)
    if url.startswith("/"):
        if _SOURCE_PATH_RE.match(parts.path):
            return LinkTarget("source_instance", path=url, double_encoded=double)
        return LinkTarget("other", double_encoded=double)
    target = join(folder_of(doc_path), unquote(parts.path))
    return LinkTarget("relative", target, double_encoded=double)


def target_exists(exists, normalized_match, has_dir, t: LinkTarget) -> bool:
    """Whether a file link (filebase or relative) points at a member (or a folder) of the package.
    The link was percent-decoded once already, so it is not decoded again."""
    cands = ([t.path] if t.path else []) + list(t.alt_paths)
    if any(find_member(exists, normalized_match, c, decode=False).name for c in cands):
        return True
    return bool(t.path and has_dir(t.path))
