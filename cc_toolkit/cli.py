"""The command line: a thin layer that parses options, runs the pipeline and picks a reporter."""
from __future__ import annotations

import dataclasses
import os
import sys

import click

from . import __version__
from .check.engine import Config, run
from .check.registry import all_rules
from .errors import PackageError
from .finding import Severity
from .model.build import load
from .read.source import DEFAULT_LIMITS, Limits
from .report import AUDIT, INSPECT, VALIDATE

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _limits_options(fn):
    d = DEFAULT_LIMITS
    for name, default, text in (
        ("--max-total-size", d.max_total_size, "Refuse archives declaring more uncompressed bytes than this."),
        ("--max-entry-size", d.max_entry_size, "Do not inflate an entry larger than this."),
        ("--max-entries", d.max_entries, "Refuse archives with more entries than this."),
        ("--max-ratio", d.max_ratio, "Do not inflate entries compressed more than this ratio."),
        ("--max-xml-size", d.max_xml_size, "Do not parse XML/HTML documents larger than this."),
    ):
        fn = click.option(name, type=click.IntRange(min=1), default=default, show_default=True, help=text)(fn)
    return fn


def _limits(kw) -> Limits:
    return Limits(kw.pop("max_total_size"), kw.pop("max_entry_size"), kw.pop("max_entries"),
                  kw.pop("max_ratio"), kw.pop("max_xml_size"))


def _fail(message: str) -> None:
    click.echo(f"cc-toolkit: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cc-toolkit")
def cli():
    """Inspect, validate and audit Canvas LMS content exports (Common Cartridge, QTI, files zips)."""


@cli.command()
@click.argument("package", type=click.Path(dir_okay=True, file_okay=True, path_type=str))
@click.option("--format", "fmt", type=click.Choice(sorted(INSPECT)), default="text", show_default=True)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes reading the documents of a big package [default: all cores].")
@_limits_options
def inspect(package, fmt, jobs, **kw):
    """Show what a package holds: kind, version, counts, modules, quizzes, resources."""
    from .check.engine import load_package

    limits = _limits(kw)
    try:
        pkg = load_package(package, limits, jobs)
    except PackageError as exc:
        _fail(str(exc))
    try:
        click.echo(INSPECT[fmt](pkg))
    finally:
        pkg.close()


def _check_codes(codes, hint: str) -> None:
    codes = [c.upper() for c in codes]
    known = {r.code for r in all_rules()}
    families = {r.family for r in all_rules()}
    for code in codes:
        if code not in known and code not in families:
            raise click.BadParameter(f"unknown rule code or family {code!r} (see `cc-toolkit rules`)", param_hint=hint)


def build_config(fail_on: str | None, ignore, config_file: str | None, baseline: str | None, limits: Limits,
                 use_file_baseline: bool = True) -> Config:
    """Configuration file (given, or discovered in the current folder) overlaid by command-line options."""
    from .config import discover, load_config, read_baseline
    from pathlib import Path

    ignore = tuple(c.upper() for c in ignore)
    _check_codes(ignore, "--ignore")
    rules = all_rules()
    fc = load_config(Path(config_file) if config_file else discover(), {r.code for r in rules}, {r.family for r in rules})
    base = Path(baseline) if baseline else (fc.baseline if use_file_baseline else None)
    if base is not None and not baseline and not base.exists():
        click.echo(f"cc-toolkit: note: baseline {base} (from {fc.path}) does not exist yet; "
                   "create it with --write-baseline", err=True)
        base = None
    if fc.profile is not None and fc.profile not in ("auto", "cc", "canvas"):
        raise PackageError(f"{fc.path}: profile {fc.profile!r} is not one of auto, cc, canvas")
    return Config(
        profile=fc.profile or "auto",
        fail_on=Severity.parse(fail_on) if fail_on else (fc.fail_on or Severity.ERROR),
        ignore=frozenset(ignore) | frozenset(fc.ignore),
        severity=dict(fc.severity),
        limits=limits,
        per_path_ignores=dict(fc.per_path_ignores),
        baseline=read_baseline(base) if base else None,
    )


