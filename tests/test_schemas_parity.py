"""Parity of the project's XSDs with the official 1EdTech schemas in ../shared/ims-xsd.

For every XML document in ../shared/corpus (read in memory, never extracted) and for generated mutants
of them, the verdict (valid or not) of our schema set must equal the verdict of the official one, for
every namespace that has an official schema here (CC 1.0, 1.1, 1.3 manifests, plain IMS CP, topics and
web links 1.0/1.1/1.3, LTI 1.0/1.3, CC 1.3 assignment, the CC QTI profile). The official schemas are
used as an oracle only; their imports are resolved inside ../shared/ims-xsd (no network).

Run `python -m tests.test_schemas_parity` to print the table without pytest.
"""
from __future__ import annotations

import copy
import random
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from lxml import etree

from cc_toolkit import schemas as S
from cc_toolkit.read.xml import parse_bytes

ROOT = Path(__file__).resolve().parents[1]
OFFICIAL = ROOT.parent / "shared" / "ims-xsd"
CORPUS = ROOT.parent / "shared" / "corpus"
N_MUTANTS = 700
THRESHOLD = 0.995


def available() -> bool:
    return OFFICIAL.is_dir() and CORPUS.is_dir()


def key_for(root) -> str | None:
    ns = etree.QName(root).namespace
    entry = S.BY_KEY.get(ns or "")
    if entry is None or entry.official is None:
        return None
    if ns == S.QTI and etree.QName(root).localname != "questestinterop":
        return None
    return ns


def corpus_documents():
    """(label, root) for every parseable XML document of the corpus whose namespace has an official schema."""
    for p in sorted(CORPUS.rglob("*")):
        if not p.is_file():
            continue
        rel = str(p.relative_to(CORPUS))
        members: list[tuple[str, bytes]] = []
        if p.suffix == ".xml":
            members.append((p.name, p.read_bytes()))
        elif zipfile.is_zipfile(p):
            with zipfile.ZipFile(p) as z:
                for info in z.infolist():
                    if info.is_dir() or not info.filename.lower().endswith((".xml", ".qti")) or info.file_size > 5_000_000:
                        continue
                    try:
                        members.append((info.filename, z.read(info)))
                    except Exception:  # encrypted or corrupt entries are the reader's business, not this test's
                        continue
        for name, data in members:
            doc = parse_bytes(data, name)
            if doc.root is not None and key_for(doc.root):
                yield f"{rel}!{name}", doc.root


# -- mutants ---------------------------------------------------------------------------------------

ENUM_ATTRS = ("type", "texttype", "structure", "intendeduse", "access", "action", "rcardinality", "feedbacktype",
              "role", "continue", "shuffle", "vartype", "fibtype", "prompt", "case")
ENUM_TEXT = ("schema", "schemaversion", "value", "source", "gradable")


def _elements(root):
    return [e for e in root.iter() if isinstance(e.tag, str)]


def mutate(root, rng: random.Random):
    """One mutant of `root` and the name of the mutation, or None when the operator does not apply."""
    m = copy.deepcopy(root)
    els = _elements(m)
    op = rng.choice(["remove", "reorder", "unknown", "enum", "id", "namespace", "date", "attr", "text"])
    if op == "remove":
        cands = [e for e in els if e.getparent() is not None]
        if not cands:
            return None
        e = rng.choice(cands)
        e.getparent().remove(e)
    elif op == "reorder":
        pairs = [(a, b) for a in els for b in [a.getnext()] if b is not None and isinstance(b.tag, str) and a.tag != b.tag]
        if not pairs:
            return None
        a, b = rng.choice(pairs)
        a.addprevious(b)
    elif op == "unknown":
        parent = rng.choice(els)
        ns = etree.QName(parent).namespace
        bogus = etree.Element(f"{{{ns}}}bogus" if ns else "bogus")
        parent.insert(rng.randint(0, len(parent)), bogus)
    elif op == "enum":
        cands = [(e, a) for e in els for a in e.attrib if a in ENUM_ATTRS]
        tcands = [e for e in els if etree.QName(e).localname in ENUM_TEXT and len(e) == 0]
        if cands and (not tcands or rng.random() < 0.6):
            e, a = rng.choice(cands)
            e.set(a, "not-a-listed-value")
        elif tcands:
            rng.choice(tcands).text = "not-a-listed-value"
        else:
            return None
    elif op == "id":
        cands = [e for e in els if e.get("identifier") is not None or e.get("ident") is not None]
        if not cands:
            return None
        e = rng.choice(cands)
        attr = "identifier" if e.get("identifier") is not None else "ident"
        others = [o.get(attr) for o in cands if o is not e and o.get(attr)]
        e.set(attr, rng.choice(others) if others and rng.random() < 0.5 else "1 bad:id")
    elif op == "namespace":
        cands = [e for e in els if e.getparent() is not None]
        if not cands:
            return None
        e = rng.choice(cands)
        e.tag = f"{{urn:example:wrong}}{etree.QName(e).localname}"
    elif op == "date":
        cands = [e for e in els if etree.QName(e).localname in ("dateTime", "date", "duration") and len(e) == 0]
        if not cands:
            return None
        rng.choice(cands).text = "2021-13-45T25:61"
    elif op == "attr":
        cands = [(e, a) for e in els for a in e.attrib if not a.startswith("{")]
        if not cands:
            return None
        e, a = rng.choice(cands)
        del e.attrib[a]
    elif op == "text":
        cands = [e for e in els if len(e) > 0]
        if not cands:
            return None
        e = rng.choice(cands)
        e[0].addprevious(etree.Comment("x"))
        e.text = "stray text"
    return op, m


