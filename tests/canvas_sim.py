"""A Canvas simulator for the Content Exports API: two real HTTP servers on the loopback interface,
one for the API and one standing in for file storage (another host: 127.0.0.2 where it can bind).

Documented behaviour it follows (Canvas's API docs and source): POST …/content_exports with
export_type (courses: common_cartridge, qti, zip; groups and users: zip only, else 400
{"message": "invalid export_type"}), select[...] and version; the ContentExport JSON (id,
created_at, export_type, user_id, workflow_state, course_id for courses, progress_url, attachment only
once exported and not expired); lists newest first, paginated with Link headers; GET
/api/v1/progress/:id (queued → running → completed/failed, completion 0–100, message); the attachment
URL redirects to storage; 401 for a bad token, 404 for unknown contexts and exports, throttling 403
"403 Forbidden (Rate Limit Exceeded)" with X-Rate-Limit-Remaining, 429 with Retry-After.

The package it serves is built from the select it received:
`export_bytes(sample_course(), parse_select(<the form body>), export_type)`; `drop` removes selected
objects first, so an end-to-end test can prove that the audit catches a missing object.

Faults on demand: `fail(route, status, times)` queues answers for a route ("create", "show", "list",
"progress", "download", "storage", "files", "folders"); `progress_plan`, `fail_export`, `stuck`,
`expired`, `cut_at` (storage closes the connection after N bytes, `cut_times` times), `storage_expired`,
`corrupt`. Every request is logged in `log` (route, method, path, headers).
"""
from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from cc_toolkit.audit import parse_select
from cc_toolkit.audit.select import Request
from cc_toolkit.export_sim import export_bytes, files_listing
from cc_toolkit.samples import sample_course

TOKEN = "sim-token-7Hq2-DO-NOT-LEAK-93aa"
CONTEXTS = {("courses", "42"), ("groups", "17"), ("users", "5")}
DEFAULT_PLAN = [("queued", 0), ("running", 25), ("running", 75), ("completed", 100)]


@dataclass
class Hit:
    server: str  # "api" or "storage"
    route: str
    method: str
    path: str
    headers: dict


@dataclass
class SimExport:
    id: int
    context: tuple[str, str]
    export_type: str
    body: str
    version: str | None
    skip_notifications: bool
    created_at: str
    data: bytes | None = None
    step: int = 0  # index in the progress plan
    polls: int = 0
    expired: bool = False


@dataclass
class _Fault:
    status: int
    headers: dict
    body: bytes


