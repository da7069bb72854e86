"""Package access: a zip archive, an unpacked folder or a bare manifest, read without extracting.

Every package is untrusted. This module never writes anything to disk, never follows a link,
checks the sizes an archive declares before inflating anything, and bounds every read.
Problems that concern one entry are recorded as `Issue`s (they become findings); problems
that make the whole input unreadable raise `PackageError` (exit code 2).
"""
from __future__ import annotations

import io
import re
import os
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator

from ..errors import PackageError
from ..finding import Finding

MANIFEST = "imsmanifest.xml"
_OS_METADATA = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$|\._)", re.I)


def is_os_metadata(name: str) -> bool:
    """macOS resource forks (__MACOSX/, ._name), .DS_Store, Thumbs.db: never package content."""
    return bool(_OS_METADATA.search(name))


@dataclass(frozen=True)
class Limits:
    """Bounds applied before and while reading. Defaults suit real courses (several GB)."""

    max_total_size: int = 8 * 1024**3  # sum of declared uncompressed sizes
    max_entry_size: int = 2 * 1024**3  # one entry, declared and actual
    max_entries: int = 200_000
    max_ratio: int = 200  # uncompressed / compressed, for entries over 1 MiB
    max_xml_size: int = 256 * 1024**2  # an XML or HTML document that gets parsed


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Entry:
    """One member of a package as the archive (or folder) lists it."""

    name: str  # path inside the package, '/'-separated, as decoded
    size: int  # declared uncompressed size
    compressed_size: int = 0
    is_dir: bool = False
    is_symlink: bool = False
    encrypted: bool = False
    utf8_flag: bool = True
    raw_name: bytes | None = None  # undecoded name when the archive gave no UTF-8 flag
    index: int = 0  # position in the central directory
    special: bool = False  # a device, pipe or socket in a package folder

    @property
    def readable(self) -> bool:
        return not (self.is_dir or self.is_symlink or self.encrypted or self.special)


class BoundedReader(io.RawIOBase):
    """Wraps a stream and refuses to yield more than `limit` bytes."""

    def __init__(self, raw: BinaryIO, limit: int, name: str):
        self._raw, self._left, self._name = raw, limit, name

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self._raw.readinto(b) if hasattr(self._raw, "readinto") else None
        if n is None:
            data = self._raw.read(len(b))
            n = len(data)
            b[:n] = data
        self._left -= n
        if self._left < 0:
            raise EntryTooLarge(self._name)
        return n

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


class EntryTooLarge(Exception):
    pass


class EntryUnreadable(Exception):
    """Reading one entry failed (bad CRC, truncated data, unsupported compression...)."""


