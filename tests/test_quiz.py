"""Quizzes and question banks: the QTI 1.2 model per question type, one failing and one passing case
per QTI rule, inspect output, and the corpus (question counts per type checked by an independent XPath count)."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from collections import Counter
from xml.sax.saxutils import escape

import pytest
from lxml import etree

from cc_toolkit.check.engine import Config, run
from cc_toolkit.check.registry import all_rules
from cc_toolkit.errors import PackageError
from cc_toolkit.model import qti
from cc_toolkit.model.build import load

from .conftest import CORPUS, SAMPLES, corpus_required, manifest

QNS = qti.QTI_NS
CANVAS = "http://canvas.instructure.com/xsd/cccv1p0"


# -- small QTI documents ---------------------------------------------------------------------------

def meta(qtype=None, points=1.0, profile=None) -> str:
    f = []
    if qtype:
        f.append(f"<qtimetadatafield><fieldlabel>question_type</fieldlabel><fieldentry>{qtype}</fieldentry></qtimetadatafield>")
        f.append(f"<qtimetadatafield><fieldlabel>points_possible</fieldlabel><fieldentry>{points}</fieldentry></qtimetadatafield>")
    if profile:
        f.append(f"<qtimetadatafield><fieldlabel>cc_profile</fieldlabel><fieldentry>{profile}</fieldentry></qtimetadatafield>")
    return "<itemmetadata><qtimetadata>" + "".join(f) + "</qtimetadata></itemmetadata>\n" if f else ""


def mat(text: str) -> str:
    return f'<material><mattext texttype="text/html">{escape(text)}</mattext></material>'


def lid(ident="response1", choices=(("a1", "Alpha"), ("a2", "Beta")), card="Single", prompt=None) -> str:
    labels = "".join(f'<response_label ident="{c}">{mat(t)}</response_label>\n' for c, t in choices)
    return (f'<response_lid ident="{ident}" rcardinality="{card}">\n' + (mat(prompt) if prompt else "")
            + f"<render_choice>\n{labels}</render_choice>\n</response_lid>\n")


def fib(ident="response1", fibtype=None) -> str:
    ft = f' fibtype="{fibtype}"' if fibtype else ""
    return (f'<response_str ident="{ident}" rcardinality="Single">\n<render_fib{ft}>'
            '<response_label ident="answer1" rshuffle="No"/></render_fib>\n</response_str>\n')


def cond(respident, value, op="varequal") -> str:
    return f'<{op} respident="{respident}">{value}</{op}>'


def rc(conditions: str, score="100", action="Set", extra="") -> str:
    return (f'<respcondition continue="No">\n<conditionvar>\n{conditions}\n</conditionvar>\n'
            f'<setvar action="{action}" varname="SCORE">{score}</setvar>\n{extra}</respcondition>\n')


def proc(*rcs: str) -> str:
    return ('<resprocessing>\n<outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>\n'
            + "".join(rcs) + "</resprocessing>\n")


def item(ident, qtype=None, body="", processing="", title="Question", points=1.0, profile=None, extra="") -> str:
    t = f' title="{title}"' if title is not None else ""
    return (f'<item ident="{ident}"{t}>\n{meta(qtype, points, profile)}<presentation>\n{body}</presentation>\n'
            f"{processing}{extra}</item>\n")


def doc(items: str, ident="A1", title="Quiz", ns=True, sections=None, asmt_meta="") -> str:
    x = f' xmlns="{QNS}"' if ns else ""
    body = sections if sections is not None else f'<section ident="root_section">\n{items}</section>\n'
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<questestinterop{x}>\n<assessment ident="{ident}" title="{title}">\n'
            f"{asmt_meta}{body}</assessment>\n</questestinterop>\n")


def bank_doc(ident, items: str, title="Bank") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<questestinterop xmlns="{QNS}">\n<objectbank ident="{ident}">\n'
            f"<qtimetadata><qtimetadatafield><fieldlabel>bank_title</fieldlabel><fieldentry>{title}</fieldentry>"
            f"</qtimetadatafield></qtimetadata>\n{items}</objectbank>\n</questestinterop>\n")


def parse(text: str) -> qti.QtiDocument:
    return qti.parse_qti(etree.fromstring(text.encode()), "quiz.xml")


def one(text: str) -> qti.Item:
    items = parse(text).all_items()
    assert len(items) == 1
    return items[0]


def line_of(text: str, needle: str, nth: int = 1) -> int:
    pos = -1
    for _ in range(nth):
        pos = text.index(needle, pos + 1)
    return text.count("\n", 0, pos) + 1


# ready-made items, as Canvas writes them
MC = item("q_mc", "multiple_choice_question", mat("Pick one.") + lid(choices=(("a1", "A"), ("a2", "B"), ("a3", "C"))),
          proc(rc(cond("response1", "a2"))))
TF = item("q_tf", "true_false_question", mat("Sky is blue.") + lid(choices=(("t", "True"), ("f", "False"))),
          proc(rc(cond("response1", "t"))))
MA = item("q_ma", "multiple_answers_question", mat("Pick two.") + lid(choices=(("a1", "A"), ("a2", "B"), ("a3", "C")), card="Multiple"),
          proc(rc("<and>" + cond("response1", "a1") + cond("response1", "a3") + "<not>" + cond("response1", "a2") + "</not></and>")))
SA = item("q_sa", "short_answer_question", mat("Capital of France?") + fib(),
          proc(rc(cond("response1", "Paris") + cond("response1", "paris"))))
ESSAY = item("q_es", "essay_question", mat("Discuss.") + fib(), proc(rc("<other/>", score="0")), points=5)
FIMB = item("q_fimb", "fill_in_multiple_blanks_question", mat("Roses are [c1], violets are [c2].")
            + lid("response_c1", (("c1a", "red"),), prompt="c1") + lid("response_c2", (("c2a", "blue"),), prompt="c2"),
            proc(rc(cond("response_c1", "c1a"), "50.00", "Add"), rc(cond("response_c2", "c2a"), "50.00", "Add")))
DROP = item("q_dd", "multiple_dropdowns_question", mat("A [x] is a [y].")
            + lid("response_x", (("x1", "cat"), ("x2", "dog")), prompt="x") + lid("response_y", (("y1", "pet"), ("y2", "car")), prompt="y"),
            proc(rc(cond("response_x", "x1"), "50.00", "Add"), rc(cond("response_y", "y1"), "50.00", "Add")))
MATCH = item("q_m", "matching_question", mat("Match.")
             + lid("response_11", (("m1", "one"), ("m2", "two")), prompt="1") + lid("response_12", (("m1", "one"), ("m2", "two")), prompt="2"),
             proc(rc(cond("response_11", "m1"), "50.00", "Add"), rc(cond("response_12", "m2"), "50.00", "Add")))
NUM = item("q_num", "numerical_question", mat("2+2?") + fib(fibtype="Decimal"),
           proc(rc("<or>" + cond("response1", "4.0") + "<and>" + cond("response1", "3.9", "vargte")
                   + cond("response1", "4.1", "varlte") + "</and></or>"),
                rc(cond("response1", "10", "vargte") + cond("response1", "20", "varlte")),
                rc("<or>" + cond("response1", "3.14") + "<and>" + cond("response1", "3.135", "vargt")
                   + cond("response1", "3.145", "varlte") + "</and></or>")))
CALC = item("q_calc", "calculated_question", mat("x + y = ?") + fib(fibtype="Decimal"),
            proc('<respcondition title="correct"><conditionvar><other/></conditionvar>'
                 '<setvar varname="SCORE" action="Set">100</setvar></respcondition>\n'),
            extra=('<itemproc_extension><calculated><answer_tolerance>0</answer_tolerance><formulas decimal_places="0">'
                   '<formula>x+y</formula></formulas><vars><var name="x" scale="0"><min>1</min><max>9</max></var></vars>'
                   '<var_sets><var_set ident="1"><var name="x">3</var><answer>5</answer></var_set></var_sets>'
                   "</calculated></itemproc_extension>\n"))
UPLOAD = item("q_up", "file_upload_question", mat("Upload your essay."), proc(rc("<other/>", score="0")))
TEXT = item("q_txt", "text_only_question", mat("Read the passage below."), points=0)
ALL_TYPES = (MC, TF, MA, SA, ESSAY, FIMB, DROP, MATCH, NUM, CALC, UPLOAD, TEXT)


# -- the model, per question type -----------------------------------------------------------------

def test_multiple_choice_model():
    it = one(doc(MC))
    assert (it.ident, it.type, it.type_source, it.points, it.text) == ("q_mc", "multiple_choice_question", "canvas", 1.0, "Pick one.")
    r = it.responses[0]
    assert (r.ident, r.kind, r.render, r.cardinality) == ("response1", "lid", "render_choice", "Single")
    assert [c.ident for c in r.choices] == ["a1", "a2", "a3"] and [c.text for c in r.choices] == ["A", "B", "C"]
    assert it.correct() == {"response1": ("a2",)} and it.has_correct_answer()


def test_true_false_and_multiple_answers():
    assert one(doc(TF)).correct() == {"response1": ("t",)}
    ma = one(doc(MA))
    assert ma.responses[0].cardinality == "Multiple"
    assert ma.correct() == {"response1": ("a1", "a3")}  # the negated a2 is not correct
    assert [c.negated for c in ma.conditions[0].conditions] == [False, False, True]


def test_short_answer_and_essay():
    sa = one(doc(SA))
    assert (sa.responses[0].kind, sa.responses[0].render) == ("str", "render_fib")
    assert sa.correct() == {"response1": ("Paris", "paris")}
    es = one(doc(ESSAY))
    assert es.type == "essay_question" and not es.has_correct_answer() and es.points == 5.0


def test_fill_in_multiple_blanks_and_dropdowns():
    f = one(doc(FIMB))
    assert f.blanks == ("c1", "c2") and [r.blank for r in f.responses] == ["c1", "c2"]
    assert f.correct() == {"response_c1": ("c1a",), "response_c2": ("c2a",)}
    d = one(doc(DROP))
    assert d.blanks == ("x", "y") and [r.prompt for r in d.responses] == ["x", "y"]
    assert [c.score for c in d.conditions] == [50.0, 50.0] and d.conditions[0].action == "Add"


def test_matching():
    m = one(doc(MATCH))
    assert m.type == "matching_question" and len(m.responses) == 2
    assert m.correct() == {"response_11": ("m1",), "response_12": ("m2",)}


def test_numerical_exact_range_precision():
    n = one(doc(NUM))
    assert [(a.kind, a.value, a.low, a.high) for a in n.numeric_answers] == [
        ("exact", 4.0, 3.9, 4.1), ("range", None, 10.0, 20.0), ("precision", 3.14, 3.135, 3.145)]
    assert n.responses[0].fibtype == "Decimal"


def test_calculated_file_upload_text_only():
    c = one(doc(CALC))
    assert c.type == "calculated_question" and c.calculated_answers == 1 and c.has_correct_answer()
    u = one(doc(UPLOAD))
    assert u.type == "file_upload_question" and u.responses == ()
    t = one(doc(TEXT))
    assert t.type == "text_only_question" and not t.has_resprocessing and t.points == 0.0


def test_assessment_counts_points_and_feedback():
    fb = item("q_fb", "multiple_choice_question", lid(), proc(rc(cond("response1", "a1"), extra='<displayfeedback feedbacktype="Response" linkrefid="correct_fb"/>\n')),
              extra='<itemfeedback ident="correct_fb"><flow_mat><material><mattext>Yes</mattext></material></flow_mat></itemfeedback>\n')
    d = parse(doc("".join(ALL_TYPES) + fb))
    a = d.assessments[0]
    assert len(a.all_items()) == 13
    assert a.question_types() == {t: (2 if t == "multiple_choice_question" else 1) for t in (
        "multiple_choice_question", "true_false_question", "multiple_answers_question", "short_answer_question",
        "essay_question", "fill_in_multiple_blanks_question", "multiple_dropdowns_question", "matching_question",
        "numerical_question", "calculated_question", "file_upload_question", "text_only_question")}
    assert a.points() == 16.0  # 1 each, essay 5, text only 0
    f = d.all_items()[-1]
    assert f.feedback == ("correct_fb",) and f.conditions[0].feedback == ("correct_fb",)


def test_with_and_without_namespace_read_the_same():
    with_ns = parse(doc("".join(ALL_TYPES)))
    without = parse(doc("".join(ALL_TYPES), ns=False))
    assert with_ns.assessments[0].question_types() == without.assessments[0].question_types()
    assert [i.correct() for i in with_ns.all_items()] == [i.correct() for i in without.all_items()]


def test_groups_banks_and_points():
    group = ('<section ident="g1" title="Group">\n<selection_ordering><selection>'
             "<sourcebank_ref>B1</sourcebank_ref><selection_number>3</selection_number>"
             "<selection_extension><points_per_item>2</points_per_item></selection_extension>"
             "</selection></selection_ordering>\n</section>\n")
    local = ('<section ident="g2" title="Local">\n<selection_ordering><selection><selection_number>1</selection_number>'
             "<selection_extension><points_per_item>4</points_per_item></selection_extension></selection></selection_ordering>\n"
             + MC + TF + "</section>\n")
    a = parse(doc("", sections=f'<section ident="root_section">\n{SA}{group}{local}</section>\n')).assessments[0]
    g1, g2 = a.sections[0].sections
    assert (g1.sourcebank_ref, g1.pick_count, g1.points_per_item, g1.empty) == ("B1", 3, 2.0, True)
    assert (g2.pick_count, len(g2.items)) == (1, 2)
    assert a.points() == 1 + 3 * 2 + 1 * 4
    b = parse(bank_doc("B1", MC + TF, "My bank")).banks[0]
    assert (b.ident, b.bank, b.title_or_bank, len(b.all_items())) == ("B1", True, "My bank", 2)


def test_cc_profile_and_inferred_types():
    cc = item("c1", None, lid(), proc(rc(cond("response1", "a1"))), profile="cc.multiple_response.v0p1")
    assert (one(doc(cc)).type, one(doc(cc)).type_source) == ("multiple_answers_question", "cc_profile")
    plain = [item("p1", None, lid(choices=(("t", "True"), ("f", "False")))), item("p2", None, lid(card="Multiple")),
             item("p3", None, fib(), proc(rc(cond("response1", "x")))), item("p4", None, fib()),
             item("p5", None, fib(fibtype="Integer")), item("p6", None, lid("r1") + lid("r2")), item("p7", None, mat("Hi"))]
    got = [i.type for i in parse(doc("".join(plain))).all_items()]
    assert got == ["true_false_question", "multiple_answers_question", "short_answer_question", "essay_question",
                   "numerical_question", "matching_question", "text_only_question"]
    assert {i.type_source for i in parse(doc("".join(plain))).all_items()} == {"inferred"}


def test_odd_input_never_raises():
    for text in ('<questestinterop/>', '<questestinterop><assessment/></questestinterop>',
                 '<questestinterop><item><presentation><response_lid/></presentation><resprocessing><respcondition>'
                 '<conditionvar><varequal/><vargte respident="x">abc</vargte></conditionvar><setvar>NaN</setvar>'
                 '</respcondition></resprocessing></item></questestinterop>',
                 '<questestinterop xmlns:x="urn:other"><x:item ident="no"/><section><item/></section></questestinterop>',
                 '<item ident="bare"><itemmetadata><qtimetadata><qtimetadatafield/></qtimetadata></itemmetadata></item>'):
        d = qti.parse_qti(etree.fromstring(text), "x.xml")
        for it in d.all_items():
            it.correct(), it.has_correct_answer()
        for a in d.assessments:
            a.points(), a.question_types()


def test_quiz_meta_settings():
    root = etree.fromstring(
        f'<quiz identifier="Q1" xmlns="{CANVAS}"><title>T</title><description>&lt;p&gt;x&lt;/p&gt;</description>'
        "<time_limit>30</time_limit><allowed_attempts>2</allowed_attempts><quiz_type>assignment</quiz_type>"
        '<assignment identifier="AS1"><quiz_identifierref>Q1</quiz_identifierref><points_possible>5</points_possible>'
        "</assignment><assignment_group_identifierref>G1</assignment_group_identifierref></quiz>".encode())
    m = qti.parse_quiz_meta(root)
    assert (m.identifier, m.title, m.assignment_identifier, m.assignment_quiz_ref, m.assignment_group_ref,
            m.assignment_points) == ("Q1", "T", "AS1", "Q1", "G1", 5.0)
    assert m.settings == {"title": "T", "time_limit": "30", "allowed_attempts": "2", "quiz_type": "assignment",
                          "assignment_group_identifierref": "G1"}


# -- packages for the rules ------------------------------------------------------------------------

QRES = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"
LOR = "associatedcontent/imscc_xmlv1p1/learning-application-resource"
QFILE = "q1/quiz.xml"


def qti_pkg(text: str, path: str = QFILE, extra=()) -> list:
    res = f'<resource identifier="A1" type="{QRES}"><file href="{path}"/></resource>\n'
    for p, _ in extra:
        res += f'<resource identifier="R{abs(hash(p)) % 10**8}" type="webcontent" href="{p}"><file href="{p}"/></resource>\n'
    return [("imsmanifest.xml", manifest(res)), (path, text.encode()), *extra]


def meta_xml(ident, title="Quiz", quiz_type="assignment", assignment="") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz identifier="{ident}" xmlns="{CANVAS}">\n<title>{title}</title>\n'
            f"<quiz_type>{quiz_type}</quiz_type>\n{assignment}</quiz>\n")


def canvas_quiz(cc_items: str, full_items: str, ident="Q1", res_ident=None, cc_ident=None, full_sections=None,
                banks=(), meta_text=None, extra=()) -> list:
    """A Canvas CC export of one quiz: assessment_meta.xml, assessment_qti.xml, non_cc_assessments/<id>.xml.qti."""
    cc_path, meta_path, full_path = f"{ident}/assessment_qti.xml", f"{ident}/assessment_meta.xml", f"non_cc_assessments/{ident}.xml.qti"
    res = (f'<resource identifier="{res_ident or ident}" type="{QRES}"><file href="{cc_path}"/>'
           f'<dependency identifierref="{ident}_meta"/></resource>\n'
           f'<resource identifier="{ident}_meta" type="{LOR}" href="{meta_path}"><file href="{meta_path}"/>'
           f'<file href="{full_path}"/></resource>\n')
    members = [(meta_path, (meta_text or meta_xml(ident)).encode()),
               (cc_path, doc(cc_items, cc_ident or ident).encode()),
               (full_path, doc(full_items, ident, sections=full_sections).encode())]
    for bid, text in banks:
        bp = f"non_cc_assessments/{bid}.xml.qti"
        res += f'<resource identifier="{bid}" type="{LOR}" href="{bp}"><file href="{bp}"/></resource>\n'
        members.append((bp, text.encode()))
    return [("imsmanifest.xml", manifest(res)), *members, *extra]


def qti_triples(path, code):
    return sorted((f.code, f.file, f.line) for f in run(path, Config()).findings if f.code == code)


CC_MC = item("q_mc", None, mat("Pick one.") + lid(choices=(("a1", "A"), ("a2", "B"), ("a3", "C"))),
             proc(rc(cond("response1", "a2"))), profile="cc.multiple_choice.v0p1")


def _cases():
    """code -> (failing members, expected (file, line) list, passing members)."""
    c = {}
    bad = item("q1", "hotness_question", lid(), proc(rc(cond("response1", "a1"))))
    c["QTI001"] = (qti_pkg(t := doc(bad)), [(QFILE, line_of(t, '<item ident="q1"'))], qti_pkg(doc(MC)))
    nq = item("q1", "ordering_question", lid(card="Ordered"), proc(rc(cond("response1", "a1"))))
    c["QTI002"] = (qti_pkg(t := doc(nq)), [(QFILE, line_of(t, '<item ident="q1"'))], qti_pkg(doc(MC)))
    wrong_resp = item("q1", "multiple_choice_question", lid(), proc(rc(cond("response9", "a1"))))
    c["QTI003"] = (qti_pkg(t := doc(wrong_resp)), [(QFILE, line_of(t, 'respident="response9"'))], qti_pkg(doc(MC)))
    wrong_choice = item("q1", "multiple_choice_question", lid(), proc(rc(cond("response1", "zz"))))
    c["QTI004"] = (qti_pkg(t := doc(wrong_choice)), [(QFILE, line_of(t, ">zz<"))], qti_pkg(doc(MC)))
    no_answer = item("q1", "multiple_choice_question", lid(), proc(rc('<varequal respident="response1"/>')))
    c["QTI005"] = (qti_pkg(t := doc(no_answer)), [(QFILE, line_of(t, '<item ident="q1"'))], qti_pkg(doc(MC)))
    one_choice = item("q1", "multiple_choice_question", lid(choices=(("a1", "Only"),)), proc(rc(cond("response1", "a1"))))
    c["QTI006"] = (qti_pkg(t := doc(one_choice)), [(QFILE, line_of(t, "<response_lid"))], qti_pkg(doc(MC)))
    sa_lid = item("q1", "short_answer_question", lid(), proc(rc(cond("response1", "a1"))))
    c["QTI007"] = (qti_pkg(t := doc(sa_lid)), [(QFILE, line_of(t, '<item ident="q1"'))], qti_pkg(doc(SA + NUM)))
    blanks = item("q1", "fill_in_multiple_blanks_question", mat("A [one] and [two].") + lid("response_one", (("o", "x"),), prompt="one")
                  + lid("response_three", (("t", "y"),), prompt="three"),
                  proc(rc(cond("response_one", "o"), "50", "Add"), rc(cond("response_three", "t"), "50", "Add")))
    c["QTI008"] = (qti_pkg(t := doc(blanks)), [(QFILE, line_of(t, '<item ident="q1"')), (QFILE, line_of(t, 'ident="response_three"'))],
                   qti_pkg(doc(FIMB + DROP)))
    eq_range = item("q1", "numerical_question", fib(fibtype="Decimal"),
                    proc(rc(cond("response1", "5", "vargte") + cond("response1", "5", "varlte"))))
    c["QTI009"] = (qti_pkg(t := doc(eq_range)), [(QFILE, line_of(t, "<vargte"))], qti_pkg(doc(NUM)))
    empty_range = item("q1", "numerical_question", fib(fibtype="Decimal"),
                       proc(rc(cond("response1", "9", "vargte") + cond("response1", "1", "varlte"))))
    c["QTI010"] = (qti_pkg(t := doc(empty_range)), [(QFILE, line_of(t, "<vargte"))], qti_pkg(doc(NUM)))
    fb_missing = item("q1", "multiple_choice_question", lid(),
                      proc(rc(cond("response1", "a1"), extra='<displayfeedback feedbacktype="Response" linkrefid="gone_fb"/>\n')))
    fb_ok = item("q1", "multiple_choice_question", lid(),
                 proc(rc(cond("response1", "a1"), extra='<displayfeedback feedbacktype="Response" linkrefid="ok_fb"/>\n')),
                 extra='<itemfeedback ident="ok_fb"><flow_mat><material><mattext>ok</mattext></material></flow_mat></itemfeedback>\n')
    c["QTI011"] = (qti_pkg(t := doc(fb_missing)), [(QFILE, line_of(t, "<respcondition"))], qti_pkg(doc(fb_ok)))
    v2 = item("q1", "multiple_choice_question", lid() + "<itemBody><choiceInteraction/></itemBody>\n", proc(rc(cond("response1", "a1"))))
    c["QTI012"] = (qti_pkg(t := doc(v2)), [(QFILE, line_of(t, "<itemBody"))], qti_pkg(doc(MC)))
    hotspot = item("q1", None, '<response_xy ident="r1" rcardinality="Single">\n<render_hotspot/></response_xy>\n')
    c["QTI013"] = (qti_pkg(t := doc(hotspot)), [(QFILE, line_of(t, "<response_xy"))], qti_pkg(doc(MC)))
    untitled = item("q1", "multiple_choice_question", lid(), proc(rc(cond("response1", "a1"))), title=None)
    c["QTI014"] = (qti_pkg(t := doc(untitled)), [(QFILE, line_of(t, '<item ident="q1"'))], qti_pkg(doc(MC)))
    two = '<section ident="s1">\n' + MC + '</section>\n<section ident="s2">\n' + TF + "</section>\n"
    cc_path = "q1/assessment_qti.xml"
    c["QTI015"] = (qti_pkg(t := doc("", sections=two), cc_path), [(cc_path, line_of(t, '<section ident="s2"'))],
                   qti_pkg(doc(MC + TF), cc_path))
    empty_group = '<section ident="root_section">\n' + MC + '<section ident="g1" title="Nothing">\n</section>\n</section>\n'
    c["QTI016"] = (qti_pkg(t := doc("", sections=empty_group)), [(QFILE, line_of(t, '<section ident="g1"'))], qti_pkg(doc(MC)))
    img = item("q1", "multiple_choice_question", '<material><matimage uri="$IMS-CC-FILEBASE$/Quiz Files/pic.png"/></material>\n' + lid(),
               proc(rc(cond("response1", "a1"))))
    c["QTI017"] = (qti_pkg(t := doc(img)), [(QFILE, line_of(t, "<matimage"))],
                   qti_pkg(doc(img), extra=[("web_resources/Quiz Files/pic.png", b"png")]))
    # package rules: a Canvas export of one quiz
    c["QTI020"] = (canvas_quiz(CC_MC, MC, cc_ident="OTHER"), [("Q1/assessment_qti.xml", 3)], canvas_quiz(CC_MC, MC))
    grp = meta_xml("Q1", assignment='<assignment identifier="AS1">\n<quiz_identifierref>Q2</quiz_identifierref>\n</assignment>\n')
    ok_grp = meta_xml("Q1", assignment='<assignment identifier="AS1">\n<quiz_identifierref>Q1</quiz_identifierref>\n</assignment>\n')
    c["QTI021"] = (canvas_quiz(CC_MC, MC, meta_text=grp), [("Q1/assessment_meta.xml", line_of(grp, "<quiz_identifierref"))],
                   canvas_quiz(CC_MC, MC, meta_text=ok_grp))
    bank_group = ('<section ident="root_section">\n' + MC + '<section ident="g1" title="From bank">\n<selection_ordering><selection>'
                  "<sourcebank_ref>B1</sourcebank_ref><selection_number>2</selection_number><selection_extension>"
                  "<points_per_item>1</points_per_item></selection_extension></selection></selection_ordering>\n</section>\n</section>\n")
    full = doc("", "Q1", sections=bank_group)
    c["QTI022"] = (canvas_quiz(CC_MC, "", full_sections=bank_group),
                   [("non_cc_assessments/Q1.xml.qti", line_of(full, '<section ident="g1"'))],
                   canvas_quiz(CC_MC, "", full_sections=bank_group, banks=[("B1", bank_doc("B1", TF + SA))]))
    c["QTI023"] = (canvas_quiz(CC_MC, MC + MATCH), [("non_cc_assessments/Q1.xml.qti", 3)], canvas_quiz(CC_MC, MC))
    c["QTI024"] = (canvas_quiz("", MC), [("Q1/assessment_qti.xml", 3)], canvas_quiz(CC_MC, MC))
    return c


CASES = _cases()
TESTED = frozenset(CASES)  # tests/test_rules.py counts these as tested


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fails_then_passes(code, make_zip):
    bad, where, good = CASES[code]
    got = qti_triples(make_zip(bad), code)
    assert got == sorted((code, f, l) for f, l in where), got
    assert qti_triples(make_zip(good), code) == []


def test_every_quiz_rule_has_a_case():
    mine = {r.code for r in all_rules() if r.code.startswith("QTI")}
    assert mine == set(CASES)


def test_findings_carry_identifier_and_plain_message(make_zip):
    r = run(make_zip(CASES["QTI004"][0]), Config())
    f = next(f for f in r.findings if f.code == "QTI004")
    assert f.identifier == "q1" and "'zz'" in f.message and "response1" in f.message
    r = run(make_zip(CASES["QTI022"][0]), Config())
    f = next(f for f in r.findings if f.code == "QTI022")
    assert f.identifier == "Q1" and "selected for export" in f.message
    r = run(make_zip(CASES["QTI023"][0]), Config())
    f = next(f for f in r.findings if f.code == "QTI023")
    assert "loses 1 question of 2: 1 matching" in f.message


def test_bank_group_empty_by_design_is_explained(make_zip):
    bad, _, good = CASES["QTI022"]
    msgs = [f.message for f in run(make_zip(good), Config()).findings if f.code == "QTI016"]
    assert msgs and "empty by design" in msgs[0] and "'B1'" in msgs[0]
    other = {f.code: f.message for f in run(make_zip(good), Config()).findings
             if f.code.startswith("QTI") and f.code != "QTI016"}
    assert other == {"QTI023": "a non-Canvas LMS importing Q1/assessment_qti.xml loses the 2 questions drawn from "
                                "question banks at each attempt"}


def test_quiz_type_survey_needs_no_correct_answer(make_zip):
    no_answer = item("q1", "multiple_choice_question", lid(), proc(rc('<varequal respident="response1"/>')))
    cc = item("q1", None, lid(), proc(rc('<varequal respident="response1"/>')), profile="cc.multiple_choice.v0p1")
    graded = canvas_quiz(cc, no_answer)
    survey = canvas_quiz(cc, no_answer, meta_text=meta_xml("Q1", quiz_type="survey"))
    assert [x[1] for x in qti_triples(make_zip(graded), "QTI005")] == ["Q1/assessment_qti.xml", "non_cc_assessments/Q1.xml.qti"]
    assert qti_triples(make_zip(survey), "QTI005") == []


def test_mattext_links_go_through_the_one_resolver(make_zip):
    body = item("q1", "multiple_choice_question", mat('<p><img src="$IMS-CC-FILEBASE$/Quiz Files/gone.png"></p>') + lid(),
                proc(rc(cond("response1", "a1"))))
    t = doc(body)
    got = [(c, f, l) for c, f, l in qti_triples(make_zip(qti_pkg(t)), "LNK001")]
    assert got == [("LNK001", QFILE, line_of(t, "<mattext"))]


def test_rules_survive_odd_documents(make_zip):
    weird = ('<questestinterop xmlns="urn:not-qti"><assessment ident="x"><section><item ident="i">'
             '<presentation><response_lid/></presentation></item></section></assessment></questestinterop>')
    odd = '<questestinterop><assessment><section><item><resprocessing><respcondition><conditionvar><varequal/>' \
          '<vargte>x</vargte><varlte>y</varlte></conditionvar><setvar/></respcondition></resprocessing></item></section>' \
          '</assessment><objectbank/></questestinterop>'
    for text in (weird, odd):
        r = run(make_zip(qti_pkg(text)), Config())
        assert not [f for f in r.findings if f.code in ("PKG002", "PKG003")], r.findings


# -- the model on packages, inspect ----------------------------------------------------------------

def test_canvas_quiz_model_in_package(make_zip):
    pkg = load(make_zip(canvas_quiz(CC_MC, "".join(ALL_TYPES))))
    q = pkg.quizzes[0]
    assert (q.identifier, q.resource_identifier, q.question_count) == ("Q1", "Q1", 12)
    assert q.assessment.file == "non_cc_assessments/Q1.xml.qti" and q.cc_assessment.file == "Q1/assessment_qti.xml"
    assert sum(q.question_types.values()) == 12 and q.settings == {"title": "Quiz", "quiz_type": "assignment"}
    assert q.points_possible == 15.0  # no points in the meta: from the QTI (essay 5, text only 0)
    d = q.to_dict()
    assert {"identifier", "title", "question_count", "question_types", "points_possible", "file"} <= set(d)
    assert "assessment" not in d and "meta" not in d
    json.dumps(d)
    pkg.close()


def test_inspect_shows_quizzes_and_banks(make_zip):
    p = make_zip(canvas_quiz(CC_MC, MC + TF, banks=[("B1", bank_doc("B1", MC + SA + SA, "Pool"))]))
    out = subprocess.run([sys.executable, "-m", "cc_toolkit", "inspect", str(p), "--format", "json"],
                         capture_output=True, text=True)
    d = json.loads(out.stdout)
    q = d["quizzes"][0]
    assert (q["identifier"], q["title"], q["question_count"], q["points_possible"], q["file"]) == \
        ("Q1", "Quiz", 2, 2.0, "Q1/assessment_meta.xml")
    assert q["question_types"] == {"multiple_choice_question": 1, "true_false_question": 1}
    b = d["question_banks"][0]
    assert (b["identifier"], b["title"], b["question_count"], b["points_possible"], b["file"]) == \
        ("B1", "Pool", 3, 3.0, "non_cc_assessments/B1.xml.qti")
    assert b["question_types"] == {"multiple_choice_question": 1, "short_answer_question": 2}
    text = subprocess.run([sys.executable, "-m", "cc_toolkit", "inspect", str(p)], capture_output=True, text=True).stdout
    assert "  - Quiz [Q1] 2 questions, 2 points" in text and "  - Pool [B1] 3 questions, 3 points" in text
    assert "        2 short_answer_question" in text


def test_sample_quiz_model():
    pkg = load(SAMPLES / "canvas_course.imscc")
    q = pkg.quizzes[0]
    assert q.question_types == {"multiple_choice_question": 1, "true_false_question": 1, "essay_question": 1}
    assert [i.type_source for i in q.cc_assessment.all_items()] == ["cc_profile"] * 3
    pkg.close()


# -- corpus ---------------------------------------------------------------------------------------

def _xpath_types(data: bytes) -> Counter:
    """An independent count: question_type of each item, by XPath over the raw document."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    out = Counter()
    for it in root.xpath("//*[local-name()='item']"):
        t = it.xpath("string(./*[local-name()='itemmetadata']//*[local-name()='qtimetadatafield']"
                     "[normalize-space(*[local-name()='fieldlabel'])='question_type']/*[local-name()='fieldentry'])")
        out[t.strip()] += 1
    return out