def _config_options(fn):
    fn = click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=str),
                      help="Write the findings of this run to FILE, to accept them later with --baseline.")(fn)
    fn = click.option("--baseline", type=click.Path(exists=True, dir_okay=False, path_type=str),
                      help="Accept the findings recorded in FILE; only new ones are reported.")(fn)
    fn = click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=str),
                      help="A .cc-toolkit.toml or pyproject.toml (default: found in the current folder).")(fn)
    fn = click.option("--ignore", multiple=True, metavar="CODE",
                      help="Skip a rule (e.g. ORP002) or a whole family (e.g. LNK). Repeatable.")(fn)
    fn = click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
                      help="Exit 1 when a finding at or above this severity remains [default: error].")(fn)
    return fn


@cli.command()
@click.argument("packages", nargs=-1, required=True, type=click.Path(dir_okay=True, file_okay=True, path_type=str))
@click.option("--format", "fmt", type=click.Choice(sorted(VALIDATE)), default="text", show_default=True)
@_config_options
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes: packages at once in a batch, or documents of one big package [default: all cores].")
@click.option("--executor", type=click.Choice(["process", "dask"]), default="process", show_default=True,
              help="Where batch work runs: local processes, or a Dask cluster (pip install 'cc_toolkit[dask]').")
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler address (default: a local cluster).")
@click.option("--profile", type=click.Choice(["auto", "cc", "canvas"]), default=None,
              help="cc: strict IMS conformance; canvas: will Canvas import it as intended (deviations Canvas "
                   "writes become warnings); auto: canvas for Canvas exports, else cc [default: the config "
                   "file's profile, else auto].")
@click.option("--schemas", "schemas_dir", type=click.Path(exists=True, file_okay=False, path_type=str),
              help="Validate with an official schema set laid out by URL (see `cc-toolkit schemas install`) "
                   "instead of the project's own XSDs.")
@_limits_options
def validate(packages, fmt, fail_on, ignore, config_file, baseline, write_baseline, jobs, executor, scheduler,
             profile, schemas_dir, **kw):
    """Check packages and list every problem with a code, a file and a line.

    Several packages, or a folder of .imscc/.zip files, make a batch: each is validated in its own
    process (--jobs) and reported in input order; one bad package never stops the rest."""
    from .batch import expand

    try:
        # writing a baseline records every current finding: no baseline filters this run
        config = build_config(fail_on, ignore, config_file, None if write_baseline else baseline, _limits(kw),
                              use_file_baseline=not write_baseline)
    except PackageError as exc:
        _fail(str(exc))
    config = dataclasses.replace(config, profile=profile or config.profile, schemas_dir=schemas_dir)
    paths = expand(list(packages))
    if len(paths) != 1 or executor == "dask":
        if write_baseline:
            raise click.UsageError("--write-baseline takes one package")
        sys.exit(_validate_batch(paths, config, fmt, jobs, executor, scheduler))
    package = paths[0]
    config.jobs = jobs  # one package: its documents are read by --jobs worker processes (default: all cores)
    try:
        result = run(package, config)
    except PackageError as exc:
        _fail(str(exc))
    try:
        if write_baseline:
            from .config import write_baseline as write

            try:
                n = write(write_baseline, result.findings)
            except OSError as exc:
                _fail(f"cannot write the baseline {write_baseline}: {exc.strerror or exc}")
            click.echo(f"wrote {n} findings to {write_baseline}", err=True)
        click.echo(VALIDATE[fmt](result))
    finally:
        result.package.close()
    sys.exit(EXIT_FINDINGS if result.failed(config.fail_on) else EXIT_CLEAN)


def _validate_batch(paths, config, fmt, jobs, executor, scheduler) -> int:
    """Validate many packages; text and jsonl stream one report per package, json/junit/sarif are
    combined into one document (a JSON list, one <testsuites>, one SARIF log with a run per package)."""
    from .batch import Progress, combine, run_batch

    worst = EXIT_CLEAN
    progress = Progress(len(paths), enabled=fmt == "text")
    collected = []
    try:
        for outcome in run_batch(paths, config, fmt, jobs, executor, scheduler):
            progress.step(outcome.path)
            worst = max(worst, outcome.exit_code)
            if fmt in ("json", "junit", "sarif"):
                collected.append(outcome)
            elif outcome.error is not None:
                if fmt == "jsonl":
                    import json

                    click.echo(json.dumps({"package": {"path": outcome.path}, "error": outcome.error},
                                          ensure_ascii=False, separators=(",", ":")))
                else:
                    click.echo(f"cc-toolkit: error: {outcome.error}", err=True)
            else:
                click.echo(outcome.output)
    except PackageError as exc:
        _fail(str(exc))
    finally:
        progress.close()
    if collected:
        click.echo(combine(fmt, collected))
    return worst