class PackageSource:
    """Read-only access to the members of a package."""

    kind = "source"

    def __init__(self, path: Path, limits: Limits):
        self.path = path
        self.limits = limits
        self.entries: list[Entry] = []
        self.issues: list[Finding] = []  # per-entry problems found while listing
        self._by_name: dict[str, Entry] = {}
        self._by_folded: dict[str, str] = {}

    # -- listing -------------------------------------------------------------
    def _index(self) -> None:
        for e in self.entries:
            self._by_name.setdefault(e.name, e)
        import unicodedata

        for name in self._by_name:
            self._by_folded.setdefault(unicodedata.normalize("NFC", name), name)

    def files(self) -> Iterator[Entry]:
        return (e for e in self.entries if not e.is_dir)

    def get(self, name: str) -> Entry | None:
        return self._by_name.get(name)

    def exists(self, name: str) -> bool:
        e = self._by_name.get(name)
        return e is not None and not e.is_dir

    def has_dir(self, name: str) -> bool:
        prefix = name.rstrip("/") + "/"
        return any(n.startswith(prefix) for n in self._by_name)

    def normalized_match(self, name: str) -> str | None:
        """The entry whose Unicode NFC form equals `name`'s, when no exact entry exists."""
        import unicodedata

        return self._by_folded.get(unicodedata.normalize("NFC", name))

    # -- reading -------------------------------------------------------------
    def check_entry(self, e: Entry) -> str | None:
        """Why an entry must not be read, or None (zip archives add their size and ratio limits)."""
        if e.is_symlink:
            return "symbolic link"
        if e.special:
            return "not a regular file"
        return None

    def open(self, name: str) -> BinaryIO:
        raise NotImplementedError

    def read(self, name: str, limit: int | None = None) -> bytes:
        """Whole content of a (small) entry, refused beyond `limit` bytes."""
        limit = self.limits.max_xml_size if limit is None else limit
        e = self._by_name.get(name)
        if e is None or e.is_dir:
            raise KeyError(name)
        if e.size > limit:
            raise EntryTooLarge(name)
        with self.open(name) as f:
            data = f.read(limit + 1)
        if len(data) > limit:
            raise EntryTooLarge(name)
        return data

    def close(self) -> None:
        pass

    def for_worker(self) -> "PackageSource":
        """This source for a forked worker process: the listing is reused, never read again; anything that
        must not be shared across processes (an open file's position) is the worker's own."""
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class ZipSource(PackageSource):
    kind = "zip"

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS):
        super().__init__(path, limits)
        try:
            self._fh = open(path, "rb")
        except OSError as exc:
            raise PackageError(f"cannot open {path}: {exc.strerror or exc}") from None
        try:
            self._zip = zipfile.ZipFile(self._fh)
        except zipfile.BadZipFile as exc:
            self._fh.close()
            raise PackageError(f"{path}: not a readable zip archive ({exc}); the file may be truncated or not a zip") from None
        except (OSError, ValueError, EOFError, NotImplementedError, OverflowError) as exc:
            self._fh.close()
            raise PackageError(f"{path}: damaged zip archive ({exc})") from None
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._list()
        self._index()

    def _list(self) -> None:
        infos = self._zip.infolist()
        if len(infos) > self.limits.max_entries:
            raise PackageError(
                f"{self.path}: {len(infos)} entries, over the limit of {self.limits.max_entries} (--max-entries)"
            )
        total = sum(i.file_size for i in infos)
        if total > self.limits.max_total_size:
            raise PackageError(
                f"{self.path}: declares {total} bytes uncompressed, over the limit of "
                f"{self.limits.max_total_size} (--max-total-size); refusing a possible zip bomb"
            )
        if infos:
            first = min(i.header_offset for i in infos)
            prefix = getattr(self._zip, "_concat", 0) or first
            if prefix > 0:
                self.issues.append(Finding("ZIP016", f"{prefix} bytes of data precede the first zip entry"))
        for n, info in enumerate(infos):
            utf8 = bool(info.flag_bits & 0x800)
            name = info.filename
            raw = None
            if not utf8:
                try:
                    raw = name.encode("cp437")
                except UnicodeEncodeError:
                    raw = None
                if raw is not None and not raw.isascii():
                    try:  # many tools write UTF-8 names without setting the flag
                        name = raw.decode("utf-8")
                    except UnicodeDecodeError:
                        pass
                else:
                    raw = None
            mode = (info.external_attr >> 16) & 0xFFFF
            is_link = info.create_system == 3 and stat.S_ISLNK(mode)
            e = Entry(
                name=name,
                size=info.file_size,
                compressed_size=info.compress_size,
                is_dir=info.is_dir(),
                is_symlink=is_link,
                encrypted=bool(info.flag_bits & 0x1),
                utf8_flag=utf8,
                raw_name=raw,
                index=n,
            )
            self.entries.append(e)
            if name in self._infos:
                continue  # duplicates: the first one wins; ZIP rules report the rest
            self._infos[name] = info

    def check_entry(self, e: Entry) -> str | None:
        """Why an entry must not be inflated, or None."""
        if e.is_symlink:
            return "symbolic link"
        if e.encrypted:
            return "encrypted"
        if e.size > self.limits.max_entry_size:
            return f"declares {e.size} bytes, over the per-entry limit of {self.limits.max_entry_size}"
        if e.size > 1024 * 1024 and e.size > self.limits.max_ratio * max(e.compressed_size, 1):
            return f"compression ratio {e.size // max(e.compressed_size, 1)}:1 is over the limit of {self.limits.max_ratio}:1"
        return None

    def open(self, name: str) -> BinaryIO:
        info = self._infos.get(name)
        e = self._by_name.get(name)
        if info is None or e is None:
            raise KeyError(name)
        why = self.check_entry(e)
        if why:
            raise EntryUnreadable(why)
        limit = min(e.size, self.limits.max_entry_size)
        if info.compress_type in _OWN_METHODS and _PREAD:
            return _EntryStream(self._fh.fileno(), info, limit, name)  # read(n) hands out its blocks as they are
        try:
            raw = self._zip.open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError, EOFError) as exc:
            raise EntryUnreadable(str(exc)) from None
        return io.BufferedReader(_SafeZipStream(raw, limit, name, info))

    def read(self, name: str, limit: int | None = None) -> bytes:
        """Whole content of a (small) entry, checked as `_EntryStream` checks it (stored and deflated
        entries); other methods, and systems without os.pread, go through zipfile, which checks the CRC
        and our size checks (`_check_end`) but cannot see data past a declared size."""
        limit = self.limits.max_xml_size if limit is None else limit
        info = self._infos.get(name)
        e = self._by_name.get(name)
        if info is None or e is None or e.is_dir:
            raise KeyError(name)
        if e.size > limit:
            raise EntryTooLarge(name)
        why = self.check_entry(e)
        if why:
            raise EntryUnreadable(why)
        if info.compress_type in _OWN_METHODS and _PREAD:
            return _EntryStream(self._fh.fileno(), info, e.size, name).read_all()  # e.size <= limit, checked above
        try:
            with self._zip.open(info) as raw:
                data = raw.read(min(e.size, limit) + 1)
                _check_end(info, len(data))
        except EntryUnreadable:
            raise
        except Exception as exc:  # bad CRC, truncated data, corrupt deflate stream...: this entry only
            raise EntryUnreadable(str(exc) or type(exc).__name__) from None
        if len(data) > limit:
            raise EntryTooLarge(name)
        return data

    def for_worker(self) -> "ZipSource":
        """A copy with its own file handle (a forked child shares the parent's file offset); zipfile reads
        each entry by seeking from its header offset, so the central directory is not read again."""
        import copy
        import threading

        twin = copy.copy(self)
        twin._fh = open(self.path, "rb")
        twin._zip = copy.copy(self._zip)
        twin._zip.fp = twin._fh
        twin._zip._lock = threading.RLock()
        return twin

    def close(self) -> None:
        self._zip.close()
        self._fh.close()