def _zip_member(rel: str, member: str) -> bytes:
    with zipfile.ZipFile(CORPUS / rel) as z:
        return z.read(member)


# named quizzes and banks: (package, identifier, expected question types)
NAMED = [
    ("instructure+common-cartridge-viewer/all-question-types.imscc", "iaa8f9f400b29e514ea8d28fd7ed067f4",
     {"essay_question": 1, "text_only_question": 1, "multiple_choice_question": 1, "true_false_question": 1,
      "multiple_answers_question": 1, "multiple_dropdowns_question": 1, "matching_question": 1,
      "numerical_question": 1, "calculated_question": 1, "file_upload_question": 1}),
    ("commonsyllabi+commoncartridge/test_01.imscc", "i92556d03cef1a20c975b43115011059f",
     {"multiple_choice_question": 1, "true_false_question": 1, "fill_in_multiple_blanks_question": 1,
      "multiple_answers_question": 1, "multiple_dropdowns_question": 1, "matching_question": 1, "numerical_question": 1,
      "calculated_question": 1, "essay_question": 1, "file_upload_question": 1, "text_only_question": 1,
      "short_answer_question": 1}),
    ("commonsyllabi+commoncartridge/test_01.imscc", "i7d40ddafe1510b13e094faf1d8aede61",
     {"multiple_choice_question": 48, "true_false_question": 1, "short_answer_question": 1}),
    ("commonsyllabi+commoncartridge/sample-public-sandbox-course-export.imscc", "i2f6f808ba812d7ef688e87f951f589cf",
     {"short_answer_question": 3, "essay_question": 2, "matching_question": 1}),
    ("instructure+qti/test_qti_1.2_canvas.zip", "i00f37ac2af026e5a607e4a5d9a70b1d5",
     {"true_false_question": 1, "multiple_choice_question": 1, "multiple_answers_question": 1, "essay_question": 1}),
    ("atomicjolt+qti_to_learnosity_converter/canvas_multi.imscc", "g4e414df07b4f1b755caf3f1b1158f342",
     {"text_only_question": 3, "multiple_choice_question": 1, "true_false_question": 3, "essay_question": 1}),
    ("HotChalk+canvas-lms/spec/fixtures/migration/canvas_cc_only_questions.zip", "i701580ff45ac82ee306325d4629f1490",
     {"essay_question": 10, "matching_question": 1, "short_answer_question": 5, "Error": 4,
      "multiple_choice_question": 16, "true_false_question": 5}),
]