@dataclass
class CanvasSim:
    token: str = TOKEN
    page_size: int = 2  # small, so lists really paginate
    progress_plan: list = field(default_factory=lambda: list(DEFAULT_PLAN))
    fail_export: str | None = None  # message: the export fails instead of completing
    stuck: bool = False  # progress never moves past the first running step
    expired: bool = False  # exports answer without attachment (expired)
    storage_expired: bool = False  # storage refuses every download with 403 "Request has expired"
    cut_at: int | None = None  # storage closes the connection after this many bytes of a response ...
    cut_times: int = 1  # ... this many times
    corrupt: bool = False  # storage flips a byte in the middle of the package
    drop: set = field(default_factory=set)  # {(collection, id)} left out of every package
    external_tool_shows: int = 0  # after progress completes, the export stays waiting_for_external_tool this many shows

    def __post_init__(self):
        self.course = sample_course()
        self.exports: dict[int, SimExport] = {}
        self.next_id = 100
        self.log: list[Hit] = []
        self.faults: dict[str, list[_Fault]] = {}
        self.lock = threading.Lock()
        self._servers = []
        self.storage_host = "127.0.0.2"
        self.cuts_done = 0

    # -- control -------------------------------------------------------------------------------------

    def fail(self, route: str, status: int, times: int = 1, headers: dict | None = None, body=None) -> None:
        """The next `times` requests to `route` get this answer instead."""
        if body is None:
            body = {"errors": [{"message": f"simulated {status}"}]}
        raw = body if isinstance(body, bytes) else (body.encode() if isinstance(body, str) else json.dumps(body).encode())
        self.faults.setdefault(route, []).extend(_Fault(status, dict(headers or {}), raw) for _ in range(times))

    def throttle(self, route: str, times: int = 1) -> None:
        """Canvas's throttling answer: 403 with the Rate Limit Exceeded text."""
        self.fail(route, 403, times, {"X-Rate-Limit-Remaining": "0.0", "X-Request-Cost": "12.5",
                                      "Content-Type": "text/plain"}, "403 Forbidden (Rate Limit Exceeded)\n")

    def hits(self, route: str, server: str | None = None) -> list[Hit]:
        return [h for h in self.log if h.route == route and (server is None or h.server == server)]

    def add_export(self, context=("courses", "42"), export_type="common_cartridge", select="", state_step=None,
                   expired=False) -> SimExport:
        """An export made earlier (for list/show/download tests)."""
        with self.lock:
            e = self._new(context, export_type, select, None, False)
        e.step = len(self.progress_plan) - 1 if state_step is None else state_step
        e.expired = expired
        return e

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._servers[0].server_address[1]}"

    @property
    def storage_url(self) -> str:
        return f"http://{self.storage_host}:{self._servers[1].server_address[1]}"

    def start(self) -> "CanvasSim":
        api = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self, "api"))
        try:
            storage = ThreadingHTTPServer((self.storage_host, 0), _handler(self, "storage"))
        except OSError:  # no 127.0.0.2 here: another port of 127.0.0.1 is still another origin
            self.storage_host = "127.0.0.1"
            storage = ThreadingHTTPServer((self.storage_host, 0), _handler(self, "storage"))
        for s in (api, storage):
            s.daemon_threads = True
            threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
            self._servers.append(s)
        return self

    def stop(self) -> None:
        for s in self._servers:
            s.shutdown()
            s.server_close()
        self._servers.clear()

    def __enter__(self) -> "CanvasSim":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- the model -----------------------------------------------------------------------------------

    def _new(self, context, export_type, body, version, skip) -> SimExport:
        self.next_id += 1
        eid = self.next_id
        e = SimExport(eid, context, export_type, body, version, skip, f"2024-05-0{1 + eid % 9}T12:00:00Z")
        self.exports[eid] = e
        return e

    def package(self, e: SimExport) -> bytes:
        if e.data is None:
            req = parse_select(e.body or None, (), e.export_type)
            if self.drop:
                req = Request(req.export_type, [r for r in req.items if (r.collection, int(r.id or 0)) not in self.drop],
                              dict(req.flags), list(req.warnings), req.given)
            e.data = export_bytes(self.course, req, e.export_type)
        return e.data

    def state(self, e: SimExport) -> tuple[str, float, str, str | None]:
        """(progress state, completion, export workflow_state, message)."""
        if self.fail_export and e.step >= len(self.progress_plan) - 1:
            return "failed", 40.0, "failed", self.fail_export
        pstate, completion = self.progress_plan[e.step]
        estate = {"queued": "created", "running": "exporting", "completed": "exported"}.get(pstate, "failed")
        return pstate, float(completion), estate, None

    def export_json(self, e: SimExport) -> dict:
        _, _, estate, _ = self.state(e)
        d = {"id": e.id, "created_at": e.created_at, "export_type": e.export_type, "user_id": 1,
             "workflow_state": estate, "progress_url": f"{self.base_url}/api/v1/progress/{e.id + 5000}"}
        if e.context[0] == "courses":
            d["course_id"] = int(e.context[1])
        if estate == "exported" and not (e.expired or self.expired):
            data = self.package(e)
            ext = ".imscc" if e.export_type == "common_cartridge" else ".zip"
            name = {"common_cartridge": "sample-course-export", "qti": "sample-course-quiz-export",
                    "zip": "sample-course-files"}[e.export_type] + ext
            aid = 9000 + e.id
            d["attachment"] = {"id": aid, "display_name": name, "filename": name, "size": len(data),
                               "content-type": "application/zip",
                               "url": f"{self.base_url}/files/{aid}/download?download_frd=1&verifier=v{aid}"}
        return d


