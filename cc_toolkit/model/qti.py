"""A model of QTI 1.2 as Canvas writes it, built from an already-parsed lxml tree.

Covers the Common Cartridge profile (`assessment_qti.xml`), the full Canvas QTI
(`non_cc_assessments/*.xml.qti`, QTI exports) and plain QTI 1.2 from other tools: assessments,
sections (question groups with pick count, points per item and `sourcebank_ref`), items with their
Canvas `question_type` or CC `cc_profile`, responses and their choices, scoring derived from
`resprocessing`, feedback, and question banks (`objectbank`). Quiz settings come from
`assessment_meta.xml` (`parse_quiz_meta`).

The model is small on purpose: no lxml element is kept, question text is reduced to an excerpt and
the `[blank]` names it contains. Element names are matched by local name, so documents with or
without the `http://www.imsglobal.org/xsd/ims_qtiasiv1p2` namespace read the same; elements of
other namespaces (tool extensions) are skipped. Parsing never raises on odd input.

Facts about Canvas (from instructure/canvas-lms, lib/cc/qti/qti_items.rb and
app/models/assessment_question.rb):
- the CC profile file keeps only multiple choice, multiple answers, true/false, short answer and
  essay questions (profiles cc.multiple_choice, cc.multiple_response, cc.true_false, cc.fib, cc.essay);
- choice questions answer `response1` (`response_lid` + `render_choice`); short answer, essay,
  numerical and calculated answer `response1` as `response_str` + `render_fib` (Decimal for numbers);
  matching answers `response_<answer id>` per left side; multiple dropdowns and fill in multiple
  blanks answer `response_<blank>` per `[blank]` of the question text;
- numerical answers are exact (`varequal`, with `vargte`/`varlte` around it inside `or` for a
  margin), precision (`varequal` or `vargt`/`varlte`) or a range (`vargte` + `varlte`);
- question groups are nested `section`s whose `selection_ordering/selection` carries
  `sourcebank_ref`, `selection_number` (pick count) and `selection_extension/points_per_item`.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"

# every question type Canvas Classic Quizzes knows (AssessmentQuestion::ALL_QUESTION_TYPES)
CLASSIC_TYPES = (
    "multiple_choice_question", "true_false_question", "short_answer_question",
    "fill_in_multiple_blanks_question", "multiple_answers_question", "multiple_dropdowns_question",
    "matching_question", "numerical_question", "calculated_question", "essay_question",
    "file_upload_question", "text_only_question", "missing_word_question",
)
# types only New Quizzes writes into its QTI exports
NEW_QUIZZES_TYPES = ("categorization_question", "ordering_question", "hot_spot_question")
# values the Canvas importer maps onto a known type (QUESTION_TYPE_MAPPING)
IMPORTER_ALIASES = (
    (re.compile(r"matching", re.I), "matching_question"),
    (re.compile(r"text\s?information", re.I), "text_only_question"),
    (re.compile(r"image", re.I), "text_only_question"),
    (re.compile(r"^trueFalse$"), "true_false_question"),
    (re.compile(r"true/false", re.I), "true_false_question"),
    (re.compile(r"^multiple_dropdowns$"), "multiple_dropdowns_question"),
)
# Canvas writes question_type "Error" for a question whose own import failed earlier
ERROR_TYPE = "Error"

# what the CC profile file can carry, and the profile Canvas writes for each
CC_PROFILES = {
    "cc.multiple_choice.v0p1": "multiple_choice_question",
    "cc.multiple_response.v0p1": "multiple_answers_question",
    "cc.true_false.v0p1": "true_false_question",
    "cc.fib.v0p1": "short_answer_question",
    "cc.pattern_match.v0p1": "short_answer_question",
    "cc.essay.v0p1": "essay_question",
}
CC_SUPPORTED_TYPES = frozenset(("multiple_choice_question", "multiple_answers_question", "true_false_question",
                                "short_answer_question", "essay_question"))
ASSESSMENT_PROFILES = ("cc.exam.v0p1", "cc.quiz.v0p1", "cc.survey.v0p1", "cc.graded_survey.v0p1")

CHOICE_TYPES = frozenset(("multiple_choice_question", "true_false_question", "multiple_answers_question"))
BLANK_TYPES = frozenset(("multiple_dropdowns_question", "fill_in_multiple_blanks_question"))
TEXT_ENTRY_TYPES = frozenset(("short_answer_question", "essay_question"))
NUMBER_TYPES = frozenset(("numerical_question", "calculated_question"))
# auto-graded: Canvas needs a correct answer in the QTI to grade them
AUTO_GRADED = frozenset(("multiple_choice_question", "true_false_question", "multiple_answers_question",
                         "short_answer_question", "fill_in_multiple_blanks_question", "multiple_dropdowns_question",
                         "matching_question", "numerical_question", "missing_word_question"))

RESPONSE_KINDS = {"response_lid": "lid", "response_str": "str", "response_num": "num", "response_xy": "xy",
                  "response_grp": "grp", "response_extension": "extension"}
CONDITION_OPS = frozenset(("varequal", "varlt", "varlte", "vargt", "vargte", "varsubset", "varinside",
                           "varsubstring", "durequal", "durlt", "durlte", "durgt", "durgte", "other", "unanswered"))
# QTI 2.x element names (their presence in a QTI 1.2 document is a mix-up Canvas ignores)
QTI2_NAMES = frozenset((
    "assessmentItem", "assessmentTest", "assessmentSection", "testPart", "itemBody", "responseDeclaration",
    "outcomeDeclaration", "responseProcessing", "choiceInteraction", "simpleChoice", "textEntryInteraction",
    "extendedTextInteraction", "inlineChoiceInteraction", "matchInteraction", "orderInteraction",
    "associateInteraction", "hotspotInteraction", "gapMatchInteraction", "correctResponse",
    "modalFeedback", "assessmentItemRef", "templateDeclaration",
))
# QTI 1.2 constructs Canvas Classic Quizzes has no question type for
UNSUPPORTED_RESPONSES = frozenset(("response_xy", "response_grp", "render_slider", "render_hotspot"))

BLANK_RE = re.compile(r"\[([A-Za-z0-9_.\-]+)\]")
_TAG_RE = re.compile(r"<[^>]*>")
EXCERPT = 200


def localname(el) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag[tag.rfind("}") + 1:]  # '{ns}name' or 'name' (string slicing: this runs for every element)


def _ns(el) -> str | None:
    tag = el.tag
    if not isinstance(tag, str) or not tag.startswith("{"):
        return None
    return tag[1:tag.find("}")]


def is_qti2_ns(ns: str | None) -> bool:
    return bool(ns) and ("imsqti_v2" in ns or "imsqtiasi_v3" in ns)


def _ours(el) -> bool:
    """An element of QTI 1.2 (any namespace spelling, or none): tool extensions are skipped."""
    if not isinstance(el.tag, str):
        return False
    ns = _ns(el)
    return ns is None or ("qti" in ns.lower() and not is_qti2_ns(ns))


_OURS_NS: dict[str, bool] = {}


def _our_local(tag) -> str | None:
    """The local name of a QTI 1.2 element's tag, None for other elements (one pass over the tag string)."""
    if not isinstance(tag, str):
        return None
    if tag[:1] != "{":
        return tag
    i = tag.find("}")
    ns = tag[1:i]
    ok = _OURS_NS.get(ns)
    if ok is None:
        ok = _OURS_NS[ns] = "qti" in ns.lower() and not is_qti2_ns(ns)
    return tag[i + 1:] if ok else None