@pytest.mark.parametrize("rel,ident,expected", NAMED, ids=[f"{r.split('/')[-1]}:{i[:8]}" for r, i, _ in NAMED])
def test_named_quizzes_counts_per_type(rel, ident, expected):
    corpus_required()
    pkg = load(CORPUS / rel)
    obj = next((q for q in pkg.quizzes if q.identifier == ident), None) or \
        next(b for b in pkg.question_banks if b.identifier == ident)
    path = getattr(obj, "full_qti_file", None) or getattr(obj, "qti_file", None) or obj.file
    pkg.close()
    independent = _xpath_types(_zip_member(rel, path))
    assert dict(independent) == expected  # the numbers above are what XPath finds
    assert obj.question_types == expected
    assert obj.question_count == sum(expected.values())


QTI_PACKAGES = [
    "instructure+common-cartridge-viewer/all-question-types.imscc",
    "commonsyllabi+commoncartridge/test_01.imscc",
    "openedx+cc2olx/canvas_large_1.3.imscc",
    "commonsyllabi+commoncartridge/sample-public-sandbox-course-export.imscc",
    "commonsyllabi+commoncartridge/canvas-fall-spring-template-export.imscc",
    "decagondev+web-s10/web-s10.imscc",
    "instructure+qti/test_imscc_canvas.zip",
    "instructure+qti/canvas_cartridge.zip",
    "HotChalk+canvas-lms/spec/fixtures/migration/canvas_quiz_media_comment.zip",
]