def _check_end(info: zipfile.ZipInfo, got: int) -> None:
    """Size checks zipfile leaves out, once it says an entry is done (the zipfile path only): the entry
    holds exactly its declared size, and a stored entry's two sizes agree."""
    if got != info.file_size:
        raise EntryUnreadable(f"holds {got} bytes, declares {info.file_size}")
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size and not info.flag_bits & 0x1:
        raise EntryUnreadable(f"stored entry declares {info.compress_size} bytes stored for {info.file_size}")


_OWN_METHODS = frozenset((zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED))  # read by _EntryStream
# positional reads share no file position, so readers never disturb each other; without them (Windows)
# zipfile reads every entry
_PREAD = hasattr(os, "pread")
_LOCAL_HEADER = 30  # bytes of a local file header before its name and extra field


def _pread(fd: int, n: int, offset: int) -> bytes:
    try:
        if offset < 0 or n < 0:
            raise ValueError(f"offset {offset}")
        return os.pread(fd, n, offset)
    except (OSError, ValueError, OverflowError) as exc:  # a damaged directory points anywhere
        raise EntryUnreadable(f"cannot read at offset {offset}: {exc}") from None


class _EntryStream(io.RawIOBase):
    """One entry, read as `unzip -t` checks it: the local header must name the same file as the central
    directory; the data must inflate to exactly the declared size, with the declared CRC, and never past
    it (what an extracting tool would write beyond a forged size). Compressed data is read with
    positional reads in blocks; output is produced only as asked for (never more than `limit`)."""

    def __init__(self, fd: int, info: zipfile.ZipInfo, limit: int, name: str):
        self._fd, self._info, self._limit, self._name = fd, info, limit, name
        head = _pread(fd, _LOCAL_HEADER, info.header_offset)
        if len(head) < _LOCAL_HEADER or head[:4] != b"PK\x03\x04":
            raise EntryUnreadable("bad local file header")
        n, m = int.from_bytes(head[26:28], "little"), int.from_bytes(head[28:30], "little")
        local = _pread(fd, n, info.header_offset + _LOCAL_HEADER)
        central = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437", "surrogateescape")
        if local != central:
            shown = repr(local[:80]) + ("…" if len(local) > 80 else "")
            raise EntryUnreadable(f"file name in directory {info.orig_filename!r} and header {shown} differ")
        self._pos = info.header_offset + _LOCAL_HEADER + n + m
        self._left = info.compress_size  # compressed bytes not read yet
        self._dec = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        self._tail = b""  # compressed input the decompressor has not taken yet
        self._got = 0
        self._crc = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def _compressed(self) -> bytes:
        if self._tail:
            data, self._tail = self._tail, b""
            return data
        if self._left <= 0:
            return b""
        data = _pread(self._fd, min(self._left, 1 << 20), self._pos)
        if not data:
            raise EntryUnreadable(f"truncated: {self._left} compressed bytes missing")
        self._pos += len(data)
        self._left -= len(data)
        return data

    def _produce(self, want: int) -> bytes:
        """Up to `want` bytes of output (b"" at the end of the entry, after its checks)."""
        if want <= 0:
            return b""  # (zlib reads a max_length of 0 as no limit)
        while not self._done:
            if self._dec is None:  # stored: the data as it is
                data = self._compressed()
                out, self._tail = data[:want], data[want:]
            else:
                if self._dec.eof:
                    out = b""
                else:
                    data = self._compressed()
                    try:  # with no new input too: zlib may still hold output a full read left behind
                        out = self._dec.decompress(data, want)
                    except zlib.error as exc:
                        raise EntryUnreadable(f"corrupt compressed data ({exc})") from None
                    self._tail = self._dec.unconsumed_tail
                    if not out and not data and not self._tail and not self._dec.eof:
                        raise EntryUnreadable("compressed data ends before the end of its stream")
            if out:
                self._got += len(out)
                if self._got > self._info.file_size:
                    raise EntryUnreadable(f"data continues past the declared {self._info.file_size} bytes")
                if self._got > self._limit:
                    raise EntryTooLarge(self._name)
                self._crc = zlib.crc32(out, self._crc)
                return out
            if self._at_end():
                self._finish()
        return b""

    def _at_end(self) -> bool:
        if self._dec is None:
            return self._left <= 0 and not self._tail
        return self._dec.eof

    def _finish(self) -> None:
        # bytes after the end of a deflate stream are ignored, as unzip and zipfile ignore them: nothing
        # extracts them; output past the declared size is what _produce refuses
        self._done = True
        info = self._info
        if self._dec is None and info.compress_size != info.file_size:
            raise EntryUnreadable(f"stored entry declares {info.compress_size} bytes stored for {info.file_size}")
        if self._got != info.file_size:
            raise EntryUnreadable(f"holds {self._got} bytes, declares {info.file_size}")
        if self._crc != info.CRC:
            raise EntryUnreadable(f"Bad CRC-32 for file {info.orig_filename!r}")

    def readinto(self, b) -> int:
        out = self._produce(len(b))
        b[:len(out)] = out
        return len(out)

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes, without the copies of RawIOBase.read (callers loop until b"")."""
        return self.read_all() if size is None or size < 0 else self._produce(size)

    def read_all(self) -> bytes:
        parts = []
        while chunk := self._produce(1 << 20):
            parts.append(chunk)
        return b"".join(parts)


class _SafeZipStream(BoundedReader):
    """Bounded reader that turns zipfile's many failure modes (bad CRC, truncated data,
    corrupt deflate stream, ...) into EntryUnreadable, and checks the entry's end (`_check_end`)."""

    def __init__(self, raw, limit: int, name: str, info: zipfile.ZipInfo | None = None):
        super().__init__(raw, limit, name)
        self._info, self._got = info, 0

    def readinto(self, b) -> int:
        try:
            n = super().readinto(b)
            self._got += n
            if n == 0 and self._info is not None and len(b):
                _check_end(self._info, self._got)
            return n
        except (EntryTooLarge, EntryUnreadable):
            raise
        except Exception as exc:  # any failure to inflate one entry concerns that entry only
            raise EntryUnreadable(str(exc) or type(exc).__name__) from None