def _kids(el, *names: str):
    return [c for c in el if _our_local(c.tag) in names]


def _kid(el, name: str):
    for c in el:
        if _our_local(c.tag) == name:
            return c
    return None


def _text(el) -> str | None:
    if el is None:
        return None
    t = (el.text or "") if len(el) == 0 else "".join(el.itertext())  # a leaf's text without the iterator
    return t.strip() or None


def _pick(n: int | None) -> int | None:
    """A pick count Canvas can store (a 32-bit integer column), else None."""
    return n if n is not None and 0 <= n < 2 ** 31 else None


def number(v: str | None) -> float | None:
    """A finite number from text, else None ('nan' and '1e999' parse as floats but are no value): the one
    parser of points and scores, for the QTI model and the Canvas objects alike."""
    if v is None:
        return None
    try:
        f = float(v.strip())
    except (ValueError, AttributeError):
        return None
    return f if math.isfinite(f) else None



def _int(v: str | None) -> int | None:
    f = number(v)
    return int(f) if f is not None and f == int(f) else None


def plain(html: str | None) -> str:
    """A one-line plain text excerpt of HTML."""
    if not html:
        return ""
    import html as _html

    t = " ".join(_html.unescape(_TAG_RE.sub(" ", html)).split())
    return t if len(t) <= EXCERPT else t[:EXCERPT - 1] + "…"


