"""The engine: one pass over a package, every rule on the one parse of each document."""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field

from ..finding import Finding, Severity
from ..model.build import load
from ..model.package import Package
from ..model.refs import Link, extract_links
from ..read.source import DEFAULT_LIMITS, Limits
from ..read.xml import XmlDoc
from .registry import Rule, all_rules


@dataclass
class Config:
    fail_on: Severity = Severity.ERROR
    ignore: frozenset[str] = frozenset()  # codes or code families (e.g. "ZIP", "LNK004")
    severity: dict[str, Severity] = field(default_factory=dict)  # per-code overrides
    limits: Limits = DEFAULT_LIMITS
    per_path_ignores: dict[str, frozenset[str]] = field(default_factory=dict)  # glob -> codes or families
    jobs: int | None = 1  # worker processes for the documents of one package (None: all cores)
    baseline: dict[tuple, int] | None = None  # fingerprint -> count of accepted findings
    profile: str = "auto"  # cc | canvas | auto (canvas for Canvas exports); see check/rules/profile.py
    schemas_dir: str | None = None  # official schema set laid out by URL; None: the project's own XSDs

    def enabled(self, code: str) -> bool:
        return not _matches(code, self.ignore)

    def ignored_at(self, code: str, file: str | None) -> bool:
        if not file or not self.per_path_ignores:
            return False
        import fnmatch

        return any(fnmatch.fnmatchcase(file, glob) and _matches(code, codes)
                   for glob, codes in self.per_path_ignores.items())


def _matches(code: str, selectors) -> bool:
    """`code` is one of the selectors, or belongs to a family given by its letters (e.g. "LNK")."""
    return any(code == i or (code.startswith(i) and not i[-1:].isdigit()) for i in selectors)


def fingerprint(f: Finding) -> tuple:
    """What identifies a finding across runs (line numbers move when files change)."""
    return (f.code, f.file or "", f.identifier or "", f.message or "")


@dataclass
class DocLinks:
    """Links found in one document (HTML page or rich text inside XML)."""

    file: str
    links: list[Link]


@dataclass
class Context:
    """What rules share during one run."""

    config: Config
    package: Package | None = None
    links: list[DocLinks] = field(default_factory=list)
    cache: dict = field(default_factory=dict)  # results several rules share, computed once

    def once(self, key: str, compute):
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


# XML elements whose text is HTML that Canvas and CC write escaped inside XML
RICH_TEXT = {"text", "description", "mattext", "body", "syllabus_body", "instructions"}


@dataclass
class Result:
    package: Package
    findings: list[Finding]
    links: list[DocLinks] = field(default_factory=list)  # every link found in HTML, for the audit
    config: Config = field(default_factory=lambda: Config())
    suppressed: int = 0  # findings accepted by the baseline

    def summary(self) -> dict[str, int]:
        s = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            s[str(f.severity)] += 1
        return s

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    def failed(self, fail_on: Severity | str | None = None) -> bool:
        """Any finding at or above `fail_on` (default: the run's --fail-on)."""
        level = self.config.fail_on if fail_on is None else (Severity.parse(fail_on) if isinstance(fail_on, str) else fail_on)
        w = self.worst()
        return w is not None and w >= level


def _collect_rich_links(doc: XmlDoc, ctx: Context) -> None:
    links: list[Link] = []
    for el in doc.root.iter():
        if not isinstance(el.tag, str):
            continue
        text = el.text
        if text and "<" in text and el.tag.rsplit("}", 1)[-1] in RICH_TEXT:
            links.extend(extract_links(text, el.sourceline or 1, columns=False))
    if links:
        ctx.links.append(DocLinks(doc.name, links))


def _call(r: Rule, ctx: Context, raw: list[Finding], *args) -> None:
    try:
        raw.extend(r.check(*args, ctx) or ())
    except Exception as exc:  # a crashing rule is a finding about the rule, never a traceback
        where = args[0].name if isinstance(args[0], XmlDoc) else (args[0] if isinstance(args[0], str) else None)
        raw.append(Finding("PKG002", f"rule {r.code} ({r.name}) failed: {type(exc).__name__}: {exc}", where))


def _document_hooks(rules: list[Rule], ctx: Context, raw: list[Finding]):
    """The per-document hooks: every xml/html rule on the one parse of each document, and link collection."""
    xml_rules = [r for r in rules if r.scope == "xml"]
    html_rules = [r for r in rules if r.scope == "html"]

    def on_xml(doc: XmlDoc) -> None:
        if doc.root is None:
            return
        for r in xml_rules:
            _call(r, ctx, raw, doc)
        _collect_rich_links(doc, ctx)

    def on_html(name: str, text: str) -> None:
        for r in html_rules:
            _call(r, ctx, raw, name, text)
        ctx.links.append(DocLinks(name, extract_links(text)))

    return on_xml, on_html


def load_package(path, limits: Limits = DEFAULT_LIMITS, jobs: int | None = 1) -> Package:
    """The model only (what `inspect` shows): no rules and no link collection, quiz questions to their
    type and points; read with the same worker processes as `validate`."""
    pkg, _ctx, _raw, _rules = _read(path, Config(limits=limits, jobs=jobs), model_only=True)
    return pkg