class DirSource(PackageSource):
    kind = "folder"

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS):
        super().__init__(path, limits)
        self._root = path.resolve()
        count = 0
        for dirpath, dirnames, filenames in os.walk(self._root, followlinks=False):
            rel = os.path.relpath(dirpath, self._root)
            rel = "" if rel == "." else rel.replace(os.sep, "/") + "/"
            for d in sorted(dirnames):
                full = os.path.join(dirpath, d)
                if os.path.islink(full):
                    self.entries.append(Entry(rel + d, 0, is_symlink=True, index=count))
                else:
                    self.entries.append(Entry(rel + d + "/", 0, is_dir=True, index=count))
                count += 1
            dirnames[:] = sorted(d for d in dirnames if not os.path.islink(os.path.join(dirpath, d)))
            for f in sorted(filenames):
                full = os.path.join(dirpath, f)
                try:
                    st = os.lstat(full)
                except OSError:
                    continue
                # symbolic links and special files (devices, pipes, sockets) are listed but never read
                special = not stat.S_ISREG(st.st_mode) and not stat.S_ISLNK(st.st_mode)
                self.entries.append(Entry(rel + f, 0 if special else st.st_size, st.st_size,
                                          is_symlink=stat.S_ISLNK(st.st_mode), index=count, special=special))
                count += 1
            if count > self.limits.max_entries:
                raise PackageError(f"{path}: more than {self.limits.max_entries} files (--max-entries)")
        self._index()

    def open(self, name: str) -> BinaryIO:
        e = self._by_name.get(name)
        if e is None or e.is_dir:
            raise KeyError(name)
        if e.is_symlink or e.special:
            raise EntryUnreadable("symbolic link" if e.is_symlink else "not a regular file")
        full = (self._root / name).resolve()
        if self._root not in full.parents:
            raise EntryUnreadable("path leaves the package folder")
        try:
            fh = open(full, "rb")
        except OSError as exc:
            raise EntryUnreadable(exc.strerror or str(exc)) from None
        return io.BufferedReader(BoundedReader(fh, self.limits.max_entry_size, name))


