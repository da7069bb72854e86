"""Quizzes and question banks (QTI 1.2): what importers silently drop or get wrong.

Document rules read the QTI model the builder made from the one parse of each document
(`qti.model_of`); package rules compare quizzes, their files and the banks of the package.
"""
from __future__ import annotations

from collections import Counter

from ...finding import Finding
from ...model import qti
from ...model.refs import classify_link, target_exists
from ..registry import rule


def _model(doc):
    if doc.local_name != "questestinterop":
        return None
    return qti.model_of(doc)


def _items(model):
    """(owner ident, item) for every item of the document."""
    for it in model.loose_items:
        yield None, it
    for a in model.assessments + model.banks:
        for it in a.all_items():
            yield a.ident, it


def _sections(model):
    for a in model.assessments + model.banks:
        for s in a.all_sections():
            yield a, s


def _kind(t: str) -> str:
    return t.replace("_question", "").replace("_", " ")


def _declared(it) -> bool:
    """The type was written (question_type or cc_profile), not guessed from the structure."""
    return it.type_source in ("canvas", "cc_profile")


def _n(k: int, word: str) -> str:
    return f"{k} {word}" + ("" if k == 1 else "s")


# -- question types ------------------------------------------------------------------------------

@rule("QTI001", "unknown-question-type", "warning", "xml",
      "An item's question_type (or cc_profile) is not one Canvas knows; Canvas imports it as an empty "
      "\"Error\" question, other tools skip it. question_type \"Error\" means the question was already broken "
      "in the course it was exported from.",
      "Use a Canvas question type (multiple_choice_question, essay_question, ...) or recreate the question.")
def unknown_type(doc, ctx):
    model = _model(doc)
    if model is None:
        return
    for _, it in _items(model):
        if it.question_type and it.type == qti.ERROR_TYPE:
            yield Finding("QTI001", "question_type is \"Error\": the question failed to import into the course "
                          "it was exported from and carries no answers", doc.name, it.line, it.ident)
        elif it.question_type and not qti.known_type(it.type):
            yield Finding("QTI001", f"unknown question_type {it.question_type!r}: Canvas imports it as an empty "
                          "question", doc.name, it.line, it.ident)
        elif not it.question_type and it.cc_profile and it.cc_profile not in qti.CC_PROFILES:
            yield Finding("QTI001", f"unknown cc_profile {it.cc_profile!r}: not a Common Cartridge question profile",
                          doc.name, it.line, it.ident)


@rule("QTI002", "new-quizzes-only-type", "warning", "xml",
      "A question type only New Quizzes has (ordering, categorization, hot spot); Classic Quizzes and other "
      "LMSs have no such question and drop or mangle it.",
      "Import into New Quizzes, or replace the question with a classic type (matching, multiple answers).")
def new_quizzes_type(doc, ctx):
    model = _model(doc)
    if model is None:
        return
    for _, it in _items(model):
        if it.question_type and it.type in qti.NEW_QUIZZES_TYPES:
            yield Finding("QTI002", f"{_kind(it.type)} question exists only in New Quizzes; Classic Quizzes and "
                          "other LMSs cannot import it", doc.name, it.line, it.ident)


# -- responses and scoring -----------------------------------------------------------------------

@rule("QTI003", "condition-response-missing", "error", "xml",
      "A varequal/vargte/... in resprocessing names a response (respident) the item does not have; "
      "that answer can never match, so the question is graded wrong.",
      "Make respident name one of the item's response_lid/response_str idents.")
def condition_response(doc, ctx):
    model = _model(doc)
    if model is None:
        return
    for _, it in _items(model):
        idents = {r.ident for r in it.responses}
        known = None  # the list of responses for the message, made once per item and kept short
        for rc in it.conditions:
            for c in rc.conditions:
                if c.op in ("other", "unanswered") and not c.respident:
                    continue
                if c.respident and c.respident.startswith("[") and c.respident.strip("[]") in it.blanks:
                    continue  # Respondus writes fill in multiple blanks as respident="[blank]"; Canvas reads that
                if not c.respident:
                    yield Finding("QTI003", f"<{c.op}> has no respident: it tests no response", doc.name, c.line, it.ident)
                elif c.respident not in idents:
                    known = known or _some(sorted(i for i in idents if i))
                    yield Finding("QTI003", f"<{c.op}> tests response {c.respident!r}, which the item does not have "
                                  f"(responses: {known})", doc.name, c.line, it.ident)


