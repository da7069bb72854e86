"""A generator of Canvas-shaped exports, with Canvas's identifier scheme.

It writes the bundled sample packages (`python -m cc_toolkit.samples sample_packages/`) and is used by
the tests, the fuzzer and the benchmarks. Output is deterministic: same spec, same bytes.
"""
from __future__ import annotations

import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .canvas_ids import create_key

CC11 = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
CANVAS = "http://canvas.instructure.com/xsd/cccv1p0"
QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class Page:
    id: int
    title: str
    body: str = "<p>Hello.</p>"

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")


@dataclass
class Assignment:
    id: int
    title: str
    points: float = 10.0
    body: str = "<p>Submit your work.</p>"


@dataclass
class Topic:
    id: int
    title: str
    body: str = "<p>Discuss.</p>"
    announcement: bool = False


@dataclass
class Question:
    id: int
    kind: str = "multiple_choice_question"  # or true_false_question, essay_question
    text: str = "Pick one."
    points: float = 1.0


@dataclass
class Quiz:
    id: int
    title: str
    questions: list[Question] = field(default_factory=list)


@dataclass
class File:
    id: int
    path: str  # below web_resources/
    data: bytes = b"file"


@dataclass
class ModuleItem:
    id: int
    kind: str  # page, assignment, topic, quiz, file, url, header
    ref: int | None = None
    title: str | None = None
    url: str | None = None


@dataclass
class Module:
    id: int
    title: str
    items: list[ModuleItem] = field(default_factory=list)


@dataclass
class Course:
    id: int = 42
    title: str = "Sample Course"
    mode: str = "i"
    shard: int = 0
    root_account_id: int = 1
    pages: list[Page] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    quizzes: list[Quiz] = field(default_factory=list)
    files: list[File] = field(default_factory=list)
    modules: list[Module] = field(default_factory=list)

    def key(self, asset: str, oid: int, prepend: str = "") -> str:
        return create_key(asset, oid, prepend, self.mode, self.shard)


_KIND_ASSET = {"page": "wiki_page", "assignment": "assignment", "topic": "discussion_topic", "quiz": "quiz",
               "file": "attachment"}
_KIND_CONTENT = {"page": "WikiPage", "assignment": "Assignment", "topic": "DiscussionTopic", "quiz": "Quizzes::Quiz",
                 "file": "Attachment", "url": "ExternalUrl", "header": "ContextModuleSubHeader"}


def _xml(root: str, ns: str, body: str, attrs: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}{attrs} xmlns="{ns}">\n{body}</{root}>\n').encode()


def _html(title: str, ident: str, body: str) -> bytes:
    return (f'<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
            f"<title>{escape(title)}</title>\n<meta name=\"identifier\" content=\"{ident}\"/>\n"
            f'<meta name="workflow_state" content="active"/>\n</head>\n<body>\n{body}\n</body>\n</html>\n').encode()


def _qti_items(quiz: Quiz, course: Course, full: bool) -> str:
    out = []
    for q in quiz.questions:
        ident = course.key("assessment_question", q.id)
        if q.kind == "essay_question":
            resp = '<response_str ident="response1" rcardinality="Single"><render_fib><response_label ident="answer1" rshuffle="No"/></render_fib></response_str>'
            proc = ""
        else:
            choices = [("a1", "True"), ("a2", "False")] if q.kind == "true_false_question" else \
                [("a1", "Alpha"), ("a2", "Beta"), ("a3", "Gamma")]
            labels = "".join(f'<response_label ident="{c}"><material><mattext texttype="text/plain">{t}</mattext></material></response_label>'
                             for c, t in choices)
            resp = f'<response_lid ident="response1" rcardinality="Single"><render_choice>{labels}</render_choice></response_lid>'
            proc = ('<resprocessing><outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>'
                    '<respcondition continue="No"><conditionvar><varequal respident="response1">a1</varequal></conditionvar>'
                    '<setvar action="Set" varname="SCORE">100</setvar></respcondition></resprocessing>')
        profile = {"multiple_choice_question": "cc.multiple_choice.v0p1", "true_false_question": "cc.true_false.v0p1",
                   "essay_question": "cc.essay.v0p1"}[q.kind]
        meta = (f"<qtimetadatafield><fieldlabel>question_type</fieldlabel><fieldentry>{q.kind}</fieldentry></qtimetadatafield>"
                f"<qtimetadatafield><fieldlabel>points_possible</fieldlabel><fieldentry>{q.points}</fieldentry></qtimetadatafield>"
                if full else
                f"<qtimetadatafield><fieldlabel>cc_profile</fieldlabel><fieldentry>{profile}</fieldentry></qtimetadatafield>")
        out.append(f'<item ident="{ident}" title="Question {q.id}"><itemmetadata><qtimetadata>{meta}</qtimetadata></itemmetadata>'
                   f'<presentation><material><mattext texttype="text/html">{escape(q.text)}</mattext></material>{resp}</presentation>'
                   f"{proc}</item>\n")
    return "".join(out)