@cli.command()
@click.argument("package", type=click.Path(dir_okay=True, file_okay=True, path_type=str))
@click.option("--select", "select", metavar="SELECT",
              help="The request's select: a file or inline JSON ({\"select\": {...}} or the select object) "
                   "or a query string (select[pages][]=5&select[files][]=12).")
@click.option("--item", "items", multiple=True, metavar="TYPE=ID", help="One selected object, e.g. pages=5. Repeatable.")
@click.option("--export-type", type=click.Choice(["common_cartridge", "qti", "zip"]),
              help="The export_type of the request (default: from the request, else from the package).")
@click.option("--files-listing", type=click.Path(exists=True, dir_okay=False, path_type=str),
              help="JSON of GET /api/v1/courses/:id/files and /folders, to resolve ids in zip exports.")
@click.option("--course-id", type=click.IntRange(min=1), help="Course id, to find the shard of 'g' identifiers.")
@click.option("--format", "fmt", type=click.Choice(sorted(AUDIT)), default="text", show_default=True)
@_limits_options
def audit(package, select, items, export_type, files_listing, course_id, fmt, **kw):
    """Compare a package with the select request that produced it: present, missing, dependencies, unexpected."""
    from .audit import audit as run_audit, parse_select

    if not select and not items:
        raise click.UsageError("give the request with --select or --item")
    try:
        req = parse_select(select, tuple(items), export_type)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--select/--item")
    config = Config(limits=_limits(kw))
    try:
        result = run_audit(package, req, export_type, files_listing, course_id, config=config)
    except PackageError as exc:
        _fail(str(exc))
    try:
        click.echo(AUDIT[fmt](result))
    finally:
        result.package.close()
    sys.exit(EXIT_CLEAN if result.ok else EXIT_FINDINGS)


@cli.command()
@click.argument("package", type=click.Path(dir_okay=True, file_okay=True, path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), default="report.html", show_default=True,
              help="Where to write the HTML ('-' for standard output).")
@click.option("--select", "select", metavar="SELECT", help="Also audit against this select request (as for `audit`).")
@click.option("--item", "items", multiple=True, metavar="TYPE=ID", help="One selected object, e.g. pages=5.")
@click.option("--export-type", type=click.Choice(["common_cartridge", "qti", "zip"]))
@click.option("--files-listing", type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("--course-id", type=click.IntRange(min=1))
@_config_options
@_limits_options
def report(package, output, select, items, export_type, files_listing, course_id, fail_on, ignore, config_file,
           baseline, write_baseline, **kw):
    """Write one self-contained HTML report: summary, module tree, findings, and the audit when a select is given."""
    from .report.html import render

    try:
        config = build_config(fail_on, ignore, config_file, baseline, _limits(kw))
        audit_result = None
        if select or items:
            from .audit import audit as run_audit, parse_select

            try:
                req = parse_select(select, tuple(items), export_type)
            except ValueError as exc:
                raise click.BadParameter(str(exc), param_hint="--select/--item")
            audit_result = run_audit(package, req, export_type, files_listing, course_id, config=config)
            result = audit_result.validation
        else:
            result = run(package, config)
    except PackageError as exc:
        _fail(str(exc))
    try:
        if output == "-":
            sys.stdout.write(render(result, audit_result) + "\n")
        else:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(render(result, audit_result))
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}")
    finally:
        result.package.close()
    s = result.summary()
    click.echo(f"wrote {'the report' if output == '-' else output}: {s['error']} errors, {s['warning']} warnings, "
               f"{s['info']} info" + (f"; audit: {'matches' if audit_result.ok else 'does not match'} the request"
                                      if audit_result else ""), err=output == "-")
    failed = result.failed(config.fail_on) or (audit_result is not None and not audit_result.ok)
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)


