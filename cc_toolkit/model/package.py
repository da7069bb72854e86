"""The assembled model of one package: what it is, its manifest and the Canvas objects in it."""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from ..finding import Finding
from ..read.source import PackageSource
from .canvas import (Assignment, Context, CourseFile, CourseSettings, DiscussionTopic, LtiLink,
                     Module, Page, QuestionBank, Quiz, SettingsObject, WebLink)
from .manifest import Manifest

KINDS = ("common_cartridge", "qti", "files_zip")


@dataclass
class Package:
    path: str
    source: PackageSource
    kind: str
    cc_version: str | None = None
    thin: bool = False
    canvas: bool = False
    manifest: Manifest | None = None
    manifest_root: etree._Element | None = None  # kept for rules that need lines and raw XML
    modules: list[Module] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    discussion_topics: list[DiscussionTopic] = field(default_factory=list)
    quizzes: list[Quiz] = field(default_factory=list)
    question_banks: list[QuestionBank] = field(default_factory=list)
    web_links: list[WebLink] = field(default_factory=list)
    lti_links: list[LtiLink] = field(default_factory=list)
    files: list[CourseFile] = field(default_factory=list)
    settings_objects: list[SettingsObject] = field(default_factory=list)
    course_settings: CourseSettings | None = None
    context: Context | None = None
    findings: list[Finding] = field(default_factory=list)  # problems met while reading
    parsed: set[str] = field(default_factory=set)  # members parsed as XML or scanned as HTML

    @property
    def title(self) -> str | None:
        if self.manifest and self.manifest.title:
            return self.manifest.title
        if self.course_settings and self.course_settings.title:
            return self.course_settings.title
        return None

    @property
    def announcements(self) -> list[DiscussionTopic]:
        return [t for t in self.discussion_topics if t.announcement]

    def describe(self) -> dict:
        # a path given with undecodable bytes is shown with U+FFFD, so every output stays valid UTF-8
        path = self.path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return {"path": path, "kind": self.kind, "cc_version": self.cc_version,
                "canvas": self.canvas, "thin": self.thin}

    def counts(self) -> dict[str, int]:
        c = {
            "resources": len(self.manifest.resources) if self.manifest else 0,
            "files": sum(1 for _ in self.source.files()),
        }
        for key in ("modules", "pages", "assignments", "quizzes", "question_banks", "web_links",
                    "lti_links"):
            n = len(getattr(self, key))
            if n:
                c[key] = n
        topics = [t for t in self.discussion_topics if not t.announcement]
        if topics:
            c["discussion_topics"] = len(topics)
        if self.announcements:
            c["announcements"] = len(self.announcements)
        if self.files:
            c["course_files"] = len(self.files)
        if self.manifest:
            c["organization_items"] = sum(1 for _ in self.manifest.items())
        return c

    def close(self) -> None:
        self.source.close()