def _qti(quiz: Quiz, course: Course, full: bool) -> bytes:
    ident = course.key("quiz", quiz.id)
    ns_attr = f' xmlns="{QTI}"'
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<questestinterop{ns_attr}>\n'
            f'<assessment ident="{ident}" title={quoteattr(quiz.title)}>\n<section ident="root_section">\n'
            f"{_qti_items(quiz, course, full)}</section>\n</assessment>\n</questestinterop>\n").encode()


def build_course(course: Course) -> tuple[bytes, dict[str, bytes]]:
    """The manifest and the other members of a Canvas CC 1.1 export of `course`."""
    files: dict[str, bytes] = {}
    res: list[str] = []
    k = course.key
    settings_id = k("course", course.id, "course_settings_")
    cs = ["course_settings/course_settings.xml", "course_settings/context.xml", "course_settings/module_meta.xml",
          "course_settings/files_meta.xml", "course_settings/canvas_export.txt"]
    res.append(f'<resource identifier="{settings_id}" type="associatedcontent/imscc_xmlv1p1/learning-application-resource" '
               f'href="course_settings/canvas_export.txt">\n' + "".join(f'<file href="{p}"/>\n' for p in cs) + "</resource>")
    files["course_settings/canvas_export.txt"] = b"Q: What did the confused tree say?\nA: Canvas exported me!\n"
    files["course_settings/course_settings.xml"] = _xml(
        "course", CANVAS, f"<title>{escape(course.title)}</title>\n<course_code>SAMPLE</course_code>\n",
        f' identifier="{k("course", course.id)}"')
    files["course_settings/context.xml"] = _xml(
        "context_info", CANVAS, f"<course_id>{course.id}</course_id>\n<course_name>{escape(course.title)}</course_name>\n"
        f"<root_account_id>{course.root_account_id}</root_account_id>\n<canvas_domain>canvas.example.edu</canvas_domain>\n")
    files["course_settings/files_meta.xml"] = _xml("fileMeta", CANVAS, "")
    for p in course.pages:
        ident = k("wiki_page", p.id)
        path = f"wiki_content/{p.slug}.html"
        files[path] = _html(p.title, ident, p.body)
        res.append(f'<resource identifier="{ident}" type="webcontent" href="{path}">\n<file href="{path}"/>\n</resource>')
    for a in course.assignments:
        ident = k("assignment", a.id)
        slug = re.sub(r"[^a-z0-9]+", "-", a.title.lower()).strip("-")
        html_path, settings = f"{ident}/{slug}.html", f"{ident}/assignment_settings.xml"
        files[html_path] = _html(a.title, ident, a.body)
        files[settings] = _xml("assignment", CANVAS,
                               f"<title>{escape(a.title)}</title>\n<points_possible>{a.points}</points_possible>\n"
                               "<submission_types>online_text_entry</submission_types>\n<workflow_state>published</workflow_state>\n",
                               f' identifier="{ident}"')
        res.append(f'<resource identifier="{ident}" type="associatedcontent/imscc_xmlv1p1/learning-application-resource" '
                   f'href="{html_path}">\n<file href="{html_path}"/>\n<file href="{settings}"/>\n</resource>')
    for t in course.topics:
        ident, meta = k("discussion_topic", t.id), k("discussion_topic", t.id, "meta")
        files[f"{ident}.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?>\n<topic xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1">\n'
                                 f"<title>{escape(t.title)}</title>\n<text texttype=\"text/html\">{escape(t.body)}</text>\n</topic>\n").encode()
        files[f"{meta}.xml"] = _xml("topicMeta", CANVAS, f"<topic_id>{ident}</topic_id>\n<title>{escape(t.title)}</title>\n"
                                    f"<type>{'announcement' if t.announcement else 'topic'}</type>\n", f' identifier="{meta}"')
        res.append(f'<resource identifier="{ident}" type="imsdt_xmlv1p1">\n<file href="{ident}.xml"/>\n'
                   f'<dependency identifierref="{meta}"/>\n</resource>')
        res.append(f'<resource identifier="{meta}" type="associatedcontent/imscc_xmlv1p1/learning-application-resource" '
                   f'href="{meta}.xml">\n<file href="{meta}.xml"/>\n</resource>')
    for q in course.quizzes:
        ident, meta = k("quiz", q.id), k("quiz", q.id, "canvas_")
        files[f"{ident}/assessment_qti.xml"] = _qti(q, course, full=False)
        files[f"{ident}/assessment_meta.xml"] = _xml(
            "quiz", CANVAS, f"<title>{escape(q.title)}</title>\n<quiz_type>assignment</quiz_type>\n"
            f"<points_possible>{sum(x.points for x in q.questions)}</points_possible>\n", f' identifier="{ident}"')
        files[f"non_cc_assessments/{ident}.xml.qti"] = _qti(q, course, full=True)
        res.append(f'<resource identifier="{ident}" type="imsqti_xmlv1p2/imscc_xmlv1p1/assessment">\n'
                   f'<file href="{ident}/assessment_qti.xml"/>\n<dependency identifierref="{meta}"/>\n</resource>')
        res.append(f'<resource identifier="{meta}" type="associatedcontent/imscc_xmlv1p1/learning-application-resource" '
                   f'href="{ident}/assessment_meta.xml">\n<file href="{ident}/assessment_meta.xml"/>\n'
                   f'<file href="non_cc_assessments/{ident}.xml.qti"/>\n</resource>')
    for f in course.files:
        ident = k("attachment", f.id)
        path = f"web_resources/{f.path}"
        files[path] = f.data
        res.append(f'<resource identifier="{ident}" type="webcontent" href="{path}">\n<file href="{path}"/>\n</resource>')
    # modules: module_meta.xml and the organization
    mods, org = [], []
    for m in course.modules:
        mid = k("context_module", m.id)
        items, oitems = [], []
        for pos, it in enumerate(m.items, 1):
            iid = k("content_tag", it.id)
            ref = k(_KIND_ASSET[it.kind], it.ref) if it.kind in _KIND_ASSET else None
            if it.kind == "url":
                ref = iid
            title = it.title or it.kind
            items.append(f'<item identifier="{iid}">\n<content_type>{_KIND_CONTENT[it.kind]}</content_type>\n'
                         f"<workflow_state>active</workflow_state>\n<title>{escape(title)}</title>\n"
                         + (f"<identifierref>{ref}</identifierref>\n" if ref else "")
                         + (f"<url>{escape(it.url)}</url>\n" if it.url else "")
                         + f"<position>{pos}</position>\n<indent>0</indent>\n</item>\n")
            if it.kind == "url":
                wl = iid
                files[f"{wl}.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?>\n<webLink xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1">\n'
                                      f'<title>{escape(title)}</title>\n<url href={quoteattr(it.url or "")}/>\n</webLink>\n').encode()
                res.append(f'<resource identifier="{k("content_tag", it.id, "weblink")}" type="imswl_xmlv1p1">\n<file href="{wl}.xml"/>\n</resource>')
                ref = k("content_tag", it.id, "weblink")
            oitems.append(f'<item identifier="{iid}"' + (f' identifierref="{ref}"' if ref else "") +
                          f">\n<title>{escape(title)}</title>\n</item>\n")
        mods.append(f'<module identifier="{mid}">\n<title>{escape(m.title)}</title>\n<workflow_state>active</workflow_state>\n'
                    f"<position>{m.id}</position>\n<items>\n{''.join(items)}</items>\n</module>\n")
        org.append(f'<item identifier="{mid}">\n<title>{escape(m.title)}</title>\n{"".join(oitems)}</item>\n')
    files["course_settings/module_meta.xml"] = _xml("modules", CANVAS, "".join(mods))
    manifest = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<manifest identifier="{k("course", course.id, "common_cartridge_")}" '
        f'xmlns="{CC11}" xmlns:lomimscc="http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest">\n'
        f"<metadata>\n<schema>IMS Common Cartridge</schema>\n<schemaversion>1.1.0</schemaversion>\n"
        f"<lomimscc:lom>\n<lomimscc:general>\n<lomimscc:title>\n<lomimscc:string>{escape(course.title)}</lomimscc:string>\n"
        f"</lomimscc:title>\n</lomimscc:general>\n</lomimscc:lom>\n</metadata>\n"
        f'<organizations>\n<organization identifier="org_1" structure="rooted-hierarchy">\n'
        f'<item identifier="LearningModules">\n{"".join(org)}</item>\n</organization>\n</organizations>\n'
        f"<resources>\n" + "\n".join(res) + "\n</resources>\n</manifest>\n"
    ).encode()
    return manifest, files