@rule("QTI004", "condition-choice-missing", "error", "xml",
      "A varequal of a choice response names no response_label of that response; the answer it marks "
      "correct (or gives feedback for) does not exist.",
      "Make the varequal value one of the response_label idents of that response.")
def condition_choice(doc, ctx):
    model = _model(doc)
    if model is None:
        return
    for _, it in _items(model):
        responses = {}  # ident -> (response, its choice idents, its choice texts): built once per item
        for r in it.responses:
            if r.ident not in responses:
                responses[r.ident] = (r, {ch.ident for ch in r.choices}, {ch.text for ch in r.choices})
        for rc in it.conditions:
            for c in rc.conditions:
                if c.op != "varequal" or not c.value:
                    continue
                r, choice_idents, choice_texts = responses.get(c.respident, (None, None, None))
                if r is None or r.kind != "lid" or not r.choices:
                    continue
                if c.value not in choice_idents:
                    by_text = c.value in choice_texts
                    hint = (": it is the text of a choice, but varequal must name the choice's ident" if by_text
                            else f" ({_n(len(r.choices), 'choice')})")
                    yield Finding("QTI004", f"varequal names choice {c.value!r}, which response {r.ident!r} does not "
                                  f"offer{hint}", doc.name, c.line, it.ident)


def _some(names: list[str], most: int = 10) -> str:
    """A list for a message, at most `most` names (an item may have thousands)."""
    if not names:
        return "none"
    return ", ".join(names[:most]) + (f", … {len(names) - most} more" if len(names) > most else "")


SURVEYS = ("survey", "graded_survey")


@rule("QTI005", "no-correct-answer", "error", "package",
      "An auto-graded question (multiple choice, true/false, multiple answers, short answer, fill in blanks, "
      "dropdowns, matching, numerical, formula) of a quiz or question bank has no condition that awards points: "
      "every answer scores 0. Surveys are not checked.",
      "Mark the correct answer in Canvas and export again.")
def no_correct(pkg, ctx):
    seen = set()
    sources = [(q.assessment, q.quiz_type) for q in pkg.quizzes] + [(q.cc_assessment, q.quiz_type) for q in pkg.quizzes]
    sources += [(b.bank, None) for b in pkg.question_banks]
    for a, quiz_type in sources:
        if a is None or quiz_type in SURVEYS or (a.file, a.line) in seen:
            continue
        seen.add((a.file, a.line))
        for it in a.all_items():
            graded = it.type in qti.AUTO_GRADED or it.type == "calculated_question"
            if graded and (_declared(it) or it.has_resprocessing) and not it.has_correct_answer():
                yield Finding("QTI005", f"{_kind(it.type)} question has no correct answer: no respcondition "
                              "sets a positive score", a.file, it.line, it.ident)


@rule("QTI006", "too-few-choices", "warning", "xml",
      "A multiple choice, true/false or multiple answers question offers fewer than two choices.",
      "Add the missing choices in Canvas and export again.")
def few_choices(doc, ctx):
    model = _model(doc)
    if model is None:
        return
    for _, it in _items(model):
        if it.type not in qti.CHOICE_TYPES:
            continue
        lids = [r for r in it.responses if r.kind == "lid"]
        n = len(lids[0].choices) if lids else 0
        if n < 2:
            yield Finding("QTI006", f"{_kind(it.type)} question offers {_n(n, 'choice')}", doc.name,
                          (lids[0].line if lids else it.line), it.ident)


@rule("QTI007", "text-entry-structure", "error", "xml",
      "A short answer, essay, numerical or formula question lacks the <response_str> (or <response_num>) with "
      "<render_fib> that gives students a box to type in; importers show the question without an answer field.",
      "Give the item a response_str with render_fib (as Canvas writes it), or fix its question_type.")
def text_entry(doc, ctx):
    model = _model(doc)
    if model is None:
        return
    for _, it in _items(model):
        if not _declared(it):
            continue
        if it.type in qti.TEXT_ENTRY_TYPES:
            ok = any(r.kind == "str" and r.render == "render_fib" for r in it.responses)
            need = "<response_str> with <render_fib>"
        elif it.type in qti.NUMBER_TYPES:
            ok = any(r.kind in ("str", "num") and r.render == "render_fib" for r in it.responses)
            need = "<response_str> or <response_num> with <render_fib>"
        else:
            continue
        if not ok:
            have = _some(list(dict.fromkeys(f"<{r.element}>" + (f" with <{r.render}>" if r.render else "")
                                            for r in it.responses)))
            yield Finding("QTI007", f"{_kind(it.type)} question has no {need} (has: {have})", doc.name, it.line, it.ident)