def _metadata(el) -> dict[str, str]:
    """qtimetadatafield label -> entry below `el` (first value wins)."""
    out: dict[str, str] = {}
    for md in el.iter("{*}qtimetadatafield"):  # filtered in C: any or no namespace
        label = entry = None
        for c in md:  # the first fieldlabel and fieldentry, in one pass
            n = _our_local(c.tag)
            if n == "fieldlabel":
                label = c if label is None else label
            elif n == "fieldentry":
                entry = c if entry is None else entry
        label = _text(label)
        if label and label not in out:
            out[label] = _text(entry) or ""
    return out


# -- the model ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Choice:
    ident: str | None
    text: str
    line: int | None = None


@dataclass(frozen=True)
class Response:
    """A response_lid/_str/_num/_xy/_grp of an item's presentation."""

    ident: str | None
    kind: str  # lid, str, num, xy, grp, extension
    element: str  # response_lid, ...
    cardinality: str | None
    render: str | None  # render_choice, render_fib, render_hotspot, render_slider, render_extension, ...
    fibtype: str | None
    choices: tuple[Choice, ...]
    prompt: str | None  # the response's own material: Canvas writes the blank name there
    line: int | None = None

    @property
    def blank(self) -> str | None:
        """The `[blank]` this response answers (multiple dropdowns, fill in multiple blanks)."""
        if self.ident and self.ident.startswith("response_"):
            return self.ident[len("response_"):]
        return self.prompt


@dataclass(frozen=True)
class Condition:
    """One test inside a conditionvar: varequal, vargte, ... or other."""

    op: str
    respident: str | None
    value: str | None
    negated: bool
    under_or: bool
    line: int | None = None


@dataclass(frozen=True)
class RespCondition:
    conditions: tuple[Condition, ...]
    action: str | None  # setvar action on the score: Set, Add, Subtract, ...
    score: float | None
    varname: str | None
    feedback: tuple[str, ...]
    title: str | None = None
    continue_: str | None = None
    line: int | None = None

    @property
    def awards(self) -> bool:
        """Gives points: sets or adds a positive score on a real condition (not `other`)."""
        if self.score is None or self.score <= 0 or (self.action or "Set").lower() not in ("set", "add"):
            return False
        return any(c.op != "other" and not c.negated and (c.value is not None or c.op == "unanswered")
                   for c in self.conditions)


@dataclass(frozen=True)
class NumericAnswer:
    """A correct numerical answer. kind: exact (varequal, maybe with margin), precision, range."""

    kind: str
    value: float | None
    low: float | None
    high: float | None
    line: int | None = None


@dataclass(frozen=True)
class Item:
    ident: str | None
    title: str | None
    question_type: str | None  # Canvas question_type metadata, as written
    cc_profile: str | None
    type: str  # effective type: question_type, else from cc_profile, else inferred from the structure
    type_source: str  # canvas, cc_profile, inferred
    points: float | None
    text: str  # plain-text excerpt of the question
    blanks: tuple[str, ...]  # [blank] names in the question text, in order
    responses: tuple[Response, ...]
    conditions: tuple[RespCondition, ...]
    feedback: tuple[str, ...]  # itemfeedback idents
    has_resprocessing: bool
    calculated_answers: int = 0  # var_sets with an answer (calculated questions)
    numeric_answers: tuple[NumericAnswer, ...] = ()
    unsupported: tuple[tuple[str, int | None], ...] = ()  # (element, line) Canvas cannot import
    metadata: dict = field(default_factory=dict, hash=False, compare=False)
    line: int | None = None
    summary: bool = False  # modelled to its type and points only (`parse_qti(detail=False)`)

    def response(self, ident: str | None) -> Response | None:
        return next((r for r in self.responses if r.ident == ident), None)

    def correct(self) -> dict[str | None, tuple[str, ...]]:
        """respident -> the values that earn points (choice idents, accepted texts, numbers)."""
        out: dict[str | None, list[str]] = {}
        for rc in self.conditions:
            if not rc.awards:
                continue
            for c in rc.conditions:
                if c.op == "varequal" and not c.negated and c.value:
                    vals = out.setdefault(c.respident, [])
                    if c.value not in vals:
                        vals.append(c.value)
        return {k: tuple(v) for k, v in out.items()}

    def has_correct_answer(self) -> bool:
        if self.type == "calculated_question":
            return self.calculated_answers > 0 or any(rc.awards for rc in self.conditions)
        if self.type == "numerical_question" and self.numeric_answers:
            return True
        return any(rc.awards for rc in self.conditions)