# -- the oracle ------------------------------------------------------------------------------------

_OFFICIAL: dict[str, etree.XMLSchema] = {}


def official(key: str) -> etree.XMLSchema:
    if key not in _OFFICIAL:
        _OFFICIAL[key] = S.compile_set(key, OFFICIAL)
    return _OFFICIAL[key]


def verdicts(root, key: str) -> tuple[bool, bool]:
    return S.is_valid(root, key), official(key).validate(root)


def parity(n_mutants: int = N_MUTANTS, seed: int = 4):
    """Returns (per-key Counter of agree/disagree, list of disagreements, number of mutants, corpus count)."""
    stats: dict[str, Counter] = defaultdict(Counter)
    disagreements: list[str] = []
    docs = list(corpus_documents())
    for label, root in docs:
        key = key_for(root)
        ours, theirs = verdicts(root, key)
        stats[key]["agree" if ours == theirs else "disagree"] += 1
        if ours != theirs:
            disagreements.append(f"{label}: ours={'valid' if ours else 'invalid'} official={'valid' if theirs else 'invalid'}")
    rng = random.Random(seed)
    # mutate every kind of document, not only the most frequent one
    by_key: dict[str, list] = defaultdict(list)
    for label, root in docs:
        by_key[key_for(root)].append((label, root))
    made = 0
    ops = Counter()
    keys = sorted(by_key)
    attempts = 0
    while made < n_mutants and attempts < n_mutants * 20:
        attempts += 1
        key = keys[attempts % len(keys)]
        label, root = rng.choice(by_key[key])
        res = mutate(root, rng)
        if res is None:
            continue
        op, m = res
        if key_for(m) != key:
            continue
        made += 1
        ops[op] += 1
        ours, theirs = verdicts(m, key)
        stats[key]["agree" if ours == theirs else "disagree"] += 1
        stats[key]["mutants"] += 1
        if ours != theirs:
            disagreements.append(f"mutant {op} of {label}: ours={'valid' if ours else 'invalid'} "
                                 f"official={'valid' if theirs else 'invalid'}")
    return stats, disagreements, made, len(docs), ops


def report(stats) -> tuple[str, float]:
    lines = [f"{'schema (namespace)':70} {'agree':>6} {'total':>6} {'%':>7}"]
    agree = total = 0
    for key in sorted(stats):
        a, d = stats[key]["agree"], stats[key]["disagree"]
        agree += a
        total += a + d
        lines.append(f"{key:70} {a:6} {a + d:6} {100 * a / max(1, a + d):7.2f}")
    rate = agree / max(1, total)
    lines.append(f"{'overall':70} {agree:6} {total:6} {100 * rate:7.2f}")
    return "\n".join(lines), rate


@pytest.mark.skipif(not available(), reason="../shared/ims-xsd or ../shared/corpus not available")
def test_parity_with_official_schemas(capsys):
    stats, disagreements, made, n_docs, ops = parity()
    table, rate = report(stats)
    with capsys.disabled():
        print(f"\nschema parity: {n_docs} corpus documents, {made} mutants ({dict(ops)})\n{table}")
        for d in disagreements:
            print("  DISAGREE", d)
    assert made >= 500
    assert n_docs >= 500
    assert rate >= THRESHOLD, "\n".join(disagreements)


if __name__ == "__main__":  # python -m tests.test_schemas_parity
    stats, disagreements, made, n_docs, ops = parity()
    table, rate = report(stats)
    print(f"{n_docs} corpus documents, {made} mutants {dict(ops)}\n{table}")
    for d in disagreements:
        print("DISAGREE", d)
    sys.exit(0 if rate >= THRESHOLD else 1)