@rule("QTI008", "blank-mismatch", "error", "xml",
      "In a fill in multiple blanks or multiple dropdowns question, the [blank] names in the question text and "
      "the responses (response_<blank>) do not match: a blank without a response shows as literal text, a "
      "response without a blank is never shown.",
      "Make every [name] in the question text match one response_<name>, and the other way round.")
def blanks(doc, ctx):
    model = _model(doc)
    if model is None:
        return
    for _, it in _items(model):
        if it.type not in qti.BLANK_TYPES or not _declared(it):
            continue
        in_text = list(it.blanks)
        text_set = set(in_text)  # membership in a set: an item may have thousands of blanks and responses
        resp = [r for r in it.responses if r.kind in ("lid", "str")]
        names = {r.blank for r in resp} | {r.prompt for r in resp if r.prompt}
        for b in in_text:
            if b not in names:
                yield Finding("QTI008", f"[{b}] in the question text has no response_{b}: it shows as literal text",
                              doc.name, it.line, it.ident)
        for r in resp:
            if r.blank not in text_set and (r.prompt or "") not in text_set:
                yield Finding("QTI008", f"response {r.ident!r} has no [{r.blank}] in the question text: "
                              "students never see it", doc.name, r.line, it.ident)


def _fmt(x: float | None) -> str:
    return "?" if x is None else (str(int(x)) if x == int(x) else repr(x))


@rule("QTI009", "numerical-range-equal-bounds", "warning", "xml",
      "A numerical answer is a range (vargte + varlte) whose bounds are equal; almost always meant as an "
      "exact answer, and importers that compare floating point numbers may never match it.",
      "Make it an exact answer (with a margin if needed) in Canvas.")
def range_equal(doc, ctx):
    model = _model(doc)
    if model is None:
        return
    for _, it in _items(model):
        for a in it.numeric_answers:
            if a.kind == "range" and a.low is not None and a.low == a.high:
                yield Finding("QTI009", f"numerical answer is the range {_fmt(a.low)} to {_fmt(a.high)}: "
                              f"meant as the exact answer {_fmt(a.low)}?", doc.name, a.line, it.ident)


@rule("QTI010", "numerical-range-empty", "error", "xml",
      "A numerical answer's lower bound is above its upper bound: no answer can ever be correct.",
      "Swap the bounds of the range in Canvas.")
def range_empty(doc, ctx):
    model = _model(doc)
    if model is None:
        return
    for _, it in _items(model):
        for a in it.numeric_answers:
            if a.low is not None and a.high is not None and a.low > a.high:
                yield Finding("QTI010", f"numerical answer range {_fmt(a.low)} to {_fmt(a.high)} is empty",
                              doc.name, a.line, it.ident)


@rule("QTI011", "feedback-missing", "warning", "xml",
      "A respcondition's displayfeedback names no itemfeedback of the item; the feedback is lost.",
      "Add the itemfeedback or remove the displayfeedback.")
def feedback_missing(doc, ctx):
    model = _model(doc)
    if model is None:
        return
    for _, it in _items(model):
        have = set(it.feedback)
        for rc in it.conditions:
            for ref in rc.feedback:
                if ref and ref not in have:
                    yield Finding("QTI011", f"displayfeedback {ref!r} names no itemfeedback of the item",
                                  doc.name, rc.line, it.ident)


# -- constructs Canvas ignores -------------------------------------------------------------------

@rule("QTI012", "qti2-construct", "error", "xml",
      "A QTI 1.2 document contains QTI 2.x elements (assessmentItem, itemBody, choiceInteraction, ...); "
      "QTI 1.2 importers, Canvas included, ignore them and the content is lost.",
      "Export the questions as QTI 1.2 throughout, or package them as a QTI 2.x package.")
def qti2(doc, ctx):
    model = _model(doc)
    if model is None or not model.qti2:
        return
    name, line = model.qti2[0]
    names = ", ".join(dict.fromkeys(n for n, _ in model.qti2))
    yield Finding("QTI012", f"QTI 2.x element <{name}> in a QTI 1.2 document (found: {names}); QTI 1.2 "
                  "importers ignore it", doc.name, line)


