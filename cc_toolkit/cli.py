"""The command line: a thin layer that parses options, runs the pipeline and picks a reporter."""
from __future__ import annotations

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
@_limits_options
def inspect(package, fmt, **kw):
    """Show what a package holds: kind, version, counts, modules, quizzes, resources."""
    limits = _limits(kw)
    try:
        pkg = load(package, limits)
    except PackageError as exc:
        _fail(str(exc))
    try:
        click.echo(INSPECT[fmt](pkg))
    finally:
        pkg.close()


@cli.command()
@click.argument("package", type=click.Path(dir_okay=True, file_okay=True, path_type=str))
@click.option("--format", "fmt", type=click.Choice(sorted(VALIDATE)), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="error", show_default=True,
              help="Exit 1 when a finding at or above this severity remains.")
@click.option("--ignore", multiple=True, metavar="CODE",
              help="Skip a rule (e.g. ORP002) or a whole family (e.g. LNK). Repeatable.")
@_limits_options
def validate(package, fmt, fail_on, ignore, **kw):
    """Check a package and list every problem with a code, a file and a line."""
    known = {r.code for r in all_rules()}
    families = {r.family for r in all_rules()}
    for code in ignore:
        if code not in known and code not in families:
            raise click.BadParameter(f"unknown rule code or family {code!r} (see `cc-toolkit rules`)",
                                     param_hint="--ignore")
    config = Config(fail_on=Severity.parse(fail_on), ignore=frozenset(ignore), limits=_limits(kw))
    try:
        result = run(package, config)
    except PackageError as exc:
        _fail(str(exc))
    try:
        click.echo(VALIDATE[fmt](result))
    finally:
        result.package.close()
    sys.exit(EXIT_FINDINGS if result.failed(config.fail_on) else EXIT_CLEAN)


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


@cli.command("rules")
def rules_cmd():
    """List every rule: code, default severity, name and what it checks."""
    for r in all_rules():
        click.echo(f"{r.code}  {str(r.severity):7}  {r.name:30}  {r.summary}")


def main() -> None:
    try:
        cli(standalone_mode=True)
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