@cli.command()
@click.argument("old", type=click.Path(dir_okay=True, file_okay=True, path_type=str))
@click.argument("new", type=click.Path(dir_okay=True, file_okay=True, path_type=str))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def diff(old, new, fmt):
    """What changed between two exports: objects, module order, files, quiz question counts. Exit 1 if they differ."""
    from .diff import diff as run_diff, diff_text

    try:
        result = run_diff(old, new)
    except PackageError as exc:
        _fail(str(exc))
    if fmt == "json":
        import json

        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(diff_text(result))
    sys.exit(EXIT_FINDINGS if result.differ else EXIT_CLEAN)


# -- Canvas Content Exports API (cc_toolkit.canvas) ----------------------------------------------------

_download_timeout_option = click.option(
    "--download-timeout", type=click.FloatRange(min=0), default=3600, show_default=True,
    help="Seconds for the whole download (each silence is bounded separately by the HTTP timeout).")


def _canvas_options(fn):
    fn = click.option("--token-file", type=click.Path(dir_okay=False, path_type=str),
                      help="File whose first line is the API token (default: $CANVAS_API_TOKEN).")(fn)
    fn = click.option("--base-url", envvar="CANVAS_BASE_URL", metavar="URL",
                      help="Canvas URL, e.g. https://canvas.example.edu (default: $CANVAS_BASE_URL).")(fn)
    fn = click.argument("context_id", metavar="ID")(fn)
    fn = click.argument("context", type=click.Choice(["course", "group", "user"]))(fn)
    return fn


def _client(base_url, token_file):
    from .canvas.client import CanvasClient, CanvasError

    if not base_url:
        _fail("no Canvas URL: give --base-url or set CANVAS_BASE_URL")
    if token_file:
        try:
            with open(token_file, encoding="utf-8-sig") as f:
                token = f.readline().strip()
        except (OSError, UnicodeDecodeError) as exc:
            _fail(f"--token-file {token_file}: cannot be read ({type(exc).__name__})")
    else:
        token = os.environ.get("CANVAS_API_TOKEN", "").strip()
    if not token:
        _fail("no API token: set CANVAS_API_TOKEN or give --token-file" + (f" ({token_file} is empty)" if token_file else ""))
    try:
        return CanvasClient(base_url, token)
    except CanvasError as exc:
        _fail(exc.message)


def _canvas_call(fn, *args, **kw):
    """Run a cc_toolkit.canvas call; API and package errors end with one line and exit code 2."""
    from .canvas.client import CanvasError

    try:
        return fn(*args, **kw)
    except CanvasError as exc:
        _fail(exc.message)
    except PackageError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{exc.filename or 'writing the package'}: {exc.strerror or exc}")


@cli.command("export")
@_canvas_options
@click.option("--type", "export_type", type=click.Choice(["common_cartridge", "qti", "zip"]), required=True,
              help="Package kind (groups and users: zip only).")
@click.option("--select", "select", metavar="SELECT",
              help="What to export, in any form `audit` reads: a file, JSON or select[pages][]=5&select[files][]=12. "
                   "Default: everything (common_cartridge), all quizzes (qti), all files (zip).")
@click.option("--item", "items", multiple=True, metavar="TYPE=ID", help="One object to export, e.g. pages=5. Repeatable.")
@click.option("--version", "cc_version", metavar="VERSION", help="Sent as version=VERSION (e.g. 1.3 for CC 1.3).")
@click.option("--skip-notifications", is_flag=True, help="Ask Canvas not to notify the user.")
@click.option("-o", "--output", type=click.Path(path_type=str),
              help="File to write, or an existing folder for Canvas's file name (default: that name here).")
@click.option("--no-wait", is_flag=True, help="Only create the export; print its id and progress URL.")
@click.option("--timeout", type=click.FloatRange(min=0), default=1800, show_default=True,
              help="Seconds to wait for Canvas to finish the export.")
