"""Scale: the synthetic generator, batches (processes and Dask), jsonl, and memory that does not grow with
the size of the files in a package. Speed goals live in benchmarks/, not here."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile

import pytest

from cc_toolkit.batch import expand, run_batch
from cc_toolkit.check.engine import Config, run
from cc_toolkit.model.build import load
from cc_toolkit.synth import synthetic_course, write_synthetic

from .conftest import SAMPLES


def test_synthetic_package_is_deterministic_valid_and_sized(tmp_path):
    a, b = tmp_path / "a.imscc", tmp_path / "b.imscc"
    write_synthetic(a, synthetic_course(1000), total_bytes=3_000_000)
    write_synthetic(b, synthetic_course(1000), total_bytes=3_000_000)
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()
    r = run(a)
    assert r.findings == []
    c = r.package.counts()
    assert c["resources"] == 1000 and c["pages"] == 300 and c["assignments"] == 100 and c["quizzes"] == 50
    assert sum(f.size for f in r.package.files) == 3_000_000 - 3_000_000 % len(r.package.files)
    r.package.close()


@pytest.mark.parametrize("version,qti,kind", [("1.3", False, "common_cartridge"), ("1.1", True, "qti")])
def test_synthetic_cc13_and_qti(tmp_path, version, qti, kind):
    p = tmp_path / "x.imscc"
    write_synthetic(p, synthetic_course(300), version=version, qti=qti)
    r = run(p)
    assert r.package.kind == kind
    assert r.package.cc_version == (version if not qti else None)
    assert [f for f in r.findings if f.severity.name == "ERROR"] == []
    assert len(r.package.quizzes) == 15
    r.package.close()


def _rss_mb(path) -> int:
    code = ("import resource, sys\nfrom cc_toolkit.check.engine import run\nr = run(sys.argv[1])\n"
            "assert not r.findings, r.findings[:3]\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)")
    p = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    return int(p.stdout.strip())


def test_memory_does_not_grow_with_file_sizes(tmp_path):
    small, big = tmp_path / "small.imscc", tmp_path / "big.imscc"
    course = synthetic_course(200)
    write_synthetic(small, course, total_bytes=2_000_000)
    write_synthetic(big, course, total_bytes=600_000_000)  # 300x the bytes, same documents
    rss_small, rss_big = _rss_mb(small), _rss_mb(big)
    assert rss_big - rss_small < 25, (rss_small, rss_big)


def _batch_dir(tmp_path):
    d = tmp_path / "exports"
    d.mkdir()
    for name in ("broken_course.imscc", "canvas_course.imscc", "canvas_quiz_export.zip", "course_files_export.zip"):
        (d / name).write_bytes((SAMPLES / name).read_bytes())
    (d / "sub").mkdir()
    (d / "sub" / "junk.zip").write_bytes(b"not a zip")
    return d


def test_expand_folders_of_packages(tmp_path):
    d = _batch_dir(tmp_path)
    assert [p.rsplit("/", 1)[-1] for p in expand([str(d)])] == [
        "broken_course.imscc", "canvas_course.imscc", "canvas_quiz_export.zip", "course_files_export.zip", "junk.zip"]
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    (unpacked / "imsmanifest.xml").write_text("<manifest/>")
    (unpacked / "inner.zip").write_bytes(b"x")
    assert expand([str(unpacked)]) == [str(unpacked)]  # a package folder stays one package


def test_batch_jsonl_order_errors_and_exit_code(tmp_path):
    d = _batch_dir(tmp_path)
    p = subprocess.run([sys.executable, "-m", "cc_toolkit", "validate", str(d), str(SAMPLES / "canvas_course.imscc"),
                        "--format", "jsonl", "--jobs", "2"], capture_output=True, text=True, timeout=300)
    lines = [json.loads(l) for l in p.stdout.splitlines()]
    assert [l["package"]["path"].rsplit("/", 1)[-1] for l in lines] == [
        "broken_course.imscc", "canvas_course.imscc", "canvas_quiz_export.zip", "course_files_export.zip", "junk.zip",
        "canvas_course.imscc"]
    assert lines[0]["summary"] == {"error": 13, "warning": 8, "info": 0}
    assert "not a zip archive" in lines[4]["error"] and "summary" not in lines[4]
    assert p.returncode == 2 and p.stderr == ""


def test_jobs_do_not_change_output(tmp_path):
    d = _batch_dir(tmp_path)
    paths = expand([str(d)])
    one = [(o.path, o.exit_code, o.output, o.error) for o in run_batch(paths, Config(), "json", jobs=1)]
    two = [(o.path, o.exit_code, o.output, o.error) for o in run_batch(paths, Config(), "json", jobs=2)]
    assert one == two and len(one) == 5


def test_dask_local_cluster_gives_the_same_results(tmp_path):
    pytest.importorskip("distributed")
    d = _batch_dir(tmp_path)
    paths = expand([str(d)])
    local = [(o.path, o.exit_code, o.output, o.error) for o in run_batch(paths, Config(), "jsonl", jobs=1)]
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask = [(o.path, o.exit_code, o.output, o.error)
                for o in run_batch(paths, Config(), "jsonl", executor="dask", scheduler=cluster.scheduler_address)]
    assert dask == local


@pytest.mark.parametrize("rel", ["decagondev+web-s10/web-s10.imscc", "openedx+cc2olx/canvas_large_1.3.imscc",
                                 "commonsyllabi+commoncartridge/modern_chem.imscc"])
def test_parallel_documents_give_identical_results(rel, monkeypatch):
    """--jobs 2 reads the documents of one package in worker processes; findings, links and the model
    must be the same, in the same order, as with --jobs 1."""
    from cc_toolkit.check import engine
    from cc_toolkit.report.inspect_data import inspect_data

    from .conftest import CORPUS, corpus_required

    corpus_required()
    monkeypatch.setattr(engine, "PARALLEL_MIN_MEMBERS", 1)  # parallel even for a corpus-sized package
    monkeypatch.setattr(engine.os, "cpu_count", lambda: 2)  # two workers even on a one-core machine
    one = run(CORPUS / rel, Config(jobs=1))
    two = run(CORPUS / rel, Config(jobs=2))
    assert [f.to_dict() for f in one.findings] == [f.to_dict() for f in two.findings]
    assert [(d.file, d.links) for d in one.links] == [(d.file, d.links) for d in two.links]
    assert json_dump(inspect_data(one.package)) == json_dump(inspect_data(two.package))
    assert len(one.findings) > 0
    one.package.close()
    two.package.close()


def json_dump(d) -> str:
    return json.dumps(d, sort_keys=True, default=str)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_inherit_or_reopen_the_package(method, monkeypatch):
    """Forked workers reuse the parent's listing with their own file handle (ZipSource.for_worker); spawned
    workers open the package again. Both give what one process gives, for validate and for inspect."""
    import multiprocessing

    from cc_toolkit.check import engine
    from cc_toolkit.read.source import ZipSource, open_source
    from cc_toolkit.report.inspect_data import inspect_data

    from .conftest import CORPUS, corpus_required

    corpus_required()
    pkg_path = CORPUS / "decagondev+web-s10/web-s10.imscc"
    real = multiprocessing.get_context
    monkeypatch.setattr(multiprocessing, "get_context", lambda method_=None: real(method))
    monkeypatch.setattr(engine, "PARALLEL_MIN_MEMBERS", 1)
    monkeypatch.setattr(engine.os, "cpu_count", lambda: 2)
    one, two = run(pkg_path, Config(jobs=1)), run(pkg_path, Config(jobs=2))
    assert [f.to_dict() for f in one.findings] == [f.to_dict() for f in two.findings]
    light_one, light_two = engine.load_package(pkg_path, jobs=1), engine.load_package(pkg_path, jobs=2)
    assert json_dump(inspect_data(light_one)) == json_dump(inspect_data(light_two)) \
        == json_dump(inspect_data(one.package))
    for p in (one.package, two.package, light_one, light_two):
        p.close()
    with open_source(pkg_path) as src:
        assert isinstance(src, ZipSource)
        twin = src.for_worker()
        assert twin._fh is not src._fh and twin.entries is src.entries  # own handle, shared listing
        name = next(e.name for e in src.entries if e.name.endswith(".html"))
        assert twin.read(name) == src.read(name)
        twin.close()
        assert src.read(name)  # closing the twin leaves the parent's handle open


def test_jobs_never_exceed_the_cores(monkeypatch):
    from cc_toolkit.check import engine

    monkeypatch.setattr(engine.os, "cpu_count", lambda: 2)
    assert [engine.worker_count(j) for j in (None, 1, 2, 400)] == [2, 1, 2, 2]


def test_a_chunk_a_worker_cannot_return_is_read_in_the_main_process(tmp_path, monkeypatch):
    """Sections nested ~240 deep make a model too deep to pickle back from a worker: that chunk is read
    by the main process instead, so --jobs 2 still gives what --jobs 1 gives (it crashed before)."""
    from cc_toolkit.check import engine
    from cc_toolkit.report.json_report import inspect_json
    from cc_toolkit.synth import synthetic_course, write_synthetic

    monkeypatch.setattr(engine.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(engine, "PARALLEL_MIN_MEMBERS", 1)
    p = tmp_path / "deep.imscc"
    write_synthetic(p, synthetic_course(40), total_bytes=10_000)
    deep = ('<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2"><assessment ident="a">'
            + '<section ident="s">' * 240 + "</section>" * 240 + "</assessment></questestinterop>")
    with zipfile.ZipFile(p, "a") as z:
        z.writestr("extra/deep.xml", deep)
    one, two = run(p, Config(jobs=1)), run(p, Config(jobs=2))
    assert [f.to_dict() for f in one.findings] == [f.to_dict() for f in two.findings]
    assert any(f.file == "extra/deep.xml" for f in one.findings)  # the deep document was read and checked
    assert inspect_json(engine.load_package(p, jobs=2)) == inspect_json(engine.load_package(p, jobs=1))