class ManifestOnlySource(PackageSource):
    """A bare imsmanifest.xml (or other manifest file): the only member is the manifest itself."""

    kind = "manifest"

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS):
        super().__init__(path, limits)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise PackageError(f"cannot open {path}: {exc.strerror}") from None
        self.entries.append(Entry(MANIFEST, size, size))
        self._index()

    def open(self, name: str) -> BinaryIO:
        if name != MANIFEST:
            raise KeyError(name)
        return io.BufferedReader(BoundedReader(open(self.path, "rb"), self.limits.max_xml_size, name))


def open_source(path: str | os.PathLike, limits: Limits = DEFAULT_LIMITS) -> PackageSource:
    """Open a package from a path: zip file, folder, or bare XML manifest."""
    p = Path(path)
    if not p.exists():
        raise PackageError(f"{p}: no such file or folder")
    if p.is_dir():
        return DirSource(p, limits)
    if not p.is_file():
        raise PackageError(f"{p}: not a regular file (a device, pipe or socket is never read)")
    try:
        with open(p, "rb") as fh:
            head = fh.read(512)
    except OSError as exc:
        raise PackageError(f"cannot open {p}: {exc.strerror or exc}") from None
    if head.startswith(b"PK") or zipfile.is_zipfile(p):
        return ZipSource(p, limits)
    if head[:2] == b"\x1f\x8b":
        raise PackageError(f"{p}: a gzip/tar archive; Canvas packages are zip files (.imscc or .zip)")
    stripped = head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n")
    if stripped.startswith(b"<") or head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return ManifestOnlySource(p, limits)
    if not head:
        raise PackageError(f"{p}: empty file")
    raise PackageError(f"{p}: not a zip archive, a folder or an XML manifest")