@_download_timeout_option
@click.option("--poll-interval", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="First pause between progress polls; it grows 1.5x per poll up to 15 s.")
@click.option("--no-audit", is_flag=True, help="Validate the package but do not audit it against the select.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def export_cmd(context, context_id, base_url, token_file, export_type, select, items, cc_version, skip_notifications,
               output, no_wait, timeout, download_timeout, poll_interval, no_audit, fmt):
    """Create a content export, wait for it, download it, validate it and audit it against the select sent."""
    from .audit import parse_select
    from .canvas.export import ProgressDisplay, render_json, render_text, run_export

    try:
        req = parse_select(select, tuple(items), export_type)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--select/--item")
    for w in req.warnings:
        click.echo(f"cc-toolkit: warning: {w}", err=True)
    with _client(base_url, token_file) as client:
        outcome = _canvas_call(run_export, client, context, context_id, export_type, req, version=cc_version,
                               skip_notifications=skip_notifications, output=output, wait=not no_wait,
                               timeout=timeout, do_audit=not no_audit, poll_interval=poll_interval,
                               progress=ProgressDisplay(), download_timeout=download_timeout)
    try:
        click.echo(render_json(outcome) if fmt == "json" else render_text(outcome, AUDIT["text"]))
    finally:
        outcome.close()
    sys.exit(EXIT_CLEAN if outcome.ok else EXIT_FINDINGS)


@cli.group("exports")
def exports_group():
    """List, show and download content exports made earlier."""


@exports_group.command("list")
@_canvas_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def exports_list(context, context_id, base_url, token_file, fmt):
    """The exports of a course, group or user, newest first."""
    import json

    from .canvas.export import export_line

    with _client(base_url, token_file) as client:
        exports = _canvas_call(client.list_exports, context, context_id)
    if fmt == "json":
        click.echo(json.dumps(exports, indent=2, ensure_ascii=False))
    else:
        for e in exports:
            click.echo(export_line(e))
        click.echo(f"{len(exports)} exports of {context} {context_id}")


