"""Models of the Canvas objects behind the resources of an export."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


class _Obj:
    _skip: tuple[str, ...] = ()  # fields kept out of to_dict (the QTI model objects)

    def to_dict(self) -> dict:
        """Plain data, like dataclasses.asdict but without its deep copies (it runs once per object in
        `inspect --format json`)."""
        names = type(self).__dict__.get("_names")
        if names is None:
            names = tuple(f.name for f in fields(self) if f.name not in self._skip)
            setattr(type(self), "_names", names)
        return {n: _plain_value(getattr(self, n)) for n in names}


def _plain_value(v):
    if isinstance(v, tuple):
        return [_plain_value(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain_value(x) for k, x in v.items()}
    if isinstance(v, _Obj):
        return v.to_dict()
    return v


@dataclass(frozen=True)
class ModuleItem(_Obj):
    identifier: str | None
    content_type: str | None
    title: str | None
    identifierref: str | None = None
    url: str | None = None
    position: int | None = None
    indent: int | None = None
    workflow_state: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Module(_Obj):
    identifier: str | None
    title: str | None
    position: int | None = None
    workflow_state: str | None = None
    items: tuple[ModuleItem, ...] = ()
    line: int | None = None


@dataclass(frozen=True)
class Page(_Obj):
    identifier: str | None
    title: str | None
    file: str
    workflow_state: str | None = None
    front_page: bool = False


@dataclass(frozen=True)
class Assignment(_Obj):
    identifier: str
    title: str | None
    file: str  # assignment_settings.xml or assignment.xml
    points_possible: float | None = None
    submission_types: str | None = None
    workflow_state: str | None = None
    quiz_identifierref: str | None = None
    topic_identifierref: str | None = None


@dataclass(frozen=True)
class DiscussionTopic(_Obj):
    identifier: str
    title: str | None
    file: str
    announcement: bool = False
    meta_file: str | None = None
    assignment_identifier: str | None = None  # graded discussions carry their assignment


@dataclass(frozen=True)
class SettingsObject(_Obj):
    """An object Canvas writes inside course_settings/ (rubric, assignment group, event, outcome, tool)."""

    kind: str  # the element name: rubric, assignmentGroup, event, learningOutcome, ...
    identifier: str
    title: str | None
    file: str


@dataclass(frozen=True)
class Quiz(_Obj):
    identifier: str
    title: str | None
    file: str | None  # assessment_meta.xml (Canvas) or the QTI file
    qti_file: str | None = None  # CC profile QTI (assessment_qti.xml) or QTI export file
    full_qti_file: str | None = None  # non_cc_assessments/<id>.xml.qti
    question_count: int | None = None
    points_possible: float | None = None
    quiz_type: str | None = None
    assignment_identifier: str | None = None
    question_types: dict = field(default_factory=dict, hash=False, compare=False)  # type -> count
    settings: dict = field(default_factory=dict, hash=False, compare=False)  # from assessment_meta.xml
    resource_identifier: str | None = None  # the manifest resource of the QTI file
    bank_picks: int = 0  # questions drawn from question banks at each attempt (not counted above)
    # the QTI model (cc_toolkit.model.qti): kept out of to_dict
    meta: Any = field(default=None, hash=False, compare=False, repr=False)  # qti.QuizMeta
    assessment: Any = field(default=None, hash=False, compare=False, repr=False)  # full Canvas QTI, else the QTI file
    cc_assessment: Any = field(default=None, hash=False, compare=False, repr=False)  # CC profile file, when both exist

    _skip = ("meta", "assessment", "cc_assessment")


@dataclass(frozen=True)
class QuestionBank(_Obj):
    identifier: str
    title: str | None
    file: str
    question_count: int = 0
    question_types: dict = field(default_factory=dict, hash=False, compare=False)
    points_possible: float | None = None
    bank: Any = field(default=None, hash=False, compare=False, repr=False)  # qti.Assessment (objectbank)

    _skip = ("bank",)


@dataclass(frozen=True)
class WebLink(_Obj):
    identifier: str
    title: str | None
    url: str | None
    file: str | None


@dataclass(frozen=True)
class LtiLink(_Obj):
    identifier: str
    title: str | None
    launch_url: str | None
    file: str | None
    lti_version: str | None = None


@dataclass(frozen=True)
class CourseFile(_Obj):
    identifier: str
    path: str
    size: int | None = None


@dataclass(frozen=True)
class CourseSettings(_Obj):
    identifier: str | None
    title: str | None
    course_code: str | None = None
    start_at: str | None = None
    conclude_at: str | None = None
    default_view: str | None = None


@dataclass(frozen=True)
class Context(_Obj):
    course_id: int | None
    root_account_id: int | None
    course_name: str | None = None
    root_account_name: str | None = None
    canvas_domain: str | None = None