@pytest.mark.parametrize("rel", QTI_PACKAGES)
def test_every_canvas_quiz_and_bank_agrees_with_xpath(rel):
    """For every quiz and bank of Canvas packages: model counts per type == XPath counts of its file."""
    corpus_required()
    pkg = load(CORPUS / rel)
    checked = 0
    with zipfile.ZipFile(CORPUS / rel) as z:
        for q in pkg.quizzes:
            path = q.full_qti_file or q.qti_file
            if not path or not q.question_types and not q.question_count:
                continue
            assert q.question_types == dict(_xpath_types(z.read(path))), (q.identifier, path)
            checked += 1
        for b in pkg.question_banks:
            assert b.question_types == dict(_xpath_types(z.read(b.file))), b.identifier
            checked += 1
    pkg.close()
    assert checked


def _corpus_packages():
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in (".imscc", ".zip", ".xml", ".gz"))


def test_no_quiz_rule_or_model_crash_on_any_corpus_package():
    corpus_required()
    crashes = []
    quizzes = items = 0
    for p in _corpus_packages():
        try:
            r = run(p, Config())
        except PackageError:
            continue
        crashes += [(p.name, f.message) for f in r.findings
                    if f.code == "PKG003" or (f.code == "PKG002" and "QTI" in f.message)]
        quizzes += len(r.package.quizzes)
        items += sum(q.question_count or 0 for q in r.package.quizzes)
        r.package.close()
    assert crashes == []
    assert quizzes >= 100 and items >= 500