@rule("QTI013", "unsupported-response", "warning", "xml",
      "An item uses a QTI 1.2 response Canvas Classic Quizzes has no question type for (response_xy, "
      "response_grp, render_hotspot, render_slider: hot spots, drag and drop, sliders); it arrives as an "
      "unsupported question.",
      "Rebuild the question as a supported type after import.")
def unsupported(doc, ctx):
    model = _model(doc)
    if model is None:
        return
    for _, it in _items(model):
        if it.type in qti.NEW_QUIZZES_TYPES and it.question_type:
            continue  # QTI002 says it
        if it.unsupported:
            el, line = it.unsupported[0]
            yield Finding("QTI013", f"<{el}> has no Canvas Classic Quizzes question type; the question arrives "
                          "unsupported", doc.name, line, it.ident)


@rule("QTI014", "item-without-title", "info", "xml",
      "An item has no title; Canvas calls it \"Question\", so every such question looks the same in banks "
      "and item lists.",
      "Give the question a name in Canvas.")
def no_title(doc, ctx):
    model = _model(doc)
    if model is None:
        return
    for _, it in _items(model):
        if not (it.title or "").strip():
            yield Finding("QTI014", "item has no title", doc.name, it.line, it.ident)


@rule("QTI015", "section-layout", "warning", "xml",
      "Items sit outside any section, or a Common Cartridge profile assessment has more than one section or "
      "nested sections (the profile allows exactly one); importers that expect the usual layout skip them.",
      "Put every item in the assessment's one root section (Canvas: <section ident=\"root_section\">).")
def section_layout(doc, ctx):
    model = _model(doc)
    if model is None:
        return
    for a in model.assessments:
        if a.items:
            yield Finding("QTI015", f"{_n(len(a.items), 'item')} directly in <assessment>, outside any <section>",
                          doc.name, a.items[0].line, a.ident)
        cc = (a.cc_profile or "").startswith("cc.") or doc.name.endswith("assessment_qti.xml")
        if cc:
            if len(a.sections) > 1:
                yield Finding("QTI015", f"Common Cartridge assessment has {len(a.sections)} sections; the profile "
                              "allows one", doc.name, a.sections[1].line, a.ident)
            for s in a.sections:
                if s.sections:
                    yield Finding("QTI015", "Common Cartridge assessment has nested sections; the profile allows "
                                  "one flat section", doc.name, s.sections[0].line, a.ident)


@rule("QTI016", "empty-section", "info", "xml",
      "A section (question group) holds no questions. For a group that draws from a question bank this is "
      "by design: Canvas picks the questions from the bank at each attempt, so the export has none; "
      "otherwise the group adds nothing to the quiz.",
      "Nothing to do for bank groups (make sure the bank is exported too); delete empty groups in Canvas.")
def empty_section(doc, ctx):
    model = _model(doc)
    if model is None:
        return
    src = ctx.package.source if ctx.package is not None else None
    for a, s in _sections(model):
        if not s.empty:
            continue
        if doc.name.endswith("assessment_qti.xml") and src is not None and a.ident and \
                src.exists(f"non_cc_assessments/{a.ident}.xml.qti"):
            continue  # the CC profile copy of a Canvas quiz: QTI023/QTI024 compare it with the Canvas file
        if s.sourcebank_ref:
            pick = f"{s.pick_count} " if s.pick_count is not None else ""
            yield Finding("QTI016", f"question group {s.title or s.ident or ''!r} is empty by design: Canvas draws "
                          f"{pick}questions from bank {s.sourcebank_ref!r} at each attempt", doc.name, s.line, a.ident)
        elif any(s is top for top in a.sections):
            what = "question bank" if a.bank else "quiz"
            yield Finding("QTI016", f"the {what} has no questions (section {s.ident or ''!r} is empty)",
                          doc.name, s.line, a.ident)
        else:
            yield Finding("QTI016", f"question group {s.title or s.ident or ''!r} has no questions and draws from "
                          "no bank", doc.name, s.line, a.ident)


_MEDIA = ("matimage", "mataudio", "matvideo", "matapplet", "matapplication")


@rule("QTI017", "media-missing", "error", "xml",
      "A matimage/mataudio/matvideo uri (any $IMS-CC-FILEBASE$ spelling or a relative path) names a file that is "
      "not in the package; the question shows a broken image or player.",
      "Include the file in the export (Canvas: the question's files live in the course files).")
