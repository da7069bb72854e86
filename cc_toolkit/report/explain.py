"""`cc-toolkit explain CODE`: the registry's text plus an example of the finding as it is printed."""
from __future__ import annotations

import textwrap

# One example finding per rule, as `validate` prints it (taken from the bundled samples and tests).
EXAMPLES = {
    "EXP001": 'imsmanifest.xml:107: error EXP001 Export errors for export 77: Failed to export wiki page "Broken page"',
    "HTM001": "wiki_content/b.html: warning HTM001 binary content in a file named as HTML",
    "HTM002": "wiki_content/p.html:2: warning HTM002 not valid UTF-8 (0xff at offset 4)",
    "HTM003": "wiki_content/p.html:2: warning HTM003 inline data URI of 600022 characters",
    "ID001": "imsmanifest.xml:66: error ID001 identifier 'ia8179e96178e0bbdb4960fd376725526' is already used at line 61",
    "ID002": "imsmanifest.xml:69: error ID002 identifier '1bad' is not a valid xs:ID [1bad]",
    "ID003": "imsmanifest.xml:12: error ID003 resource of type 'webcontent' has no identifier",
    "LNK001": "wiki_content/links.html:10:6: error LNK001 src='$IMS-CC-FILEBASE$/images/missing.png': "
              "no file 'web_resources/images/missing.png' in the package",
    "LNK002": "wiki_content/links.html:11:4: warning LNK002 href='$WIKI_REFERENCE$/pages/no-such-page': "
              "no page 'no-such-page' in the package",
    "LNK003": "wiki_content/p.html:2: warning LNK003 href='$CANVAS_OBJECT_REFERENCE$/assignments/i99': "
              "no assignments 'i99' in the package",
    "LNK004": "wiki_content/links.html:9:7: warning LNK004 href='https://canvas.example.edu/courses/42/pages/welcome' "
              "points at the source Canvas instance",
    "LNK005": "wiki_content/links.html:12:4: warning LNK005 href='$IMS-CC-FILEBASE$/handouts/reading%2520list.pdf' "
              "is percent-encoded twice",
    "LNK006": "wiki_content/academic-support.html:208: error LNK006 href='../index.html': no file 'index.html' in the package",
    "ORP001": "web_resources/stray.txt: warning ORP001 not declared by any resource in the manifest",
    "ORP002": "__MACOSX/._imsmanifest.xml: info ORP002 not declared by any resource: operating-system metadata "
              "(macOS/Windows), ignored by importers",
    "PKG001": "imsmanifest.xml:2: info PKG001 no organization items: the package has no course structure",
    "PKG002": "- : error PKG002 rule ID003 (missing-identifier) failed: RuntimeError: kaboom",
    "PKG003": "a.xml: error PKG003 could not be modelled: ValueError: bad",
    "PKG005": "imsmanifest.xml: info PKG005 only the manifest was checked: no package files to compare with",
    "REF001": "imsmanifest.xml:19: error REF001 item 'i1c2d…' refers to missing resource 'i0000…'",
    "REF002": "imsmanifest.xml:64: error REF002 resource 'ia817…' depends on missing resource 'inowhere'",
    "REF003": "course_settings/module_meta.xml:2: error REF003 module 'W' item 'P' (WikiPage) refers to missing resource 'R9'",
    "REF004": "imsmanifest.xml:63: error REF004 resource 'ia817…' lists 'wiki_content/gone.html', which is not in the package",
    "REF005": "imsmanifest.xml:12: warning REF005 'my%20file.html' matches entry 'my file.html' only after percent-decoding",
    "REF006": "imsmanifest.xml:12: error REF006 resource 'R1' href 'a.html' is not listed among its files",
    "REF007": "imsmanifest.xml:69: error REF007 resource '1bad' of type 'webcontent' lists no files",
    "REF008": "imsmanifest.xml:12: error REF008 file href '../up.html' points outside the package",
    "XML001": "iefdb139fb3ba1ca1ba6a5c48ab9ca582.xml:3:29: error XML001 not well-formed: Opening and ending tag mismatch: "
              "title line 3 and titel",
    "XML002": "imsmanifest.xml:1: error XML002 declares encoding 'UTF-16' but has no byte-order mark and reads as 8-bit text",
    "XML003": "course_settings/course_settings.xml:4:20: error XML003 character U+0001 is not allowed in XML 1.0",
    "XML004": "a.xml:1: warning XML004 DOCTYPE declares entities (e); they were not expanded",
    "XML005": "a.xml: error XML005 over 268435456 bytes; not parsed",
    "XML006": "T_000002_F.xml:2: warning XML006 xmlns:xsi: 'http: //www.w3.org/2001/XMLSchema-instance' is not a valid URI",
    "ZIP001": "/abs.txt: error ZIP001 entry name '/abs.txt' is absolute",
    "ZIP002": "../evil.txt: error ZIP002 entry name '../evil.txt' climbs out of the package with '..'",
    "ZIP003": "web_resources\\windows.txt: error ZIP003 entry name 'web_resources\\\\windows.txt' contains a backslash",
    "ZIP004": "C:/x.txt: error ZIP004 entry name 'C:/x.txt' starts with a drive letter",
    "ZIP005": "a\\x01.txt: error ZIP005 entry name 'a\\x01.txt' contains a control character",
    "ZIP006": "what?.txt: warning ZIP006 entry name 'what?.txt' has character '?', not allowed on Windows",
    "ZIP007": "web_resources/images/logo.png: warning ZIP007 entries 'web_resources/Images/LOGO.png', "
              "'web_resources/images/logo.png' differ only in case",
    "ZIP008": "a.html: error ZIP008 entry 'a.html' appears more than once",
    "ZIP009": "café.html: warning ZIP009 entry name 'café.html' has non-ASCII bytes but no UTF-8 flag (decoded as UTF-8)",
    "ZIP010": "b.bin: error ZIP010 cannot be read: Bad CRC-32 for file 'b.bin'",
    "ZIP011": "evil_symlink: error ZIP011 entry 'evil_symlink' is a symbolic link; not followed",
    "ZIP012": "secret.xml: error ZIP012 entry 'secret.xml' is encrypted",
    "ZIP013": "zeros.html: error ZIP013 entry not inflated: compression ratio 1029:1 is over the limit of 200:1",
    "ZIP014": "inner.zip: info ZIP014 nested archive, not opened",
    "ZIP016": "-: warning ZIP016 17 bytes of data precede the first zip entry",
    # schema, profile and quiz rules: lines printed for the failing cases of tests/test_schemas.py and test_quiz.py
    "CCP001": "imsmanifest.xml:13: error CCP001 discussion resource 'T1' lists 2 files; the CC profile "
              'requires exactly one (its descriptor) [T1]',
    "CCP002": "imsmanifest.xml:13: error CCP002 discussion resource 'T1' has href='t.xml'; the CC "
              'profile does not allow href on this type [T1]',
    "CCP003": "imsmanifest.xml:14: error CCP003 webcontent resource 'R1' depends on discussion "
              "resource 'T1'; allowed: webcontent [R1]",
    "CCP004": "imsmanifest.xml:13: error CCP004 dependency cycle of 2 resources: 'R1' -> 'R2' -> 'R1' "
              '[R1]',
    "CCP005": "imsmanifest.xml:15: warning CCP005 resource 'R1' depends on 'R2' more than once [R1]",
    "CCP006": "imsmanifest.xml:9: error CCP006 item 'I1' points at question bank 'B1' [I1]",
    "CCP007": "imsmanifest.xml:14: warning CCP007 resource 'R1' lists 'a.html' more than once [R1]",
    "CCP008": "imsmanifest.xml:13: error CCP008 learning application resource 'L1' does not list "
              "'d/b.html' of its folder 'd/' [L1]",
    "CCP009": "imsmanifest.xml:13: error CCP009 resource 'R1' of type 'webcontent' is not allowed in a "
              'Thin Common Cartridge [R1]',
    "CCP010": "imsmanifest.xml:13: warning CCP010 learning application resource 'S1' does not list "
              "'course_settings/course_settings.xml' of its folder 'course_settings/' (Canvas lists "
              'only some course settings files in the course settings resource; Canvas imports it) '
              '[CCP008] [S1]',
    "QTI001": "q1/quiz.xml:5: warning QTI001 unknown question_type 'hotness_question': Canvas imports "
              'it as an empty question [q1]',
    "QTI002": 'q1/quiz.xml:5: warning QTI002 ordering question exists only in New Quizzes; Classic '
              'Quizzes and other LMSs cannot import it [q1]',
    "QTI003": "q1/quiz.xml:19: error QTI003 <varequal> tests response 'response9', which the item does "
              'not have (responses: response1) [q1]',
    "QTI004": "q1/quiz.xml:19: error QTI004 varequal names choice 'zz', which response 'response1' "
              'does not offer (2 choices) [q1]',
    "QTI005": 'q1/quiz.xml:5: error QTI005 multiple choice question has no correct answer: no '
              'respcondition sets a positive score [q1]',
    "QTI006": 'q1/quiz.xml:8: warning QTI006 multiple choice question offers 1 choice [q1]',
    "QTI007": 'q1/quiz.xml:5: error QTI007 short answer question has no <response_str> with '
              '<render_fib> (has: <response_lid> with <render_choice>) [q1]',
    "QTI008": 'q1/quiz.xml:5: error QTI008 [two] in the question text has no response_two: it shows as '
              'literal text [q1]',
    "QTI009": 'q1/quiz.xml:16: warning QTI009 numerical answer is the range 5 to 5: meant as the exact '
              'answer 5? [q1]',
    "QTI010": 'q1/quiz.xml:16: error QTI010 numerical answer range 9 to 1 is empty [q1]',
    "QTI011": "q1/quiz.xml:17: warning QTI011 displayfeedback 'gone_fb' names no itemfeedback of the "
              'item [q1]',
    "QTI012": 'q1/quiz.xml:14: error QTI012 QTI 2.x element <itemBody> in a QTI 1.2 document (found: '
              'itemBody, choiceInteraction); QTI 1.2 importers ignore it',
    "QTI013": 'q1/quiz.xml:7: warning QTI013 <response_xy> has no Canvas Classic Quizzes question '
              'type; the question arrives unsupported [q1]',
    "QTI014": 'q1/quiz.xml:5: info QTI014 item has no title [q1]',
    "QTI015": 'q1/assessment_qti.xml:27: warning QTI015 Common Cartridge assessment has 2 sections; '
              'the profile allows one [A1]',
    "QTI016": "q1/quiz.xml:26: info QTI016 question group 'Nothing' has no questions and draws from no "
              'bank [A1]',
    "QTI017": "q1/quiz.xml:8: error QTI017 <matimage uri='$IMS-CC-FILEBASE$/Quiz Files/pic.png'>: no "
              "file 'web_resources/Quiz Files/pic.png' in the package [q1]",
    "QTI020": "Q1/assessment_qti.xml:3: error QTI020 <assessment ident='OTHER'> differs from the quiz "
              "identifier 'Q1' [Q1]",
    "QTI021": "Q1/assessment_meta.xml:6: warning QTI021 assignment 'AS1' has quiz_identifierref 'Q2', "
              "not this quiz 'Q1' [Q1]",
    "QTI022": "non_cc_assessments/Q1.xml.qti:26: warning QTI022 question group 'From bank' draws from "
              "bank 'B1', which is not in the package: Canvas does not export a question bank unless "
              'it is selected for export [Q1]',
    "QTI023": 'non_cc_assessments/Q1.xml.qti:3: warning QTI023 a non-Canvas LMS importing '
              'Q1/assessment_qti.xml loses 1 question of 2: 1 matching [Q1]',
    "QTI024": 'Q1/assessment_qti.xml:3: warning QTI024 Q1/assessment_qti.xml has 0 questions, but '
              'non_cc_assessments/Q1.xml.qti implies 1 of the types the CC profile carries [Q1]',
    "XSD001": "imsmanifest.xml:8: error XSD001 <organization structure> is 'flat'; it must be "
              "'rooted-hierarchy'",
    "XSD002": 't.xml:2: error XSD002 unexpected <text>; expected <title>',
    "XSD003": 'q.xml:3: error XSD003 <section> is incomplete: expected <item>',
    "XSD004": 'course_settings/course_settings.xml:2: error XSD004 unexpected <titel>; expected one of '
              '<allow_final_grade_override>, <allow_student_discussion_editing>, …',
    "XSD005": 'l.xml:4: warning XSD005 unexpected <custom>; expected one of <secure_launch_url>, '
              '<icon>, <secure_icon>, <vendor> (Canvas writes the Basic LTI link elements in its own '
              'order; Canvas imports it)',
    "XSD006": 'i39441b986c2602698a95da13786adeaf.xml: error XSD006 not validated: '
              'schemas/www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imsdt_v1p1.xsd is missing (run '
              '`cc-toolkit schemas install`)',
}


def explain_text(rule) -> str:
    wrap = lambda s: textwrap.fill(s, 96, initial_indent="  ", subsequent_indent="  ")  # noqa: E731
    parts = [f"{rule.code}  {rule.name}  (default severity: {rule.severity}; checks: {rule.scope})", "",
             "What it means and why it matters:", wrap(rule.summary), "", "How to fix it:", wrap(rule.fix or "-")]
    example = EXAMPLES.get(rule.code) or getattr(rule, "example", None)
    if example:
        parts += ["", "Example:", "  " + example]
    parts += ["", f"Silence it with --ignore {rule.code} (or the family: --ignore {rule.family}), or in "
                  f".cc-toolkit.toml: ignore = [\"{rule.code}\"]."]
    return "\n".join(parts)