@exports_group.command("show")
@_canvas_options
@click.argument("export_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def exports_show(context, context_id, base_url, token_file, export_id, fmt):
    """One export: state, type, progress and package."""
    import json

    with _client(base_url, token_file) as client:
        e = _canvas_call(client.get_export, context, context_id, export_id)
        p = _canvas_call(client.get_progress, e["progress_url"]) if fmt == "text" and e.get("progress_url") else None
    if fmt == "json":
        click.echo(json.dumps(e, indent=2, ensure_ascii=False))
        return
    att = e.get("attachment") or {}
    click.echo(f"id:        {e.get('id')}\ntype:      {e.get('export_type')}\nstate:     {e.get('workflow_state')}\n"
               f"created:   {e.get('created_at')}")
    if p:
        click.echo(f"progress:  {p.get('workflow_state')} {p.get('completion')}%"
                   + (f" ({p['message']})" if p.get("message") else ""))
    click.echo(f"package:   {att.get('filename')} ({att.get('size')} bytes)" if att
               else "package:   none" + (" (expired)" if e.get("workflow_state") == "exported" else ""))


@exports_group.command("download")
@_canvas_options
@click.argument("export_id")
@click.option("-o", "--output", type=click.Path(path_type=str),
              help="File to write, or an existing folder for Canvas's file name (default: that name here).")
@_download_timeout_option
def exports_download(context, context_id, base_url, token_file, export_id, output, download_timeout):
    """Download the package of an export made earlier, then validate it."""
    from .canvas.export import ProgressDisplay, download_existing, render_text

    with _client(base_url, token_file) as client:
        outcome = _canvas_call(download_existing, client, context, context_id, export_id, output,
                               progress=ProgressDisplay(), download_timeout=download_timeout)
    try:
        click.echo(render_text(outcome))
    finally:
        outcome.close()
    sys.exit(EXIT_CLEAN if outcome.ok else EXIT_FINDINGS)


@cli.group("schemas")
def schemas_group():
    """The XSDs validation uses: the project's own set, or an official set (--schemas DIR)."""


@schemas_group.command("list")
@click.option("--schemas", "schemas_dir", type=click.Path(file_okay=False, path_type=str),
              help="Also show which file of this official set serves each namespace [default: the user cache].")
def schemas_list(schemas_dir):
    """Which file serves which namespace, and where the official one is published."""
    from pathlib import Path

    from . import schemas as S
    from .schemas import official

    root = Path(schemas_dir) if schemas_dir else official.default_dir()
    for e in S.CATALOG:
        click.echo(f"{e.key}\n    ours:     schemas/{e.file}  ({e.title})")
        if e.official:
            where = S.official_path(e.official[1], root)
            click.echo(f"    official: {e.official[1]}  [{'installed' if where.is_file() else 'not installed'}: {where}]")
        else:
            click.echo("    official: none (the project's schema is the reference)")


@schemas_group.command("install")
@click.option("--from", "base_url", metavar="BASE_URL",
              help="Download from BASE_URL/<host>/<path> instead of each file's published URL.")
@click.option("--dir", "dest", type=click.Path(file_okay=False, path_type=str),
              help="Where to install [default: the user cache].")
def schemas_install(base_url, dest):
    """Download the official 1EdTech schema set and verify each file against its pinned SHA-256."""
    from pathlib import Path

    from .schemas import official

    target = Path(dest) if dest else official.default_dir()
    results = official.install(target, base_url)
    bad = [r for r in results if r.status in ("failed", "mismatch")]
    for r in results:
        if r.status in ("failed", "mismatch"):
            click.echo(f"{r.status}: {r.path}: {r.detail}", err=True)
    ok = len(results) - len(bad)
    click.echo(f"{ok} of {len(results)} files verified in {target}; validate with --schemas {target}")
    sys.exit(EXIT_ERROR if bad else EXIT_CLEAN)


@cli.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def rules_cmd(fmt):
    """List every rule: code, default severity, name and what it checks."""
    if fmt == "markdown":
        from .report.catalog import markdown

        click.echo(markdown())
        return
    if fmt == "json":
        import json

        click.echo(json.dumps([{"code": r.code, "name": r.name, "severity": str(r.severity), "scope": r.scope,
                                "summary": r.summary, "fix": r.fix} for r in all_rules()], indent=2))
        return
    for r in all_rules():
        click.echo(f"{r.code}  {str(r.severity):7}  {r.name:30}  {r.summary}")


@cli.command()
@click.argument("code")
def explain(code):
    """What a rule means, why it matters, how to fix it, and an example."""
    from .check.registry import get
    from .report.explain import explain_text

    rule = get(code.upper())
    if rule is None:
        _fail(f"unknown rule code {code!r} (see `cc-toolkit rules`)")
    click.echo(explain_text(rule))


def _command_path(ctx) -> str:
    """The command a usage error concerns; click gives no context for some parse errors (an option
    missing its value), so the subcommand is then taken from the arguments."""
    if ctx is not None:
        return ctx.command_path
    words, group = ["cc-toolkit"], cli
    for arg in sys.argv[1:]:
        cmd = getattr(group, "commands", {}).get(arg)
        if cmd is None:
            break
        words.append(arg)
        group = cmd
    return " ".join(words)


def main() -> None:
    try:
        code = cli.main(standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:  # bare `cc-toolkit`: the help, as --help prints it
        click.echo(exc.ctx.get_help())
        sys.exit(EXIT_CLEAN)
    except click.UsageError as exc:  # one line, exit 2 (click's default is four lines)
        click.echo(f"cc-toolkit: error: {exc.format_message()} (see `{_command_path(exc.ctx)} --help`)", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as exc:
        click.echo(f"cc-toolkit: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code if exc.exit_code != 1 else EXIT_ERROR)
    except click.Abort:
        click.echo("cc-toolkit: interrupted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("cc-toolkit: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(EXIT_CLEAN)
    except SystemExit:
        raise
    except Exception as exc:  # never a traceback for the user; CC_TOOLKIT_DEBUG=1 shows it
        if os.environ.get("CC_TOOLKIT_DEBUG"):
            raise
        click.echo(f"cc-toolkit: internal error: {type(exc).__name__}: {exc} "
                   "(please report it; set CC_TOOLKIT_DEBUG=1 for details)", err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(code if isinstance(code, int) else EXIT_CLEAN)