def media_missing(doc, ctx):
    if doc.local_name != "questestinterop" or ctx.package is None or ctx.package.source.kind == "manifest":
        return
    src = ctx.package.source
    for el in doc.root.iter():
        if not isinstance(el.tag, str) or qti.localname(el) not in _MEDIA:
            continue
        uri = (el.get("uri") or "").strip()
        if uri.startswith("%%LINKPATH%%"):  # Respondus: the package root
            uri = uri[len("%%LINKPATH%%"):]
        if not uri:
            continue
        t = classify_link(uri, doc.name)
        if t.kind not in ("filebase", "relative"):
            continue
        if not target_exists(src.exists, src.normalized_match, src.has_dir, t):
            item = next((p for p in el.iterancestors() if qti.localname(p) == "item"), None)
            yield Finding("QTI017", f"<{qti.localname(el)} uri={uri!r}>: no file {t.path!r} in the package",
                          doc.name, el.sourceline, item.get("ident") if item is not None else None)


# -- package rules: quizzes, their files and the banks -------------------------------------------

@rule("QTI020", "quiz-identifier-mismatch", "error", "package",
      "The quiz identifier in assessment_meta.xml, the ident of the QTI <assessment> and the manifest resource "
      "identifier differ; Canvas links quiz settings, questions and module items by this one identifier, so "
      "settings or questions get lost.",
      "Export the quiz again; if the package was edited by hand, give all three the same identifier.")
def quiz_ids(pkg, ctx):
    for q in pkg.quizzes:
        meta = q.meta
        if meta is not None and not meta.identifier:
            yield Finding("QTI020", "<quiz> in assessment_meta.xml has no identifier", q.file, meta.line)
        qid = meta.identifier if meta is not None and meta.identifier else q.identifier
        if meta is not None and q.resource_identifier and q.resource_identifier != qid:
            yield Finding("QTI020", f"quiz identifier {qid!r} differs from the manifest resource "
                          f"{q.resource_identifier!r} of {q.qti_file}", q.file, meta.line, qid)
        for a in (q.cc_assessment, q.assessment):
            if a is not None and meta is not None and a.ident != qid:
                yield Finding("QTI020", f"<assessment ident={a.ident!r}> differs from the quiz identifier {qid!r}",
                              a.file, a.line, qid)


@rule("QTI021", "quiz-assignment-reference", "warning", "package",
      "The assignment inside assessment_meta.xml points elsewhere: its quiz_identifierref names another quiz, "
      "or its assignment_group_identifierref names no assignment group of the package; the grade lands in the "
      "wrong place or a new group is made.",
      "Export the quiz again (with its assignment group), or correct the reference.")
def quiz_assignment(pkg, ctx):
    groups = None
    if pkg.source.exists("course_settings/assignment_groups.xml") and hasattr(pkg, "settings_objects"):
        groups = {o.identifier for o in pkg.settings_objects if o.kind == "assignmentGroup"}
    for q in pkg.quizzes:
        m = q.meta
        if m is None:
            continue
        qid = m.identifier or q.identifier
        if m.assignment_quiz_ref and m.assignment_quiz_ref != qid:
            yield Finding("QTI021", f"assignment {m.assignment_identifier!r} has quiz_identifierref "
                          f"{m.assignment_quiz_ref!r}, not this quiz {qid!r}", q.file, m.quiz_ref_line, qid)
        if groups is not None and m.assignment_group_ref and m.assignment_group_ref not in groups:
            yield Finding("QTI021", f"assignment_group_identifierref {m.assignment_group_ref!r} names no assignment "
                          "group in course_settings/assignment_groups.xml", q.file, m.group_ref_line, qid)


@rule("QTI022", "question-bank-missing", "warning", "package",
      "A question group draws from a question bank (sourcebank_ref) that is not in the package. Canvas exports "
      "a bank only when it is selected for export (or the whole course is exported), and never a bank of "
      "another course; on import the group draws from nothing.",
      "Select the question bank too when exporting (or export the whole course).")