def build_qti_export(course: Course) -> dict[str, bytes]:
    """The members of a Canvas QTI export (export_type=qti) of the course's quizzes."""
    files: dict[str, bytes] = {}
    res = []
    for q in course.quizzes:
        ident = course.key("quiz", q.id)
        meta = course.key("quiz", q.id, "canvas_")
        files[f"{ident}/{ident}.xml"] = _qti(q, course, full=True)
        files[f"{ident}/assessment_meta.xml"] = _xml(
            "quiz", CANVAS, f"<title>{escape(q.title)}</title>\n<quiz_type>assignment</quiz_type>\n", f' identifier="{ident}"')
        res.append(f'<resource identifier="{ident}" type="imsqti_xmlv1p2" href="{ident}/{ident}.xml">\n'
                   f'<file href="{ident}/{ident}.xml"/>\n<dependency identifierref="{meta}"/>\n</resource>\n'
                   f'<resource identifier="{meta}" type="associatedcontent/imscc_xmlv1p1/learning-application-resource" '
                   f'href="{ident}/assessment_meta.xml">\n<file href="{ident}/assessment_meta.xml"/>\n</resource>')
    files["imsmanifest.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<manifest identifier="{course.key("course", course.id, "qti_export_")}" '
        f'xmlns="{CC11}">\n<metadata>\n<schema>IMS Content</schema>\n<schemaversion>1.1.3</schemaversion>\n</metadata>\n'
        f"<organizations/>\n<resources>\n" + "\n".join(res) + "\n</resources>\n</manifest>\n").encode()
    return files