# -- the summary model (inspect) ------------------------------------------------------------------

def test_item_summary_reads_type_and_points_from_metadata_and_falls_back_without_them():
    doc = etree.fromstring(
        '<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2"><assessment ident="A" title="T">'
        '<section ident="root_section">'
        '<item ident="q1" title="One"><itemmetadata><qtimetadata>'
        '<qtimetadatafield><fieldlabel>question_type</fieldlabel><fieldentry>multiple_choice_question</fieldentry></qtimetadatafield>'
        '<qtimetadatafield><fieldlabel>points_possible</fieldlabel><fieldentry>2.5</fieldentry></qtimetadatafield>'
        '</qtimetadata></itemmetadata><presentation><material><mattext>Pick [x]</mattext></material>'
        '<response_lid ident="response1"><render_choice><response_label ident="a"/></render_choice></response_lid>'
        '</presentation></item>'
        '<item ident="q2"><presentation><response_str ident="r"><render_fib/></response_str></presentation>'
        '<resprocessing><respcondition><conditionvar><varequal respident="r">yes</varequal></conditionvar>'
        '<setvar action="Set">1</setvar></respcondition></resprocessing></item>'
        '</section></assessment></questestinterop>')
    full = qti.parse_qti(doc, "q.xml")
    light = qti.parse_qti(doc, "q.xml", detail=False)
    f1, f2 = full.all_items()
    s1, s2 = light.all_items()
    assert (s1.ident, s1.type, s1.type_source, s1.points, s1.summary) == ("q1", "multiple_choice_question", "canvas", 2.5, True)
    assert s1.responses == () and s1.text == "" and f1.responses[0].ident == "response1" and f1.blanks == ("x",)
    # no question_type and no cc_profile: the type comes from the structure, so the item is modelled in full
    assert (s2.type, s2.type_source, s2.summary) == ("short_answer_question", "inferred", False)
    assert s2 == f2
    assert light.assessments[0].question_types() == full.assessments[0].question_types() == \
        {"multiple_choice_question": 1, "short_answer_question": 1}
    assert light.assessments[0].points() == full.assessments[0].points() == 2.5