@dataclass(frozen=True)
class Section:
    ident: str | None
    title: str | None
    items: tuple[Item, ...]
    sections: tuple["Section", ...]
    pick_count: int | None = None  # selection_number
    points_per_item: float | None = None
    sourcebank_ref: str | None = None
    sourcebank_external: bool = False
    has_selection: bool = False
    bank_entries: tuple[tuple[str, int | None], ...] = ()  # New Quizzes bankentry_item (sourcebank_ref, line)
    itemrefs: int = 0
    line: int | None = None

    def all_items(self):
        yield from self.items
        for s in self.sections:
            yield from s.all_items()

    def all_sections(self):
        yield self
        for s in self.sections:
            yield from s.all_sections()

    @property
    def empty(self) -> bool:
        return not self.items and not self.sections and not self.itemrefs and not self.bank_entries


@dataclass(frozen=True)
class Assessment:
    """An `<assessment>` (a quiz) or an `<objectbank>` (a question bank: `bank` is True)."""

    ident: str | None
    title: str | None
    sections: tuple[Section, ...]
    items: tuple[Item, ...]  # items directly below the assessment/bank (outside any section)
    metadata: dict = field(default_factory=dict, hash=False, compare=False)
    bank: bool = False
    file: str | None = None
    line: int | None = None

    def all_items(self) -> list[Item]:
        out = list(self.items)
        for s in self.sections:
            out.extend(s.all_items())
        return out

    def all_sections(self) -> list[Section]:
        return [x for s in self.sections for x in s.all_sections()]

    @property
    def cc_profile(self) -> str | None:
        return self.metadata.get("cc_profile")

    def question_types(self) -> dict[str, int]:
        return dict(Counter(i.type for i in self.all_items()))

    def points(self) -> float | None:
        """Points of one attempt: items' points, a group counting pick count x points per item."""
        total, known = 0.0, False
        for it in self.items:
            if it.points is not None:
                total, known = total + it.points, True
        for s in self.sections:
            p = _section_points(s)
            if p is not None:
                total, known = total + p, True
        return round(total, 6) if known and math.isfinite(total) else None  # 1e308 + 1e308 is no total

    @property
    def title_or_bank(self) -> str | None:
        return self.title or self.metadata.get("bank_title")


def _section_points(s: Section) -> float | None:
    if s.points_per_item is not None and s.has_selection:
        n = s.pick_count if s.pick_count is not None else len(s.items)
        return n * s.points_per_item
    total, known = 0.0, False
    for it in s.items:
        if it.points is not None:
            total, known = total + it.points, True
    for sub in s.sections:
        p = _section_points(sub)
        if p is not None:
            total, known = total + p, True
    return total if known else None


@dataclass(frozen=True)
class QtiDocument:
    file: str
    namespace: str | None
    assessments: tuple[Assessment, ...]
    banks: tuple[Assessment, ...]
    loose_items: tuple[Item, ...]  # items outside any assessment or bank
    qti2: tuple[tuple[str, int | None], ...] = ()  # QTI 2.x elements found (name, line), first few
    line: int | None = None

    def all_items(self) -> list[Item]:
        out = list(self.loose_items)
        for a in self.assessments + self.banks:
            out.extend(a.all_items())
        return out


@dataclass(frozen=True)
class QuizMeta:
    """Settings of a Canvas quiz from `assessment_meta.xml`."""

    identifier: str | None
    title: str | None
    settings: dict = field(default_factory=dict, hash=False, compare=False)
    assignment_identifier: str | None = None
    assignment_quiz_ref: str | None = None
    assignment_group_ref: str | None = None
    assignment_points: float | None = None
    line: int | None = None
    assignment_line: int | None = None
    quiz_ref_line: int | None = None
    group_ref_line: int | None = None


# -- parsing -----------------------------------------------------------------------------------