def write_zip(path: str | Path | io.BytesIO, members: dict[str, bytes] | list[tuple[str, bytes]]) -> None:
    items = members.items() if isinstance(members, dict) else members
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)


def sample_course() -> Course:
    """The clean sample: pages, an assignment, a discussion, an announcement, a quiz, files, modules."""
    logo = File(12, "images/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(64)))
    return Course(
        id=42, title="Sample Course",
        pages=[Page(5, "Welcome", '<p>Welcome! <img src="$IMS-CC-FILEBASE$/images/logo.png" alt="logo"></p>\n'
                                  '<p>Read the <a href="$WIKI_REFERENCE$/pages/syllabus">syllabus</a>.</p>'),
               Page(6, "Syllabus", '<p>Download the <a href="%24IMS-CC-FILEBASE%24/handouts/reading%20list.pdf?canvas_download=1">'
                                   "reading list</a>.</p>")],
        assignments=[Assignment(3, "Essay 1", 20.0, '<p>See <a href="$CANVAS_OBJECT_REFERENCE$/quizzes/'
                                                  + create_key("quiz", 7) + '">the quiz</a>.</p>')],
        topics=[Topic(8, "Introductions"), Topic(9, "Course starts Monday", announcement=True)],
        quizzes=[Quiz(7, "Quiz 1", [Question(101), Question(102, "true_false_question"), Question(103, "essay_question", points=5)])],
        files=[logo, File(13, "handouts/reading list.pdf", b"%PDF-1.4\n% sample\n")],
        modules=[Module(1, "Week 1", [ModuleItem(201, "page", 5, "Welcome"), ModuleItem(202, "assignment", 3, "Essay 1"),
                                      ModuleItem(203, "header", None, "Extra")]),
                 Module(2, "Week 2", [ModuleItem(204, "quiz", 7, "Quiz 1"), ModuleItem(205, "topic", 8, "Introductions"),
                                      ModuleItem(206, "file", 13, "reading list.pdf"),
                                      ModuleItem(207, "url", None, "IMS", "https://www.imsglobal.org/")])],
    )


def broken_members() -> list[tuple[str, bytes]]:
    """A course that trips many rules, each on purpose (see tests/test_samples.py for the list)."""
    course = sample_course()
    course.pages.append(Page(10, "Links", '<p><a href="https://canvas.example.edu/courses/42/pages/welcome">old</a>\n'
                                          '<img src="$IMS-CC-FILEBASE$/images/missing.png">\n'
                                          '<a href="$WIKI_REFERENCE$/pages/no-such-page">x</a>\n'
                                          '<a href="$IMS-CC-FILEBASE$/handouts/reading%2520list.pdf">y</a></p>'))
    manifest, files = build_course(course)
    text = manifest.decode()
    page10 = course.key("wiki_page", 10)
    text = text.replace(f'<item identifier="{course.key("content_tag", 201)}" identifierref="{course.key("wiki_page", 5)}">',
                        f'<item identifier="{course.key("content_tag", 201)}" identifierref="i00000000000000000000000000000000">')
    text = text.replace(f'<resource identifier="{page10}" type="webcontent" href="wiki_content/links.html">\n'
                        f'<file href="wiki_content/links.html"/>\n</resource>',
                        f'<resource identifier="{page10}" type="webcontent" href="wiki_content/links.html">\n'
                        f'<file href="wiki_content/links.html"/>\n<file href="wiki_content/gone.html"/>\n'
                        f'<dependency identifierref="inowhere"/>\n</resource>\n'
                        f'<resource identifier="{page10}" type="webcontent" href="wiki_content/links.html">\n'
                        f'<file href="wiki_content/links.html"/>\n</resource>\n'
                        f'<resource identifier="1bad" type="webcontent"/>')
    text = text.replace("</manifest>\n", "</manifest>\n<!--\nExport errors for export 77:\nFailed to export "
                                         "wiki page \"Broken page\"\n-->\n")
    files = dict(files)
    topic = course.key("discussion_topic", 8)
    files[f"{topic}.xml"] = files[f"{topic}.xml"].replace(b"</title>", b"</titel>")
    files["web_resources/stray.txt"] = b"nobody lists me\n"
    files["course_settings/course_settings.xml"] = files["course_settings/course_settings.xml"].replace(
        b"SAMPLE", b"SAMPLE\x01")
    members = [("imsmanifest.xml", text.encode())] + list(files.items())
    members += [("web_resources\\windows.txt", b"backslash"), ("web_resources/Images/LOGO.png", b"case"),
                ("../evil.txt", b"zip slip")]
    return members


def write_samples(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    course = sample_course()
    manifest, files = build_course(course)
    written = []
    p = out / "canvas_course.imscc"
    write_zip(p, [("imsmanifest.xml", manifest)] + list(files.items()))
    written.append(p)
    p = out / "canvas_quiz_export.zip"
    write_zip(p, build_qti_export(course))
    written.append(p)
    p = out / "course_files_export.zip"
    write_zip(p, [("course files/", b""), ("course files/images/logo.png", course.files[0].data),
                  ("course files/handouts/reading list.pdf", course.files[1].data),
                  ("course files/handouts/notes.html", b'<html><body><img src="../images/logo.png"></body></html>')])
    written.append(p)
    p = out / "broken_course.imscc"
    write_zip(p, broken_members())
    written.append(p)
    return written


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0] if argv else "sample_packages")
    for p in write_samples(out):
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