def run(path, config: Config | None = None) -> Result:
    """Validate one package. Raises PackageError only when it cannot be read at all."""
    config = config or Config()
    pkg, ctx, raw, rules = _read(path, config)
    for r in rules:
        if r.scope == "package":
            _call(r, ctx, raw, pkg)
    from .rules.profile import adjust_for_profile  # the profile's severity adjustments (ID002 under canvas)

    findings = adjust_for_profile(finalize(pkg.findings + raw, config), pkg, config)
    findings, suppressed = apply_baseline(findings, config.baseline)
    return Result(pkg, findings, ctx.links, config, suppressed)


def _read(path, config: Config, model_only: bool = False):
    """Read and model the package, running the document rules on each document as it is parsed
    (`model_only`: no rules, no hooks, the summary model of quiz questions)."""
    rules = [] if model_only else [r for r in all_rules() if config.enabled(r.code)]
    ctx = Context(config)
    raw: list[Finding] = []
    on_xml, on_html = (None, None) if model_only else _document_hooks(rules, ctx, raw)

    def on_package(pkg: Package) -> None:
        ctx.package = pkg  # document rules may consult kind, version and manifest

    def parallel(pkg: Package, builder, names: list[str]) -> None:
        """Read members in worker processes, in contiguous chunks merged back in order."""
        jobs = worker_count(config.jobs)
        if jobs <= 1 or len(names) < PARALLEL_MIN_MEMBERS:
            for name in names:
                builder.member(name)
            return
        header = {"kind": pkg.kind, "cc_version": pkg.cc_version, "thin": pkg.thin, "canvas": pkg.canvas,
                  "manifest": pkg.manifest}
        size = -(-len(names) // (jobs * 8))  # many small chunks: workers take the next one when done
        chunks = [names[i:i + size] for i in range(0, len(names), size)]
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor  # imported when used: small packages never need it

        mp = multiprocessing.get_context()
        # forked workers inherit the open source and reuse its listing; spawned ones open the package again
        inherited = pkg.source if mp.get_start_method() == "fork" else None
        with ProcessPoolExecutor(max_workers=jobs, mp_context=mp, initializer=_init_worker,
                                 initargs=(path, config, header, model_only, inherited)) as pool:
            futures = [pool.submit(_read_chunk, chunk) for chunk in chunks]
            for chunk, future in zip(chunks, futures):
                try:
                    state, chunk_raw, chunk_links = future.result()
                except Exception:  # a worker could not do or return its chunk (e.g. a model too deeply nested
                    for name in chunk:  # to pickle, a worker killed): read it here, as --jobs 1 would
                        builder.member(name)
                    continue
                builder.merge(state)
                raw.extend(chunk_raw)
                ctx.links.extend(chunk_links)

    pkg = load(path, config.limits, on_xml=on_xml, on_html=on_html, on_package=on_package, runner=parallel,
               detail=not model_only)
    return pkg, ctx, raw, rules


PARALLEL_MIN_MEMBERS = 400  # below this, starting worker processes costs more than it saves


def worker_count(jobs: int | None) -> int:
    """Worker processes for --jobs N: all cores when not given, never more than the cores (the work is
    CPU-bound: more processes only cost memory and start-up time)."""
    cores = os.cpu_count() or 1
    return max(1, min(jobs or cores, cores))


_WORKER: dict = {}


def _init_worker(path, config, header, model_only, inherited=None) -> None:
    """Once per worker process: what every chunk needs (the manifest model is sent once, not per chunk,
    and the archive's directory is read once)."""
    from ..read.source import open_source

    source = inherited.for_worker() if inherited is not None else open_source(path, config.limits)
    _WORKER.update(path=path, config=config, header=header, source=source,
                   model_only=model_only, rules=[r for r in all_rules() if config.enabled(r.code)])


def _read_chunk(names):
    """Worker process: read some members with the same document rules as the main process."""
    path, config, header, rules = _WORKER["path"], _WORKER["config"], _WORKER["header"], _WORKER["rules"]
    from ..model.build import read_members

    ctx = Context(config)
    raw: list[Finding] = []
    model_only = _WORKER["model_only"]
    on_xml, on_html = (None, None) if model_only else _document_hooks(rules, ctx, raw)

    def on_package(pkg):
        ctx.package = pkg

    state = read_members(_WORKER["source"], path, header, names, on_xml, on_html, on_package, not model_only)
    return state, raw, ctx.links


def apply_baseline(findings: list[Finding], baseline: dict[tuple, int] | None) -> tuple[list[Finding], int]:
    """Drop findings the baseline accepts (each accepted fingerprint as many times as recorded)."""
    if not baseline:
        return findings, 0
    left = dict(baseline)
    kept, dropped = [], 0
    for f in findings:
        fp = fingerprint(f)
        if left.get(fp, 0) > 0:
            left[fp] -= 1
            dropped += 1
        else:
            kept.append(f)
    return kept, dropped


def finalize(findings: list[Finding], config: Config) -> list[Finding]:
    """Apply registry severities and configuration; drop ignored codes; sort; de-duplicate."""
    reg = {r.code: r for r in all_rules()}
    out, seen = [], set()
    for f in findings:
        if not config.enabled(f.code) or config.ignored_at(f.code, f.file):
            continue
        sev = config.severity.get(f.code) or (reg[f.code].severity if f.code in reg else Severity.ERROR)
        f = dataclasses.replace(f, severity=sev)
        key = (f.code, f.file, f.line, f.identifier, f.message)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    out.sort(key=Finding.sort_key)
    return out