def test_inspect_model_equals_the_full_model_on_every_corpus_package():
    """`inspect` reads quiz questions to their type and points only; what it prints must equal what the
    fully detailed model (the one validate uses) gives, on every real package."""
    corpus_required()
    from cc_toolkit.check.engine import load_package
    from cc_toolkit.report.inspect_data import inspect_data

    compared = summarized = 0
    for p in _corpus_packages():
        try:
            full = load(p)
        except PackageError:
            continue
        light = load_package(p)
        a, b = inspect_data(full), inspect_data(light)
        assert a == b, p.name
        summarized += sum(1 for q in light.quizzes if q.assessment for i in q.assessment.all_items() if i.summary)
        compared += len(full.quizzes) + len(full.question_banks)
        full.close()
        light.close()
    assert compared >= 100 and summarized >= 500


def test_points_never_overflow_and_pick_counts_stay_storable():
    """Points that add up past the float range give no total (never inf or NaN, which are not JSON); a pick
    count Canvas cannot store (1e300) is no pick count."""
    def it(ident, points):
        return (f'<item ident="{ident}"><itemmetadata><qtimetadata><qtimetadatafield><fieldlabel>question_type'
                f'</fieldlabel><fieldentry>essay_question</fieldentry></qtimetadatafield><qtimetadatafield><fieldlabel>'
                f'points_possible</fieldlabel><fieldentry>{points}</fieldentry></qtimetadatafield></qtimetadata>'
                '</itemmetadata></item>')

    def asmt(body):
        root = etree.fromstring('<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2"><assessment '
                                f'ident="A"><section ident="root_section">{body}</section></assessment></questestinterop>')
        return qti.parse_qti(root, "q.xml").assessments[0], qti.parse_qti(root, "q.xml", detail=False).assessments[0]

    for a in asmt(it("a", "1e308") + it("b", "1e308")):
        assert a.points() is None  # inf
    for a in asmt(f'<section ident="x">{it("a", "1e308")}{it("b", "1e308")}</section>'
                  f'<section ident="y">{it("c", "-1e308")}{it("d", "-1e308")}</section>'):
        assert a.points() is None  # inf - inf = NaN
    for a in asmt(it("a", "2.5") + it("b", "1e308")):
        assert a.points() == 1e308
    group = ('<section ident="g"><selection_ordering><selection><sourcebank_ref>B</sourcebank_ref>'
             '<selection_number>{}</selection_number></selection></selection_ordering></section>')
    assert [s.pick_count for a in asmt(group.format("1e300")) for s in a.all_sections()] == [None] * 4
    assert [s.pick_count for a in asmt(group.format("3")) for s in a.all_sections()] == [None, 3, None, 3]


