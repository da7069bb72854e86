"""`cc-toolkit export` and `cc-toolkit exports …` end to end, against the Canvas simulator (tests/canvas_sim.py).

Sleeps and the clock of the client are replaced by a fake that records every pause, so waits, backoffs
and timeouts are exact and cost no time; the HTTP traffic is real (127.0.0.1 and the storage host)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner

from cc_toolkit.canvas import client as client_mod
from cc_toolkit.cli import cli

from .canvas_sim import TOKEN, CanvasSim
from .conftest import ROOT


class FakeTime:
    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []

    def sleep(self, s: float) -> None:
        assert 0 <= s <= 600, s
        self.sleeps.append(round(s, 6))
        self.now += s

    def clock(self) -> float:
        return self.now


@pytest.fixture
def sim(monkeypatch):
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)  # traffic stays on the loopback servers
    s = CanvasSim().start()
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture
def fake_time(monkeypatch):
    ft = FakeTime()
    monkeypatch.setattr(client_mod, "_sleep", ft.sleep)
    monkeypatch.setattr(client_mod, "_clock", ft.clock)
    monkeypatch.setattr(client_mod.random, "random", lambda: 0.5)  # jitter: the middle of its range
    return ft


def run(sim, *args, token=TOKEN, cwd=None):
    env = {"CANVAS_BASE_URL": sim.base_url, "CANVAS_API_TOKEN": token}
    r = CliRunner(env=env).invoke(cli, [str(a) for a in args])
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    return r


def assert_one_line_error(r, text):
    assert r.exit_code == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cc-toolkit: error: "), r.stderr
    assert text in lines[0], lines[0]
    assert TOKEN not in r.stdout + r.stderr


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir())


# -- happy paths -----------------------------------------------------------------------------------

@pytest.mark.parametrize("export_type, select, name, summary", [
    ("common_cartridge", "select[pages][]=5&select[modules][]=2", "sample-course-export.imscc",
     "2 requested, 2 present, 0 missing, 9 dependencies, 0 unexpected, 0 request warnings"),
    ("qti", '{"select": {"quizzes": [7]}}', "sample-course-quiz-export.zip",
     "1 requested, 1 present, 0 missing, 0 dependencies, 0 unexpected, 0 request warnings"),
    ("zip", "select[files][]=13&select[files][]=12", "sample-course-files.zip",
     "2 requested, 2 present, 0 missing, 0 dependencies, 0 unexpected, 0 request warnings"),
])
def test_export_happy_path_each_type(sim, fake_time, tmp_path, export_type, select, name, summary):
    r = run(sim, "export", "course", 42, "--type", export_type, "--select", select, "-o", tmp_path,
            "--skip-notifications", "--version", "1.3")
    assert r.exit_code == 0, (r.stdout, r.stderr)
    assert r.stderr == ""  # no progress bars: stderr is not a terminal
    out = tmp_path / name
    e = sim.exports[101]
    assert out.read_bytes() == sim.package(e)
    assert leftovers(tmp_path) == [name]  # no temporary file left behind
    assert f"saved:    {out} ({len(sim.package(e))} bytes)" in r.stdout
    assert r.stdout.rstrip().endswith(f"{out}: matches the request: {summary}")
    assert "progress: queued 0% -> running 25% -> running 75% -> completed 100%" in r.stdout
    # the request Canvas received
    assert e.export_type == export_type and e.version == "1.3" and e.skip_notifications is True
    assert e.body == {"common_cartridge": "select%5Bpages%5D%5B%5D=5&select%5Bmodules%5D%5B%5D=2",
                      "qti": "select%5Bquizzes%5D%5B%5D=7",
                      "zip": "select%5Bfiles%5D%5B%5D=13&select%5Bfiles%5D%5B%5D=12"}[export_type]
    # 1 create, 4 polls, 1 show, 1 attachment URL, 1 storage GET (+ files/folders pages for zip)
    assert [len(sim.hits(x)) for x in ("create", "progress", "show", "download", "storage")] == [1, 4, 1, 1, 1]
    if export_type == "zip":  # ids -> paths: 2 files in 1 page, 3 folders in 2 pages (Link rel=next)
        assert (len(sim.hits("files")), len(sim.hits("folders"))) == (1, 2)
    assert fake_time.sleeps == [1.0, 1.5, 2.25]
    # the token went to the API and never to storage
    assert all(h.headers.get("authorization") == f"Bearer {TOKEN}" for h in sim.log if h.server == "api")
    assert [h.headers.get("authorization") for h in sim.log if h.server == "storage"] == [None]


def test_group_and_user_zip_exports(sim, fake_time, tmp_path):
    for context, cid in (("group", 17), ("user", 5)):
        r = run(sim, "export", context, cid, "--type", "zip", "-o", tmp_path / f"{context}.zip")
        assert r.exit_code == 0, r.stderr
        with zipfile.ZipFile(tmp_path / f"{context}.zip") as z:
            assert z.namelist() == ["images/logo.png", "handouts/reading list.pdf"]
        assert "0 missing, 0 dependencies, 0 unexpected" in r.stdout
    assert [e.context for e in sim.exports.values()] == [("groups", "17"), ("users", "5")]


def test_json_format(sim, fake_time, tmp_path):
    r = run(sim, "export", "course", 42, "--type", "qti", "--item", "quizzes=7", "--item", "quizzes=70",
            "-o", tmp_path / "q.zip", "--format", "json")
    assert r.exit_code == 1  # quiz 70 does not exist: missing
    data = json.loads(r.stdout)
    assert data["select_sent"] == [["select[quizzes][]", "7"], ["select[quizzes][]", "70"]]
    assert data["export"]["workflow_state"] == "exported" and data["bytes"] == (tmp_path / "q.zip").stat().st_size
    assert [p["state"] for p in data["progress"]] == ["queued", "running", "running", "completed"]
    assert data["audit"]["summary"]["missing"] == 1 and data["audit"]["missing"][0]["id"] == "70"


def test_audit_catches_an_object_canvas_dropped(sim, fake_time, tmp_path):
    sim.drop = {("wiki_pages", 5)}
    r = run(sim, "export", "course", 42, "--type", "common_cartridge", "--item", "pages=5", "--item", "pages=6",
            "-o", tmp_path / "c.imscc")
    assert r.exit_code == 1
    assert "missing:\n  wiki_pages id 5 i65ed31dd97cc93f9f677393809156247" in r.stdout
    assert "2 requested, 1 present, 1 missing" in r.stdout


def test_no_audit_validates_only(sim, fake_time, tmp_path):
    r = run(sim, "export", "course", 42, "--type", "common_cartridge", "--item", "pages=6", "--no-audit",
            "-o", tmp_path / "c.imscc")
    assert r.exit_code == 0
    assert "validate: 0 errors, 0 warnings, 0 info" in r.stdout and "requested" not in r.stdout


def test_no_wait_only_creates(sim, fake_time, tmp_path):
    r = run(sim, "export", "course", 42, "--type", "common_cartridge", "--no-wait", "-o", tmp_path)
    assert r.exit_code == 0
    assert r.stdout.splitlines() == ["export:   101 (common_cartridge) of course 42: created",
                                     f"progress_url: {sim.base_url}/api/v1/progress/5101"]
    assert (len(sim.hits("create")), len(sim.hits("progress")), leftovers(tmp_path)) == (1, 0, [])


# -- throttling, transient errors ------------------------------------------------------------------

def test_rate_limit_403_then_success(sim, fake_time, tmp_path):
    sim.throttle("create", times=2)
    sim.throttle("progress", times=1)
    r = run(sim, "export", "course", 42, "--type", "qti", "-o", tmp_path / "q.zip")
    assert r.exit_code == 0, r.stderr
    assert (len(sim.hits("create")), len(sim.hits("progress"))) == (3, 5)
    # backoff 1 s then 2 s (jitter fixed at the middle: 0.75, 1.5), then the poll's retry, then the polls
    assert fake_time.sleeps == [0.75, 1.5, 0.75, 1.0, 1.5, 2.25]
    assert len(sim.exports) == 1  # the throttled POSTs created nothing


def test_429_honours_retry_after(sim, fake_time, tmp_path):
    sim.fail("show", 429, times=1, headers={"Retry-After": "7"})
    r = run(sim, "export", "course", 42, "--type", "qti", "-o", tmp_path / "q.zip")
    assert r.exit_code == 0, r.stderr
    assert fake_time.sleeps == [1.0, 1.5, 2.25, 7.0]
    assert len(sim.hits("show")) == 2


def test_500_then_success(sim, fake_time, tmp_path):
    sim.fail("progress", 500, times=2)
    sim.fail("storage", 503, times=1)
    r = run(sim, "export", "course", 42, "--type", "qti", "-o", tmp_path / "q.zip")
    assert r.exit_code == 0, r.stderr
    assert (len(sim.hits("progress")), len(sim.hits("storage"))) == (6, 2)
    assert fake_time.sleeps == [0.75, 1.5, 1.0, 1.5, 2.25, 0.75]


def test_post_500_is_not_retried(sim, fake_time, tmp_path):
    sim.fail("create", 500)
    r = run(sim, "export", "course", 42, "--type", "qti", "-o", tmp_path)
    assert_one_line_error(r, "creating a qti export of course 42: HTTP 500 (simulated 500)")
    assert len(sim.hits("create")) == 1 and fake_time.sleeps == []


def test_throttled_for_good(sim, fake_time, tmp_path):
    sim.throttle("create", times=50)
    r = run(sim, "export", "course", 42, "--type", "qti", "-o", tmp_path)
    assert_one_line_error(r, "still throttled by Canvas after 6 retries")
    assert len(sim.hits("create")) == 7
    assert fake_time.sleeps == [0.75, 1.5, 3.0, 6.0, 12.0, 24.0]


# -- failures --------------------------------------------------------------------------------------

def test_failed_export(sim, fake_time, tmp_path):
    sim.fail_export = "Failed to export wiki page \"Broken page\""
    r = run(sim, "export", "course", 42, "--type", "common_cartridge", "-o", tmp_path)
    assert_one_line_error(r, 'export 101 failed: Failed to export wiki page "Broken page"')
    assert len(sim.hits("progress")) == 4 and leftovers(tmp_path) == []


def test_stuck_progress_times_out(sim, fake_time, tmp_path):
    sim.stuck = True
    r = run(sim, "export", "course", 42, "--type", "qti", "--timeout", 5, "-o", tmp_path)
    assert_one_line_error(r, "timed out after 5 s waiting for export 101 (still running at 25%)")
    assert fake_time.sleeps == [1.0, 1.5, 2.25, 0.25]  # the last pause is cut to the deadline
    assert len(sim.hits("progress")) == 5 and leftovers(tmp_path) == []


def test_download_cut_midway_is_resumed(sim, fake_time, tmp_path):
    sim.cut_at = 1000
    r = run(sim, "export", "course", 42, "--type", "common_cartridge", "-o", tmp_path / "c.imscc")
    assert r.exit_code == 0, r.stderr
    data = sim.package(sim.exports[101])
    assert (tmp_path / "c.imscc").read_bytes() == data and len(data) > 1000
    assert [h.headers.get("range") for h in sim.hits("storage")] == [None, "bytes=1000-"]
    assert f"({len(data)} bytes, resumed at byte 1000)" in r.stdout
    assert leftovers(tmp_path) == ["c.imscc"]


def test_download_cut_every_time_leaves_nothing(sim, fake_time, tmp_path):
    sim.cut_at, sim.cut_times = 1000, 99
    r = run(sim, "export", "course", 42, "--type", "common_cartridge", "-o", tmp_path / "c.imscc")
    size = len(sim.package(sim.exports[101]))
    assert_one_line_error(r, f"download cut 6 times; got 6000 of {size} bytes")
    assert [h.headers.get("range") for h in sim.hits("storage")] == [None] + [f"bytes={n}-" for n in range(1000, 6000, 1000)]
    assert leftovers(tmp_path) == []


def test_download_timeout_stops_a_download_that_keeps_being_cut(sim, fake_time, tmp_path):
    sim.cut_at, sim.cut_times = 1000, 99
    r = run(sim, "export", "course", 42, "--type", "common_cartridge", "-o", tmp_path / "c.imscc",
            "--download-timeout", "2")  # the pauses between resumes (backoff) use up the 2 s
    size = len(sim.package(sim.exports[101]))
    assert_one_line_error(r, f"download did not finish in time (--download-timeout): got ")
    assert f" of {size} bytes" in r.stderr
    assert 1 < len(sim.hits("storage")) < 6 and leftovers(tmp_path) == []
    r = run(sim, "exports", "download", "course", 42, 101, "-o", tmp_path / "d.imscc", "--download-timeout", "2")
    assert_one_line_error(r, "did not finish in time")


def test_corrupt_package_is_not_kept(sim, fake_time, tmp_path):
    sim.corrupt = True
    r = run(sim, "export", "course", 42, "--type", "common_cartridge", "-o", tmp_path / "c.imscc")
    assert_one_line_error(r, "the downloaded package is corrupt or not a zip (Error -3 while decompressing data")
    assert leftovers(tmp_path) == []


def test_expired_attachment(sim, fake_time, tmp_path):
    sim.expired = True
    r = run(sim, "export", "course", 42, "--type", "qti", "-o", tmp_path)
    assert_one_line_error(r, "export 101 has no package any more: it has expired")
    assert len(sim.hits("storage")) == 0


def test_expired_storage_link_is_refreshed_once(sim, fake_time, tmp_path):
    sim.storage_expired = True
    r = run(sim, "export", "course", 42, "--type", "qti", "-o", tmp_path)
    assert_one_line_error(r, "file storage refuses the package (HTTP 403): the download link has expired")
    assert (len(sim.hits("storage")), len(sim.hits("show"))) == (2, 2)
    assert leftovers(tmp_path) == []


def test_bad_token(sim, fake_time, tmp_path):
    r = run(sim, "export", "course", 42, "--type", "qti", "-o", tmp_path, token="wrong-token")
    assert_one_line_error(r, "the API token was refused (HTTP 401 (Invalid access token.))")
    assert len(sim.hits("create")) == 1 and fake_time.sleeps == []


def test_not_found_and_invalid_export_type(sim, fake_time, tmp_path):
    assert_one_line_error(run(sim, "export", "course", 99, "--type", "qti", "-o", tmp_path),
                          "creating a qti export of course 99: not found (HTTP 404")
    assert_one_line_error(run(sim, "export", "group", 17, "--type", "common_cartridge", "-o", tmp_path),
                          "Canvas refused the request (HTTP 400 (invalid export_type))")
    sim.fail("create", 403, body={"status": "unauthorized",
                                  "errors": [{"message": "user not authorized to perform that action"}]})
    assert_one_line_error(run(sim, "export", "course", 42, "--type", "qti", "-o", tmp_path),
                          "not allowed for this token's user (HTTP 403 (user not authorized")
    assert len(sim.hits("create")) == 3 and sim.exports == {}


def test_configuration_errors(sim, tmp_path):
    r = CliRunner(env={"CANVAS_API_TOKEN": None, "CANVAS_BASE_URL": sim.base_url}).invoke(
        cli, ["export", "course", "42", "--type", "qti"])
    assert r.exit_code == 2 and r.stderr.strip() == "cc-toolkit: error: no API token: set CANVAS_API_TOKEN or give --token-file"
    r = CliRunner(env={"CANVAS_API_TOKEN": TOKEN, "CANVAS_BASE_URL": None}).invoke(cli, ["exports", "list", "course", "42"])
    assert r.exit_code == 2 and "no Canvas URL" in r.stderr
    r = CliRunner(env={"CANVAS_API_TOKEN": TOKEN}).invoke(
        cli, ["exports", "list", "course", "42", "--base-url", "http://canvas.example.edu"])
    assert r.exit_code == 2 and "refusing to send the API token over plain http" in r.stderr
    assert sim.log == []


def test_token_file(sim, fake_time, tmp_path):
    tf = tmp_path / "token"
    tf.write_text(TOKEN + "\n")
    r = CliRunner(env={"CANVAS_API_TOKEN": "ignored", "CANVAS_BASE_URL": sim.base_url}).invoke(
        cli, ["exports", "list", "course", "42", "--token-file", str(tf)])
    assert r.exit_code == 0 and r.stdout == "0 exports of course 42\n"


# -- exports list / show / download ----------------------------------------------------------------

def test_exports_list_paginates_newest_first(sim, fake_time):
    for et in ("common_cartridge", "qti", "zip", "qti", "common_cartridge"):
        sim.add_export(export_type=et)
    sim.add_export(context=("groups", "17"), export_type="zip")
    r = run(sim, "exports", "list", "course", 42)
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert [ln.split()[0] for ln in lines[:-1]] == ["105", "104", "103", "102", "101"]
    assert lines[-1] == "5 exports of course 42"
    assert lines[0].startswith("105  exported   common_cartridge")
    pages = [h.path for h in sim.hits("list")]
    assert len(pages) == 3 and "page=3" in pages[-1]  # 5 exports, 2 per page, followed by Link rel=next
    data = json.loads(run(sim, "exports", "list", "course", 42, "--format", "json").stdout)
    assert [e["id"] for e in data] == [105, 104, 103, 102, 101]


def test_exports_show(sim, fake_time):
    done = sim.add_export(export_type="qti")
    running = sim.add_export(export_type="common_cartridge", state_step=2)
    old = sim.add_export(export_type="zip", expired=True)
    r = run(sim, "exports", "show", "course", 42, done.id)
    assert r.exit_code == 0
    size = len(sim.package(done))
    assert r.stdout.splitlines() == [f"id:        {done.id}", "type:      qti", "state:     exported",
                                     f"created:   {done.created_at}", "progress:  completed 100.0%",
                                     f"package:   sample-course-quiz-export.zip ({size} bytes)"]
    assert "state:     exporting" in run(sim, "exports", "show", "course", 42, running.id).stdout
    assert "package:   none (expired)" in run(sim, "exports", "show", "course", 42, old.id).stdout
    assert_one_line_error(run(sim, "exports", "show", "course", 42, 999), "export 999 of course 42: not found")
    data = json.loads(run(sim, "exports", "show", "course", 42, done.id, "--format", "json").stdout)
    assert data["attachment"]["size"] == size and data["course_id"] == 42


def test_exports_download(sim, fake_time, tmp_path):
    done = sim.add_export(export_type="common_cartridge", select="select[pages][]=6")
    r = run(sim, "exports", "download", "course", 42, done.id, "-o", tmp_path)
    assert r.exit_code == 0, r.stderr
    out = tmp_path / "sample-course-export.imscc"
    assert out.read_bytes() == sim.package(done)
    assert "validate: 0 errors, 0 warnings, 0 info" in r.stdout
    running = sim.add_export(state_step=1)
    assert_one_line_error(run(sim, "exports", "download", "course", 42, running.id, "-o", tmp_path),
                          f"export {running.id} is still exporting")
    assert leftovers(tmp_path) == ["sample-course-export.imscc"]


# -- the token never shows ---------------------------------------------------------------------------

def test_token_never_in_output_of_failing_paths(sim, tmp_path):
    """Run the real program (python -m cc_toolkit) down failing paths and grep all it printed (the in-process
    tests above check the same for every other failing path, in assert_one_line_error)."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(CANVAS_BASE_URL=sim.base_url, CANVAS_API_TOKEN=TOKEN, PYTHONPATH=str(ROOT))

    def prog(*args, **kw):
        return subprocess.run([sys.executable, "-m", "cc_toolkit", *map(str, args)], capture_output=True,
                              text=True, env=kw.get("env", env), cwd=tmp_path, timeout=60)

    outputs = []
    # a server that echoes the token in its error body: the message is scrubbed
    sim.fail("create", 401, body={"errors": [{"message": f"Invalid access token {TOKEN}"}]})
    p = prog("export", "course", 42, "--type", "qti")
    assert p.returncode == 2 and "Invalid access token <token>" in p.stderr
    outputs.append(p)
    sim.stuck = True
    outputs.append(prog("export", "course", 42, "--type", "qti", "--timeout", 0))
    sim.stuck, sim.corrupt = False, True
    outputs.append(prog("export", "course", 42, "--type", "qti", "--poll-interval", 0))
    assert [p.returncode for p in outputs] == [2] * 3
    for p in outputs:
        assert TOKEN not in p.stdout + p.stderr
        assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert os.listdir(tmp_path) == []
