"""Many packages at once: `cc-toolkit validate A.imscc B.zip exports/ --jobs N --format jsonl`.

Each package is validated in its own worker process (or on a Dask cluster with `--executor dask`);
results come back in input order, and one bad package never stops the rest: it becomes a record with
an `error` and exit code 2 for the run.
"""
from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .check.engine import Config, run, worker_count
from .errors import PackageError

PACKAGE_SUFFIXES = (".imscc", ".zip")


def expand(paths: list[str]) -> list[str]:
    """Folders that are not themselves packages (no imsmanifest.xml) stand for the packages inside.
    The walk does not follow links, skips what it cannot read, and takes regular files only."""
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir() and not (path / "imsmanifest.xml").exists():
            inside = []
            for dirpath, dirnames, filenames in os.walk(path, onerror=lambda e: None, followlinks=False):
                dirnames.sort()
                for f in sorted(filenames):
                    full = os.path.join(dirpath, f)
                    if f.lower().endswith(PACKAGE_SUFFIXES) and os.path.isfile(full) and not os.path.islink(full):
                        inside.append(full)
            if inside:
                out.extend(sorted(inside))
                continue
        out.append(p)
    return out


def combine(fmt: str, outcomes: list["Outcome"]) -> str:
    """One valid document for a batch in a format that cannot be concatenated."""
    import json

    if fmt == "json":
        items = [json.loads(o.output) if o.error is None else {"package": {"path": o.path}, "error": o.error}
                 for o in outcomes]
        return json.dumps(items, indent=2, ensure_ascii=False)
    if fmt == "sarif":
        runs = []
        for o in outcomes:
            if o.error is None:
                runs.extend(json.loads(o.output)["runs"])
            else:
                runs.append({"tool": {"driver": {"name": "cc-toolkit"}},
                             "artifacts": [{"location": {"uri": o.path}}],
                             "invocations": [{"executionSuccessful": False, "toolExecutionNotifications": [
                                 {"level": "error", "message": {"text": o.error}}]}], "results": []})
        return json.dumps({"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
                           "runs": runs}, indent=2, ensure_ascii=False)
    if fmt == "junit":
        from xml.sax.saxutils import quoteattr

        from .report import safe

        suites = []
        for o in outcomes:
            if o.error is None:
                body = o.output.split("<testsuites>\n", 1)[1].rsplit("</testsuites>", 1)[0]
                suites.append(body)
            else:
                suites.append(f"  <testsuite name={quoteattr(safe(o.path))} tests=\"1\" failures=\"0\" errors=\"1\">\n"
                              f"    <testcase classname=\"cc-toolkit\" name=\"read package\">"
                              f"<error message={quoteattr(safe(o.error))}/></testcase>\n  </testsuite>\n")
        return '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n' + "".join(suites) + "</testsuites>"
    raise ValueError(fmt)


@dataclass
class Outcome:
    """The result of one package in a batch: its rendered report, its exit code, or an error."""

    path: str
    exit_code: int
    output: str | None = None
    error: str | None = None


def validate_one(path: str, config: Config, fmt: str) -> Outcome:
    """Validate one package and render it; never raises (a crash becomes an error outcome)."""
    from .report import VALIDATE

    try:
        result = run(path, config)
    except PackageError as exc:
        return Outcome(path, 2, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - one bad package must not stop the batch
        return Outcome(path, 2, error=f"internal error: {type(exc).__name__}: {exc}")
    try:
        return Outcome(path, 1 if result.failed(config.fail_on) else 0, VALIDATE[fmt](result))
    except Exception as exc:  # noqa: BLE001
        return Outcome(path, 2, error=f"internal error while reporting: {type(exc).__name__}: {exc}")
    finally:
        result.package.close()


def _validate_star(args) -> Outcome:
    return validate_one(*args)


def run_batch(paths: list[str], config: Config, fmt: str, jobs: int | None = None, executor: str = "process",
              scheduler: str | None = None) -> Iterator[Outcome]:
    """Outcomes in the order of `paths`."""
    jobs = worker_count(jobs) if executor != "dask" or not scheduler else (jobs or os.cpu_count() or 1)
    work = [(p, config, fmt) for p in paths]
    if executor == "dask":
        try:
            from distributed import Client
        except ImportError:
            raise PackageError("--executor dask needs the dask extra: pip install 'cc_toolkit[dask]'") from None
        client = Client(scheduler) if scheduler else Client(processes=True, n_workers=jobs, threads_per_worker=1)
        try:
            futures = client.map(_validate_star, work, pure=False)
            for fut in futures:  # in input order
                try:
                    yield fut.result()
                except Exception as exc:  # noqa: BLE001 - a lost worker is an error for that package only
                    yield Outcome(work[futures.index(fut)][0], 2, error=f"dask worker failed: {exc}")
        finally:
            client.close()
        return
    if jobs == 1 or len(work) == 1:
        yield from map(_validate_star, work)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(_validate_star, work, chunksize=1)


class Progress:
    """A one-line progress display on stderr, only when stderr is a terminal."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.done = total, 0
        self.enabled = enabled and sys.stderr.isatty()

    def step(self, label: str) -> None:
        self.done += 1
        if self.enabled:
            sys.stderr.write(f"\r[{self.done}/{self.total}] {label[-60:]:60}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 80 + "\r")
            sys.stderr.flush()