def _handler(sim: CanvasSim, server: str):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, *args):  # quiet
            pass

        # -- helpers ---------------------------------------------------------------------------------
        def _send(self, status: int, body=b"", headers: dict | None = None, ctype="application/json"):
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            hs = {"Content-Type": ctype, "Content-Length": str(len(raw))}
            hs.update(headers or {})
            for k, v in hs.items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(raw)

        def _route(self) -> tuple[str, list[str]]:
            parts = [p for p in urlsplit(self.path).path.split("/") if p]
            if server == "storage":
                return "storage", parts
            if parts[:2] == ["api", "v1"] and len(parts) >= 4 and parts[2] in ("courses", "groups", "users"):
                tail = parts[4:]
                if tail == ["content_exports"]:
                    return ("create" if self.command == "POST" else "list"), parts
                if len(tail) == 2 and tail[0] == "content_exports":
                    return "show", parts
                if tail in (["files"], ["folders"]):
                    return tail[0], parts
            if parts[:3] == ["api", "v1", "progress"] and len(parts) == 4:
                return "progress", parts
            if len(parts) == 3 and parts[0] == "files" and parts[2] == "download":
                return "download", parts
            return "unknown", parts

        def _handle(self):
            route, parts = self._route()
            with sim.lock:
                sim.log.append(Hit(server, route, self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
                fault = sim.faults.get(route, []).pop(0) if sim.faults.get(route) else None
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            if fault:
                ctype = fault.headers.pop("Content-Type", "application/json")
                return self._send(fault.status, fault.body, fault.headers, ctype)
            if server == "storage":
                return self._storage(parts)
            if self.headers.get("Authorization") != f"Bearer {sim.token}":
                return self._send(401, {"errors": [{"message": "Invalid access token."}]},
                                  {"WWW-Authenticate": 'Bearer realm="canvas-lms"'})
            if route in ("create", "list", "show", "files", "folders") and (parts[2], parts[3]) not in CONTEXTS:
                return self._send(404, {"errors": [{"message": "The specified resource does not exist."}]})
            return getattr(self, f"_{route}", self._unknown)(parts, body)

        do_GET = do_POST = do_HEAD = _handle

        # -- API routes ------------------------------------------------------------------------------
        def _unknown(self, parts, body):
            self._send(404, {"errors": [{"message": "The specified resource does not exist."}]})

        def _create(self, parts, body):
            form = parse_qs(body, keep_blank_values=True)
            et = (form.get("export_type") or [""])[0]
            valid = ("zip",) if parts[2] != "courses" else ("zip", "qti", "common_cartridge")
            if et not in valid:
                return self._send(400, {"message": "invalid export_type"})
            select = urlencode([(k, v) for k, vs in form.items() if k.startswith("select[") for v in vs])
            with sim.lock:
                e = sim._new((parts[2], parts[3]), et, select, (form.get("version") or [None])[0],
                             (form.get("skip_notifications") or ["false"])[0] == "true")
            self._send(200, sim.export_json(e))

        def _show(self, parts, body):
            e = sim.exports.get(int(parts[5])) if parts[5].isdigit() else None
            if e is None or e.context != (parts[2], parts[3]):
                return self._unknown(parts, body)
            data = sim.export_json(e)
            with sim.lock:
                if data["workflow_state"] == "exported" and sim.external_tool_shows > 0:
                    sim.external_tool_shows -= 1
                    data["workflow_state"] = "waiting_for_external_tool"
                    data.pop("attachment", None)
            self._send(200, data)

        def _list(self, parts, body):
            items = sorted((e for e in sim.exports.values() if e.context == (parts[2], parts[3])),
                           key=lambda e: -e.id)
            self._paginate(parts, [sim.export_json(e) for e in items])

        def _files(self, parts, body):
            self._paginate(parts, files_listing(sim.course)["files"])

        def _folders(self, parts, body):
            self._paginate(parts, files_listing(sim.course)["folders"])

        def _paginate(self, parts, items):
            q = parse_qs(urlsplit(self.path).query)
            page = int((q.get("page") or ["1"])[0])
            per = min(int((q.get("per_page") or ["10"])[0]), sim.page_size)
            chunk = items[(page - 1) * per: page * per]
            path = urlsplit(self.path).path
            last = max(1, -(-len(items) // per))

            def link(n, rel):
                return f'<{sim.base_url}{path}?page={n}&per_page={per}>; rel="{rel}"'

            rels = [link(page, "current"), link(1, "first"), link(last, "last")]
            if page < last:
                rels.insert(0, link(page + 1, "next"))
            if page > 1:
                rels.append(link(page - 1, "prev"))
            self._send(200, chunk, {"Link": ",".join(rels)})

        def _progress(self, parts, body):
            e = sim.exports.get(int(parts[3]) - 5000) if parts[3].isdigit() else None
            if e is None:
                return self._unknown(parts, body)
            with sim.lock:
                pstate, completion, _, message = sim.state(e)
                e.polls += 1
                if not sim.stuck or e.step < 1:
                    e.step = min(e.step + 1, len(sim.progress_plan) - 1)
            self._send(200, {"id": int(parts[3]), "context_id": int(e.context[1]), "context_type": "Course",
                             "user_id": 1, "tag": "content_export", "completion": completion,
                             "workflow_state": pstate, "message": message,
                             "url": f"{sim.base_url}/api/v1/progress/{parts[3]}"})

        def _download(self, parts, body):
            aid = int(parts[1]) if parts[1].isdigit() else 0
            e = sim.exports.get(aid - 9000)
            if e is None:
                return self._unknown(parts, body)
            self._send(302, b"", {"Location": f"{sim.storage_url}/blobs/{e.id}/package.zip?X-Amz-Expires=300"},
                       "text/plain")

        # -- storage ---------------------------------------------------------------------------------
        def _storage(self, parts):
            if sim.storage_expired:
                return self._send(403, b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>",
                                  ctype="application/xml")
            e = sim.exports.get(int(parts[1])) if len(parts) == 3 and parts[1].isdigit() else None
            if e is None:
                return self._send(404, b"<Error><Code>NoSuchKey</Code></Error>", ctype="application/xml")
            data = sim.package(e)
            if sim.corrupt:
                mid = len(data) // 2
                data = data[:mid] + bytes([data[mid] ^ 0xFF]) + data[mid + 1:]
            rng = self.headers.get("Range")
            start = 0
            if rng and rng.startswith("bytes=") and rng[6:].rstrip("-").isdigit():
                start = int(rng[6:].rstrip("-"))
                if start >= len(data):
                    return self._send(416, b"", {"Content-Range": f"bytes */{len(data)}"}, "application/zip")
                part = data[start:]
                status, extra = 206, {"Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}"}
            else:
                part, status, extra = data, 200, {}
            with sim.lock:
                cut = sim.cut_at is not None and sim.cuts_done < sim.cut_times and len(part) > sim.cut_at
                if cut:
                    sim.cuts_done += 1
            self.send_response(status)
            self.send_header("Content-Type", "application/zip")
            self.send_header("Content-Length", str(len(part)))
            self.send_header("Accept-Ranges", "bytes")
            for k, v in extra.items():
                self.send_header(k, v)
            self.end_headers()
            if cut:  # send part of the body, then drop the connection
                self.wfile.write(part[: sim.cut_at])
                self.wfile.flush()
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            self.wfile.write(part)

    return Handler


def main(argv: list[str] | None = None) -> int:
    """`python -m tests.canvas_sim [--drop wiki_pages:5] [--cut-at N] [--throttle ROUTE]`: run the simulator
    on 127.0.0.1 until Ctrl-C, printing the two variables cc-toolkit needs."""
    import argparse
    import time

    ap = argparse.ArgumentParser(prog="python -m tests.canvas_sim")
    ap.add_argument("--drop", action="append", default=[], metavar="COLLECTION:ID")
    ap.add_argument("--cut-at", type=int)
    ap.add_argument("--throttle", action="append", default=[], metavar="ROUTE")
    ap.add_argument("--seconds", type=float, default=600.0, help="stop after this long (default 600)")
    a = ap.parse_args(argv)
    sim = CanvasSim(cut_at=a.cut_at, drop={(c, int(i)) for c, i in (d.split(":") for d in a.drop)})
    for route in a.throttle:
        sim.throttle(route)
    with sim:
        print(f"export CANVAS_BASE_URL={sim.base_url} CANVAS_API_TOKEN={sim.token}", flush=True)
        try:
            time.sleep(a.seconds)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
