"""Zip hygiene: names and entries that are unsafe or not portable across systems."""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from ...finding import Finding
from ...read.source import EntryTooLarge, EntryUnreadable, ZipSource
from ..registry import rule

_RESERVED_NAMES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_WIN_CHARS = re.compile(r'[<>:"|?*]')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ARCHIVES = (".zip", ".imscc", ".jar", ".tar", ".gz", ".tgz", ".7z", ".rar")


def _entries(pkg):
    return pkg.source.entries


@rule("ZIP001", "absolute-path", "error", "package",
      "An entry name is absolute (starts with '/'); extracting it writes outside the target folder.",
      "Re-create the archive with paths relative to the package root.")
def absolute_path(pkg, ctx):
    for e in _entries(pkg):
        if e.name.startswith("/"):
            yield Finding("ZIP001", f"entry name {e.name!r} is absolute", e.name)


@rule("ZIP002", "parent-traversal", "error", "package",
      "An entry name contains a '..' segment (zip-slip): extracting it can overwrite files outside the folder.",
      "Remove the entry; never extract such an archive with a naive tool.")
def parent_traversal(pkg, ctx):
    for e in _entries(pkg):
        if ".." in re.split(r"[/\\]", e.name):
            yield Finding("ZIP002", f"entry name {e.name!r} climbs out of the package with '..'", e.name)


@rule("ZIP003", "backslash", "error", "package",
      "An entry name uses '\\' as separator; on Windows-made archives it means a folder, elsewhere a strange file name.",
      "Re-create the archive with '/' separators.")
def backslash(pkg, ctx):
    for e in _entries(pkg):
        if "\\" in e.name:
            yield Finding("ZIP003", f"entry name {e.name!r} contains a backslash", e.name)


@rule("ZIP004", "drive-letter", "error", "package",
      "An entry name starts with a drive letter (C:), an absolute Windows path.",
      "Re-create the archive with relative paths.")
def drive_letter(pkg, ctx):
    for e in _entries(pkg):
        if re.match(r"^[A-Za-z]:", e.name):
            yield Finding("ZIP004", f"entry name {e.name!r} starts with a drive letter", e.name)


@rule("ZIP005", "control-character", "error", "package",
      "An entry name contains control characters.",
      "Rename the file.")
def control_chars(pkg, ctx):
    for e in _entries(pkg):
        if _CONTROL.search(e.name):
            yield Finding("ZIP005", f"entry name {e.name!r} contains a control character", e.name)


@rule("ZIP006", "windows-reserved", "warning", "package",
      "An entry name cannot exist on Windows (reserved characters <>:\"|?*, names like CON or NUL, trailing dot or space).",
      "Rename the file so the package unpacks everywhere.")
def windows_reserved(pkg, ctx):
    for e in _entries(pkg):
        for seg in e.name.rstrip("/").split("/"):
            if not seg:
                continue
            why = None
            if _WIN_CHARS.search(seg) and not re.match(r"^[A-Za-z]:", e.name):
                why = f"character {_WIN_CHARS.search(seg).group(0)!r}"
            elif seg.split(".")[0].upper() in _RESERVED_NAMES:
                why = f"reserved name {seg.split('.')[0]!r}"
            elif seg[-1] in ". " and seg not in (".", ".."):
                why = "a trailing dot or space"
            if why:
                yield Finding("ZIP006", f"entry name {e.name!r} has {why}, not allowed on Windows", e.name)
                break


@rule("ZIP007", "case-collision", "warning", "package",
      "Two entries differ only in letter case; on Windows and macOS one overwrites the other.",
      "Rename one of them.")
def case_collision(pkg, ctx):
    groups = defaultdict(list)
    for e in _entries(pkg):
        groups[unicodedata.normalize("NFC", e.name).casefold()].append(e.name)
    for names in groups.values():
        distinct = sorted(set(names))
        if len(distinct) > 1:
            yield Finding("ZIP007", f"entries {', '.join(map(repr, distinct))} differ only in case", distinct[1])