def parse_qti(root, file: str, detail: bool = True) -> QtiDocument:
    """The model of one QTI 1.2 document (root `questestinterop`, or a bare `item`).

    `detail=False` models each item to its type and points only (`item_summary`): what `inspect`
    counts, at a fraction of the cost; the QTI rules always get the detailed model."""
    item = parse_item if detail else item_summary
    qti2: list[tuple[str, int | None]] = []
    for el in root.iter() if detail else ():
        tag = el.tag  # string tests on the tag: this loop visits every element of the document
        if isinstance(tag, str) and (tag[tag.rfind("}") + 1:] in QTI2_NAMES or "imsqti_v2" in tag
                                     or "imsqtiasi_v3" in tag):
            qti2.append((localname(el), el.sourceline))
            if len(qti2) >= 10:
                break
    assessments, banks, loose = [], [], []
    if localname(root) == "item":
        loose.append(item(root))
    else:
        for c in root:
            if not _ours(c):
                continue
            ln = localname(c)
            if ln == "assessment":
                assessments.append(_assessment(c, file, False, item))
            elif ln == "objectbank":
                banks.append(_assessment(c, file, True, item))
            elif ln == "item":
                loose.append(item(c))
            elif ln == "section":
                loose.extend(_section(c, item).all_items())
    return QtiDocument(file, _ns(root), tuple(assessments), tuple(banks), tuple(loose), tuple(qti2), root.sourceline)


def _assessment(el, file: str, bank: bool, item) -> Assessment:
    md = {}
    for q in _kids(el, "qtimetadata"):
        md.update({k: v for k, v in _metadata(q).items() if k not in md})
    return Assessment(el.get("ident"), el.get("title"),
                      tuple(_section(s, item) for s in _kids(el, "section")),
                      tuple(item(i) for i in _kids(el, "item")), md, bank, file, el.sourceline)


def _section(el, item) -> Section:
    pick = ppi = ref = None
    external = has_sel = False
    so = _kid(el, "selection_ordering")
    if so is not None:
        for sel in _kids(so, "selection"):
            has_sel = True
            r = _kid(sel, "sourcebank_ref")
            ref = ref or _text(r)
            n = _kid(sel, "selection_number")
            pick = pick if pick is not None else _pick(_int(_text(n)))
            ext = _kid(sel, "selection_extension")
            if ext is not None:
                ppi = ppi if ppi is not None else number(_text(_kid(ext, "points_per_item")))
                external = external or (_text(_kid(ext, "sourcebank_is_external")) or "").lower() == "true"
            external = external or (_text(_kid(sel, "sourcebank_is_external")) or "").lower() == "true"
    entries = tuple((b.get("sourcebank_ref") or "", b.sourceline) for b in _kids(el, "bankentry_item"))
    return Section(el.get("ident"), el.get("title"),
                   tuple(item(i) for i in _kids(el, "item")),
                   tuple(_section(s, item) for s in _kids(el, "section")),
                   pick, ppi, ref, external, has_sel, entries, len(_kids(el, "itemref")), el.sourceline)


def _inside_response(el, stop) -> bool:
    p = el.getparent()
    while p is not None and p is not stop:
        if localname(p) in RESPONSE_KINDS:
            return True
        p = p.getparent()
    return False


def _question_html(pres) -> str:
    parts = []
    for el in pres.iter("{*}mattext", "{*}mat_formattedtext"):  # filtered in C: any or no namespace
        if _inside_response(el, pres):
            continue
        parts.append("".join(el.itertext()))
    return "\n".join(parts)


def _response(el) -> Response:
    render = fibtype = None
    for d in el.iter():
        n = localname(d)
        if n.startswith("render_"):
            render, fibtype = n, d.get("fibtype")
            break
    choices = []
    for lab in el.iter("{*}response_label"):
        if True:
            mt = next(lab.iter("{*}mattext", "{*}mat_formattedtext"), None)
            choices.append(Choice(lab.get("ident"), plain("".join(mt.itertext())) if mt is not None else plain(_text(lab)),
                                  lab.sourceline))
    mat = _kid(el, "material")
    prompt = None
    if mat is not None:
        mt = next(mat.iter("{*}mattext"), None)
        prompt = _text(mt)
    return Response(el.get("ident"), RESPONSE_KINDS[localname(el)], localname(el), el.get("rcardinality"), render,
                    fibtype, tuple(choices), prompt, el.sourceline)


def _conditions(cv) -> tuple[Condition, ...]:
    out: list[Condition] = []

    def walk(el, negated: bool, under_or: bool):
        for c in el:
            if not _ours(c):
                continue
            n = localname(c)
            if n == "not":
                walk(c, not negated, under_or)
            elif n == "or":
                walk(c, negated, True)
            elif n == "and":
                walk(c, negated, under_or)
            elif n in CONDITION_OPS:
                value = c.text.strip() if c.text and c.text.strip() else None
                out.append(Condition(n, c.get("respident"), value, negated, under_or, c.sourceline))

    walk(cv, False, False)
    return tuple(out)