def bank_missing(pkg, ctx):
    banks = {b.identifier for b in pkg.question_banks}
    for q in pkg.quizzes:
        a = q.assessment
        if a is None:
            continue
        for s in a.all_sections():
            refs = ([(s.sourcebank_ref, s.line)] if s.sourcebank_ref else []) + list(s.bank_entries)
            seen = set()
            for ref, line in refs:
                if not ref or ref in banks or ref in seen:
                    continue
                seen.add(ref)
                why = ("it belongs to another course, and Canvas never exports those" if s.sourcebank_external else
                       "Canvas does not export a question bank unless it is selected for export")
                yield Finding("QTI022", f"question group {s.title or s.ident or ''!r} draws from bank {ref!r}, which is "
                              f"not in the package: {why}", a.file, line, q.identifier)


def _cc_expected(a, banks: dict) -> tuple[int, int, bool]:
    """How many questions Canvas puts in the CC profile file for this full assessment: (low, high, exact)."""
    lo = hi = 0
    exact = True
    supported = lambda items: sum(1 for i in items if i.type in qti.CC_SUPPORTED_TYPES)  # noqa: E731

    def walk_section(s, top: bool):
        nonlocal lo, hi, exact
        if top and s.ident == "root_section" or not s.has_selection:
            n = supported(s.items)
            lo, hi = lo + n, hi + n
            for sub in s.sections:
                walk_section(sub, False)
            return
        pick = s.pick_count
        if s.sourcebank_ref or s.bank_entries:
            # older Canvas copied up to pick count bank questions into the CC file; current Canvas writes none
            bank = banks.get(s.sourcebank_ref)
            n = supported(bank.all_items()) if bank is not None else (pick if pick is not None else 10**9)
            exact = False
            hi += n if pick is None else min(pick, n)
            return
        n = supported(list(s.all_items()))
        n = n if pick is None else min(pick, n)
        lo, hi = lo + n, hi + n

    lo += supported(a.items)
    hi += supported(a.items)
    for s in a.sections:
        walk_section(s, True)
    return lo, hi, exact


@rule("QTI023", "cc-profile-drops-questions", "warning", "package",
      "Canvas writes two files per quiz: the Common Cartridge profile (assessment_qti.xml) keeps only multiple "
      "choice, multiple answers, true/false, short answer and essay questions; every other question exists only "
      "in the Canvas file (non_cc_assessments/). Canvas reads both, but any other LMS imports only the CC file "
      "and loses the rest.",
      "Nothing to fix for Canvas-to-Canvas; for another LMS, rewrite those questions as supported types.")
def cc_drops(pkg, ctx):
    for q in pkg.quizzes:
        a = q.assessment
        if a is None or q.cc_assessment is None:
            continue
        lost = Counter(i.type for i in a.all_items() if i.type not in qti.CC_SUPPORTED_TYPES)
        banks = {b.identifier: b.bank for b in pkg.question_banks if b.bank is not None}
        drawn = q.bank_picks if q.bank_picks and len(q.cc_assessment.all_items()) <= _cc_expected(a, banks)[0] else 0
        if not lost and not drawn:
            continue
        parts = [f"{n} {_kind(t)}" for t, n in sorted(lost.items(), key=lambda x: (-x[1], x[0]))]
        total = sum(lost.values())
        msg = f"a non-Canvas LMS importing {q.qti_file} loses "
        if total:
            msg += f"{_n(total, 'question')} of {len(a.all_items())}: {', '.join(parts)}"
        if drawn:
            msg += (" and " if total else "") + f"the {drawn} questions drawn from question banks at each attempt"
        yield Finding("QTI023", msg, a.file, a.line, q.identifier)


@rule("QTI024", "cc-count-mismatch", "warning", "package",
      "The Common Cartridge profile file of a quiz holds a different number of questions than the Canvas file "
      "of the same quiz implies (its multiple choice, multiple answers, true/false, short answer and essay "
      "questions, groups counted by their pick count); one of the two files is incomplete.",
      "Export the quiz again; do not edit one of the two files alone.")
def cc_count(pkg, ctx):
    banks = {b.identifier: b.bank for b in pkg.question_banks if b.bank is not None}
    for q in pkg.quizzes:
        a, cc = q.assessment, q.cc_assessment
        if a is None or cc is None:
            continue
        have = len(cc.all_items())
        lo, hi, exact = _cc_expected(a, banks)
        if lo <= have <= hi:
            continue
        want = f"{lo}" if lo == hi else (f"{lo} to {hi}" if hi < 10**9 else f"at least {lo}")
        yield Finding("QTI024", f"{cc.file} has {_n(have, 'question')}, but {a.file} implies {want} of the types "
                      "the CC profile carries", cc.file, cc.line, q.identifier)
