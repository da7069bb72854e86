"""cc_toolkit.canvas.client from Python: retries, redirects without the token, safe downloads, secrecy."""
from __future__ import annotations

import io
import logging
import os
from email.utils import formatdate

import httpx
import pytest

from cc_toolkit.canvas import (AuthError, CanvasClient, CanvasError, DownloadError, ExportTimeoutError, Poll)
from cc_toolkit.canvas.client import retry_after
from cc_toolkit.canvas.export import ProgressDisplay, select_pairs, sent_request
from cc_toolkit.audit import parse_select

from .canvas_sim import TOKEN
from .test_canvas_cli import FakeTime, fake_time, sim  # noqa: F401  (fixtures)


def make(sim, ft, **kw) -> CanvasClient:
    return CanvasClient(sim.base_url, kw.pop("token", TOKEN), sleep=ft.sleep, clock=ft.clock, rng=lambda: 0.5, **kw)


def test_repr_and_errors_hide_the_token(sim, fake_time, caplog):
    caplog.set_level(logging.DEBUG)  # httpx and httpcore log every request at DEBUG
    c = make(sim, fake_time)
    assert TOKEN not in repr(c) and "hidden" in repr(c)
    assert TOKEN not in str(vars(c))
    sim.fail("list", 401, body={"errors": [{"message": f"token {TOKEN} revoked"}]})
    with pytest.raises(AuthError) as ei:
        c.list_exports("course", 42)
    assert TOKEN not in str(ei.value) and TOKEN not in repr(ei.value) and "token <token> revoked" in str(ei.value)
    sim.fail("create", 500, body=f"boom Authorization: Bearer {TOKEN}", headers={"Content-Type": "text/plain"})
    with pytest.raises(CanvasError) as ei:
        c.create_export("course", 42, "zip")
    assert str(ei.value) == "creating a zip export of course 42: HTTP 500 (boom Authorization: Bearer <token>)"
    c.list_exports("course", 42)
    assert "HTTP Request: GET" in caplog.text  # the logs were really captured ...
    assert TOKEN not in caplog.text  # ... and hold no token
    c.close()


def test_plain_http_only_on_loopback():
    with pytest.raises(CanvasError, match="refusing to send the API token over plain http"):
        CanvasClient("http://canvas.example.edu", TOKEN)
    with pytest.raises(CanvasError, match="no API token"):
        CanvasClient("https://canvas.example.edu", "  ")
    CanvasClient("https://canvas.example.edu", TOKEN).close()


def test_retry_after_forms():
    def resp(value):
        return httpx.Response(429, headers={"Retry-After": value})

    assert retry_after(resp("3")) == 3.0
    assert retry_after(resp("soon")) is None
    assert 58 <= retry_after(resp(formatdate(1_000_060, usegmt=True)), now=lambda: 1_000_000) <= 60
    assert retry_after(resp(formatdate(999_000, usegmt=True)), now=lambda: 1_000_000) == 0.0
    assert retry_after(httpx.Response(503)) is None


def test_transient_errors_on_get_then_success(sim, fake_time):
    sim.fail("show", 502, times=2)
    e = sim.add_export()
    c = make(sim, fake_time)
    assert c.get_export("course", 42, e.id)["workflow_state"] == "exported"
    assert len(sim.hits("show")) == 3 and fake_time.sleeps == [0.75, 1.5]


def test_post_retried_on_503_only(sim, fake_time):
    sim.fail("create", 503)
    c = make(sim, fake_time)
    assert c.create_export("course", 42, "zip")["workflow_state"] == "created"
    assert len(sim.hits("create")) == 2 and len(sim.exports) == 1


def test_connection_refused_is_retried_then_reported(fake_time):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    c = CanvasClient(f"http://127.0.0.1:{port}", TOKEN, sleep=fake_time.sleep, clock=fake_time.clock,
                     rng=lambda: 0.5, max_retries=2)
    with pytest.raises(CanvasError, match="ConnectError") as ei:
        c.create_export("course", 42, "zip")
    assert TOKEN not in str(ei.value)
    assert c.requests_made == 3 and fake_time.sleeps == [0.75, 1.5]


def test_wait_records_every_state(sim, fake_time):
    c = make(sim, fake_time)
    e = c.create_export("course", 42, "qti", [("select[quizzes][]", "7")])
    seen: list[Poll] = []
    done = c.wait_for_export("course", 42, e, timeout=60, on_poll=seen.append)
    assert [(p.state, p.completion) for p in seen] == [("queued", 0), ("running", 25), ("running", 75),
                                                       ("completed", 100)]
    assert done["attachment"]["size"] == len(sim.package(sim.exports[e["id"]]))
    sim.stuck = True
    e2 = c.create_export("course", 42, "qti")
    with pytest.raises(ExportTimeoutError, match=r"timed out after 2 s .*still running at 25%"):
        c.wait_for_export("course", 42, e2, timeout=2, interval=0.5, factor=2)
    assert sim.exports[e2["id"]].polls == 4 and fake_time.sleeps[-3:] == [0.5, 1.0, 0.5]


def test_waiting_for_external_tool_is_followed_on_the_export(sim, fake_time):
    sim.external_tool_shows = 2
    c = make(sim, fake_time)
    e = c.create_export("course", 42, "common_cartridge")
    seen: list[Poll] = []
    done = c.wait_for_export("course", 42, e, timeout=60, on_poll=seen.append)
    assert done["workflow_state"] == "exported" and done["attachment"]["url"]
    assert [p.state for p in seen] == ["queued", "running", "running", "completed", "waiting_for_external_tool",
                                       "exported"]
    assert (len(sim.hits("progress")), len(sim.hits("show"))) == (4, 3)


