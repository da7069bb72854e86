"""Models of an IMS content package manifest (Common Cartridge 1.0-1.3, Thin CC, QTI packages)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator


@dataclass(frozen=True)
class FileRef:
    href: str  # as written in <file href>
    path: str  # package path after applying xml:base
    line: int | None = None


@dataclass(frozen=True)
class Dependency:
    identifierref: str
    line: int | None = None


@dataclass(frozen=True)
class Resource:
    identifier: str
    type: str
    href: str | None = None
    href_path: str | None = None  # href after applying xml:base
    intendeduse: str | None = None
    files: tuple[FileRef, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    variants: tuple[str, ...] = ()  # identifierref of cpx:variant
    line: int | None = None
    inline: bool = False  # descriptor inlined in <resource> (flat/thin cartridges)

    @cached_property
    def file_paths(self) -> list[str]:
        """Package paths of the <file> elements (computed once; do not mutate)."""
        return [f.path for f in self.files]

    def to_dict(self) -> dict:
        return {
            "identifier": self.identifier,
            "type": self.type,
            "href": self.href,
            "intendeduse": self.intendeduse,
            "files": [f.href for f in self.files],
            "dependencies": [d.identifierref for d in self.dependencies],
            "variants": list(self.variants),
        }


@dataclass(frozen=True)
class Item:
    identifier: str | None
    identifierref: str | None
    title: str | None
    children: tuple["Item", ...] = ()
    line: int | None = None

    def walk(self) -> Iterator["Item"]:
        yield self
        for c in self.children:
            yield from c.walk()

    def to_dict(self) -> dict:
        return {
            "identifier": self.identifier,
            "identifierref": self.identifierref,
            "title": self.title,
            "children": [c.to_dict() for c in self.children],
        }


@dataclass(frozen=True)
class Organization:
    identifier: str | None
    structure: str | None
    title: str | None
    items: tuple[Item, ...] = ()
    line: int | None = None

    def walk(self) -> Iterator[Item]:
        for i in self.items:
            yield from i.walk()

    def to_dict(self) -> dict:
        return {
            "identifier": self.identifier,
            "structure": self.structure,
            "title": self.title,
            "items": [i.to_dict() for i in self.items],
        }


@dataclass(frozen=True)
class ExportError:
    """A per-item export failure Canvas writes as a comment after </manifest>."""

    message: str
    line: int | None = None


@dataclass(frozen=True)
class Manifest:
    identifier: str | None
    namespace: str | None
    schema: str | None
    schemaversion: str | None
    title: str | None = None
    description: str | None = None
    rights: str | None = None
    organizations: tuple[Organization, ...] = ()
    resources: tuple[Resource, ...] = ()
    export_errors: tuple[ExportError, ...] = ()
    line: int | None = None

    def resource(self, identifier: str) -> Resource | None:
        for r in self.resources:
            if r.identifier == identifier:
                return r
        return None

    def items(self) -> Iterator[Item]:
        for o in self.organizations:
            yield from o.walk()