def _respcondition(rc) -> RespCondition:
    conds: tuple[Condition, ...] = ()
    for cv in _kids(rc, "conditionvar"):
        conds += _conditions(cv)
    action = score = varname = None
    for sv in _kids(rc, "setvar"):
        name = sv.get("varname") or "SCORE"
        if score is None or name.upper() == "SCORE":
            action, varname, score = sv.get("action") or "Set", name, number(sv.text)
    fb = tuple(d.get("linkrefid") or "" for d in _kids(rc, "displayfeedback"))
    return RespCondition(conds, action, score, varname, fb, rc.get("title"), rc.get("continue"), rc.sourceline)


def _numeric_answers(conditions: tuple[RespCondition, ...]) -> tuple[NumericAnswer, ...]:
    out = []
    for rc in conditions:
        if not rc.awards:
            continue
        cs = [c for c in rc.conditions if not c.negated]
        eq = next((c for c in cs if c.op == "varequal"), None)
        lows = [c for c in cs if c.op in ("vargte", "vargt")]
        highs = [c for c in cs if c.op in ("varlte", "varlt")]
        low = number(lows[0].value) if lows else None
        high = number(highs[0].value) if highs else None
        if eq is not None:
            kind = "precision" if any(c.op == "vargt" for c in lows) else "exact"
            out.append(NumericAnswer(kind, number(eq.value), low, high, eq.line))
        elif lows or highs:
            out.append(NumericAnswer("range", None, low, high, (lows or highs)[0].line))
    return tuple(out)


def _infer_type(responses: tuple[Response, ...], conditions, has_calc: bool) -> str:
    if has_calc:
        return "calculated_question"
    if not responses:
        return "text_only_question"
    kinds = [r.kind for r in responses]
    if "xy" in kinds:
        return "hot_spot_question"
    if all(k == "lid" for k in kinds):
        if len(responses) > 1:
            return "matching_question"
        r = responses[0]
        if (r.cardinality or "").lower() == "multiple":
            return "multiple_answers_question"
        if (r.cardinality or "").lower() == "ordered":
            return "ordering_question"
        texts = sorted(c.text.strip().lower() for c in r.choices)
        if texts == ["false", "true"]:
            return "true_false_question"
        return "multiple_choice_question"
    if "num" in kinds:
        return "numerical_question"
    if all(k == "str" for k in kinds):
        if len(responses) > 1:
            return "fill_in_multiple_blanks_question"
        if (responses[0].fibtype or "").lower() in ("decimal", "integer"):
            return "numerical_question"
        graded = any(c.op == "varequal" for rc in conditions for c in rc.conditions)
        return "short_answer_question" if graded else "essay_question"
    return "unknown"


_RESPONSE_TAGS: tuple[str, ...] = ()


def parse_item(el) -> Item:
    global _RESPONSE_TAGS
    if not _RESPONSE_TAGS:
        _RESPONSE_TAGS = tuple("{*}" + n for n in sorted(set(RESPONSE_KINDS) | set(UNSUPPORTED_RESPONSES)))
    md = {}
    im = _kid(el, "itemmetadata")
    if im is not None:
        md = _metadata(im)
    qtype = md.get("question_type") or None
    profile = md.get("cc_profile") or None
    pres = _kid(el, "presentation")
    responses: list[Response] = []
    unsupported: list[tuple[str, int | None]] = []
    html = ""
    if pres is not None:
        for d in pres.iter(*_RESPONSE_TAGS):
            if not _ours(d):
                continue
            n = localname(d)
            if n in RESPONSE_KINDS and not _inside_response(d, pres):  # a response inside a response is not
                responses.append(_response(d))  # one of the item's (and modelling each would be quadratic)
            if n in UNSUPPORTED_RESPONSES:
                unsupported.append((n, d.sourceline))
        html = _question_html(pres)
    conditions: list[RespCondition] = []
    rps = _kids(el, "resprocessing")
    for rp in rps:
        conditions.extend(_respcondition(rc) for rc in _kids(rp, "respcondition"))
    calc = None
    for ext in _kids(el, "itemproc_extension"):
        calc = _kid(ext, "calculated") if calc is None else calc
    calc_answers = 0
    if calc is not None:
        vs = _kid(calc, "var_sets")
        calc_answers = sum(1 for s in _kids(vs, "var_set") if _text(_kid(s, "answer")) is not None) if vs is not None else 0
    conds = tuple(conditions)
    resps = tuple(responses)
    if qtype:
        etype, source = _canonical(qtype), "canvas"
    elif profile and profile in CC_PROFILES:
        etype, source = CC_PROFILES[profile], "cc_profile"
    else:
        etype, source = _infer_type(resps, conds, calc is not None), "inferred"
    numeric = _numeric_answers(conds) if etype == "numerical_question" else ()
    return Item(el.get("ident"), el.get("title"), qtype, profile, etype, source, number(md.get("points_possible")),
                plain(html), tuple(dict.fromkeys(BLANK_RE.findall(html))), resps, conds,
                tuple(f.get("ident") or "" for f in _kids(el, "itemfeedback")), bool(rps), calc_answers, numeric,
                tuple(unsupported), md, el.sourceline)