def test_big_items_stay_linear(make_zip):
    """Thousands of responses, choices and conditions in one item: findings stay one per condition, each
    message short, and responses nested in responses are not modelled again (they were: quadratic)."""
    n = 2000
    fimb = item("q1", "fill_in_multiple_blanks_question",
                "".join(fib(f"r{k}") for k in range(n)),
                proc(*(rc(cond(f"z{k}", "x")) for k in range(n))))
    mc = item("q2", "multiple_choice_question", lid(choices=tuple((f"a{k}", f"A{k}") for k in range(n))),
              proc(*(rc(cond("response1", f"x{k}")) for k in range(n))))
    nested = "<render_choice>" + "".join(f'<response_label ident="c{k}"/>' for k in range(50)) + "</render_choice>"
    for d in range(40):
        nested = f'<response_lid ident="n{d}">{nested}</response_lid>'
    deep = item("q3", "multiple_choice_question", nested, proc(rc(cond("n39", "c1"))))
    r = run(make_zip(qti_pkg(doc(fimb + mc + deep))), Config())
    qti003 = [f for f in r.findings if f.code == "QTI003" and f.identifier == "q1"]
    qti004 = [f for f in r.findings if f.code == "QTI004" and f.identifier == "q2"]
    assert len(qti003) == n and len(qti004) == n
    assert max(len(f.message) for f in qti003) < 200 and f", … {n - 10} more)" in qti003[0].message
    model = next(q for q in r.package.quizzes).assessment
    q3 = next(i for i in model.all_items() if i.ident == "q3")
    assert [x.ident for x in q3.responses] == ["n39"] and len(q3.responses[0].choices) == 50
    assert not [f for f in r.findings if f.identifier == "q3" and f.code in ("QTI003", "QTI004")]