@rule("ZIP008", "duplicate-entry", "error", "package",
      "The archive holds two entries with the same name; tools disagree on which one is used.",
      "Re-create the archive.")
def duplicate_entry(pkg, ctx):
    count = defaultdict(int)
    for e in _entries(pkg):
        count[e.name] += 1
        if count[e.name] == 2:
            yield Finding("ZIP008", f"entry {e.name!r} appears more than once", e.name)


@rule("ZIP009", "name-encoding", "warning", "package",
      "A non-ASCII entry name without the zip UTF-8 flag: other tools may decode it differently.",
      "Re-create the archive with a tool that writes UTF-8 names (flag bit 11).")
def name_encoding(pkg, ctx):
    for e in _entries(pkg):
        if e.raw_name is not None:
            how = "decoded as UTF-8" if e.name != e.raw_name.decode("cp437") else "not valid UTF-8; decoded as CP437"
            yield Finding("ZIP009", f"entry name {e.name!r} has non-ASCII bytes but no UTF-8 flag ({how})", e.name)


@rule("ZIP011", "symlink", "error", "package",
      "A symbolic-link entry (or, in a package folder, a device, pipe or socket); extracting a link can make later "
      "entries write anywhere. It is not read.",
      "Replace the link with the file it points to.")
def symlink(pkg, ctx):
    for e in _entries(pkg):
        if e.is_symlink:
            yield Finding("ZIP011", f"entry {e.name!r} is a symbolic link; not followed", e.name)
        elif e.special:
            yield Finding("ZIP011", f"entry {e.name!r} is not a regular file (device, pipe or socket); not read", e.name)


@rule("ZIP012", "encrypted", "error", "package",
      "An encrypted entry; importers cannot read it. It is not read.",
      "Re-create the archive without a password.")
def encrypted(pkg, ctx):
    for e in _entries(pkg):
        if e.encrypted:
            yield Finding("ZIP012", f"entry {e.name!r} is encrypted", e.name)


@rule("ZIP013", "entry-over-limit", "error", "package",
      "An entry declares a size or compression ratio over the configured limits (a possible zip bomb); it is not inflated.",
      "If the file is genuine, raise --max-entry-size or --max-ratio.")
def over_limit(pkg, ctx):
    src = pkg.source
    if not isinstance(src, ZipSource):
        return
    for e in _entries(pkg):
        if e.is_symlink or e.encrypted or e.is_dir:
            continue
        why = src.check_entry(e)
        if why:
            yield Finding("ZIP013", f"entry not inflated: {why}", e.name)


@rule("ZIP014", "nested-archive", "info", "package",
      "The package contains another archive; it is listed but never opened.",
      "Nothing to do unless the inner archive should have been unpacked into the package.")
def nested_archive(pkg, ctx):
    for e in _entries(pkg):
        if not e.is_dir and e.name.lower().endswith(_ARCHIVES):
            yield Finding("ZIP014", "nested archive, not opened", e.name)


@rule("ZIP010", "unreadable-entry", "error", "package",
      "An entry cannot be read: bad CRC, truncated data, a corrupt compressed stream, or data that does not end "
      "at its declared size (what zipfile alone lets pass, and an extracting tool would write differently). "
      "Every entry is read once (like `unzip -t`); XML and HTML members are checked while they are parsed.",
      "Re-create the archive; re-download the export if it came from Canvas.")
def integrity(pkg, ctx):
    src = pkg.source
    if not isinstance(src, ZipSource):
        return
    limit = src.limits.max_xml_size
    for e in src.entries:
        if e.is_dir or not e.readable or src.check_entry(e):
            continue
        if e.name in pkg.parsed and e.size <= limit:
            continue  # read whole (and its CRC checked) when it was parsed; a larger one was refused unread
        if src.get(e.name) is not e:
            continue  # duplicate names: ZIP008 covers the extra copies
        try:
            with src.open(e.name) as fh:
                while fh.read(1 << 20):
                    pass
        except (EntryUnreadable, EntryTooLarge) as exc:
            yield Finding("ZIP010", f"cannot be read: {exc}", e.name)