def item_summary(el) -> Item:
    """An item modelled to its identity, type and points (from its metadata), without responses, scoring
    or text. An item with neither a Canvas question_type nor a CC profile is modelled in full, because
    its type is inferred from its responses."""
    im = _kid(el, "itemmetadata")
    md = _metadata(im) if im is not None else {}
    qtype = md.get("question_type") or None
    profile = md.get("cc_profile") or None
    if qtype:
        etype, source = _canonical(qtype), "canvas"
    elif profile and profile in CC_PROFILES:
        etype, source = CC_PROFILES[profile], "cc_profile"
    else:
        return parse_item(el)
    return Item(el.get("ident"), el.get("title"), qtype, profile, etype, source, number(md.get("points_possible")),
                "", (), (), (), (), False, metadata=md, line=el.sourceline, summary=True)


def _canonical(qtype: str) -> str:
    """The type Canvas's importer reads a question_type value as (unknown values are kept as written)."""
    if qtype in CLASSIC_TYPES or qtype in NEW_QUIZZES_TYPES or qtype == ERROR_TYPE:
        return qtype
    for pattern, target in IMPORTER_ALIASES:
        if pattern.search(qtype):
            return target
    return qtype


def known_type(t: str) -> bool:
    return t in CLASSIC_TYPES or t in NEW_QUIZZES_TYPES


def parse_quiz_meta(root) -> QuizMeta:
    """Settings of `assessment_meta.xml` (root `quiz`, Canvas namespace): every simple child element,
    except the description (HTML) and the embedded assignment."""
    settings: dict[str, str] = {}
    a = None
    for c in root:
        if not isinstance(c.tag, str):
            continue
        n = localname(c)
        if n == "assignment":
            a = c if a is None else a
        elif n not in ("description", "assignment_overrides") and len(c) == 0 and n not in settings:
            settings[n] = (c.text or "").strip()
    qref = gref = None
    if a is not None:
        qref = next((c for c in a if isinstance(c.tag, str) and localname(c) == "quiz_identifierref"), None)
    gref = next((c for c in root if isinstance(c.tag, str) and localname(c) == "assignment_group_identifierref"), None)
    if gref is None and a is not None:
        gref = next((c for c in a if isinstance(c.tag, str) and localname(c) == "assignment_group_identifierref"), None)
    apoints = None
    if a is not None:
        pp = next((c for c in a if isinstance(c.tag, str) and localname(c) == "points_possible"), None)
        apoints = number(pp.text) if pp is not None else None
    return QuizMeta(root.get("identifier"), settings.get("title") or None, settings,
                    a.get("identifier") if a is not None else None,
                    (qref.text or "").strip() or None if qref is not None else None,
                    (gref.text or "").strip() or None if gref is not None else None,
                    apoints, root.sourceline,
                    a.sourceline if a is not None else None,
                    qref.sourceline if qref is not None else None,
                    gref.sourceline if gref is not None else None)


def model_of(doc) -> QtiDocument | None:
    """The QTI model of a parsed XmlDoc: the one the builder attached (`doc.qti`), else built now."""
    m = getattr(doc, "qti", None)
    if m is not None:
        return m
    if doc.root is None or localname(doc.root) not in ("questestinterop",):
        return None
    m = parse_qti(doc.root, doc.name)
    try:
        doc.qti = m
    except AttributeError:
        pass
    return m