def test_download_redirect_keeps_token_off_storage_even_on_same_host(sim, fake_time, tmp_path):
    sim.storage_host = "127.0.0.1"  # only the port differs: still another origin
    sim.stop()
    sim.start()
    e = sim.add_export(export_type="zip")
    c = make(sim, fake_time)
    d = c.download_export("course", 42, c.get_export("course", 42, e.id), tmp_path / "f.zip")
    assert d.size == len(sim.package(e)) == (tmp_path / "f.zip").stat().st_size and d.requests == 1
    assert sim.hits("download")[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert "authorization" not in sim.hits("storage")[0].headers
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "f.zip").stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's 0600


def test_range_ignored_restarts_from_zero(sim, fake_time, tmp_path, monkeypatch):
    """A storage that answers a Range request with 200 and the whole body: start over, keep it right."""
    e = sim.add_export()
    sim.cut_at = 700
    c = make(sim, fake_time)
    real = c._resolve

    def no_range(url, headers, **kw):
        return real(url, {k: v for k, v in headers.items() if k != "Range"}, **kw)

    monkeypatch.setattr(c, "_resolve", no_range)
    d = c.download_export("course", 42, c.get_export("course", 42, e.id), tmp_path / "c.imscc")
    assert (tmp_path / "c.imscc").read_bytes() == sim.package(e)
    assert d.resumed_from == [700] and d.requests == 2
    assert [h.headers.get("range") for h in sim.hits("storage")] == [None, None]


def test_interrupted_download_leaves_no_file(sim, fake_time, tmp_path):
    e = sim.add_export()
    (tmp_path / "keep.imscc").write_bytes(b"old package")
    c = make(sim, fake_time)
    calls = []

    def stop(got, total):
        calls.append(got)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        c.download_export("course", 42, c.get_export("course", 42, e.id), tmp_path / "keep.imscc", on_bytes=stop)
    assert len(calls) == 1 and calls[0] > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.imscc"]
    assert (tmp_path / "keep.imscc").read_bytes() == b"old package"  # the old file is untouched


def test_size_must_match_content_length(sim, fake_time, tmp_path):
    e = sim.add_export()
    sim.fail("storage", 200, body=b"PK\x03\x04 short", headers={"Content-Type": "application/zip"})
    c = make(sim, fake_time)
    # storage sends fewer bytes than the package's size? it states its own Content-Length; a bad zip is refused
    with pytest.raises(DownloadError, match="corrupt or not a zip"):
        c.download(c.get_export("course", 42, e.id)["attachment"]["url"], tmp_path / "x.zip")
    assert list(tmp_path.iterdir()) == []


def test_pagination_follows_link_next(sim, fake_time):
    for _ in range(5):
        sim.add_export()
    c = make(sim, fake_time)
    assert [e["id"] for e in c.list_exports("course", 42)] == [105, 104, 103, 102, 101]
    assert [h.path.split("?")[1] for h in sim.hits("list")] == ["per_page=100", "page=2&per_page=2",
                                                               "page=3&per_page=2"]
    listing = c.files_listing("course", 42)
    assert [f["id"] for f in listing["files"]] == [12, 13]
    assert [f["full_name"] for f in listing["folders"]] == ["course files", "course files/images",
                                                            "course files/handouts"]


def test_select_pairs_round_trip():
    req = parse_select('{"select": {"pages": [5, "6"], "quizzes": {"quizzes:quiz_7": 1}, "all_files": true}}',
                       (), "common_cartridge")
    pairs = select_pairs(req)
    assert pairs == [("select[pages][]", "5"), ("select[pages][]", "6"), ("select[quizzes][quizzes:quiz_7]", "1"),
                     ("select[all_attachments]", "1")]
    back = sent_request(pairs, "common_cartridge")
    assert [(r.collection, r.id) for r in back.items] == [(r.collection, r.id) for r in req.items]
    assert back.flags == {"all_attachments": True} and back.export_type == "common_cartridge"


def test_progress_display_only_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        d = ProgressDisplay(stream)
        d.poll(7, Poll("running", 50.0))
        d.bytes(512, 2048)
        d.end()
    assert pipe.getvalue() == ""
    assert tty.getvalue().split("\r")[1:] == [
        "export 7 [##########..........]  50.0% running".ljust(60),
        "download [#####...............] 512 B / 2.0 KiB".ljust(60) + "\n"]


def test_download_timeout_bounds_the_whole_download(sim, fake_time, tmp_path):
    """The HTTP timeout bounds each silence; --download-timeout bounds a download that keeps trickling."""
    e = sim.add_export()
    c = make(sim, fake_time)
    export = c.get_export("course", 42, e.id)

    def slow(got, total):
        fake_time.now += 30  # every block takes 30 s

    with pytest.raises(DownloadError, match=r"did not finish in time \(--download-timeout\): got \d+ of \d+ bytes"):
        c.download_export("course", 42, export, tmp_path / "p.imscc", on_bytes=slow, timeout=10)
    assert list(tmp_path.iterdir()) == []  # nothing left behind
    d = c.download_export("course", 42, export, tmp_path / "p.imscc", timeout=10)  # in time: fine
    assert d.size == (tmp_path / "p.imscc").stat().st_size > 0
