"""A small client for Canvas's Content Exports API (httpx), usable from Python.

    from cc_toolkit.canvas import CanvasClient
    with CanvasClient("https://canvas.example.edu", token) as c:
        export = c.create_export("course", 42, "common_cartridge", [("select[pages][]", "5")])
        export = c.wait_for_export("course", 42, export, timeout=600)
        c.download_export("course", 42, export, "course.imscc")

What it does for you (facts from Canvas's API documentation and source):

- Auth is `Authorization: Bearer <token>`. The token is sent only to the origin of the base URL: the
  attachment URL redirects to file storage on another host, and redirects are followed by hand so
  that the header never goes there. The token never appears in a repr, a log line or an exception
  message (messages are scrubbed in case a server echoes it).
- Retries with exponential backoff and jitter: 5xx and transport errors (GET only: a POST is retried
  only when Canvas certainly did not process it), 429 and the throttling 403 whose body says
  "Rate Limit Exceeded" (with `X-Rate-Limit-Remaining`). `Retry-After` (seconds or an HTTP date) is
  honoured. Sleeps and the clock are injectable so that tests do not wait.
- Pagination through `Link: <…>; rel="next"` headers.
- Polling of the Progress API (`queued`, `running`, `completed`, `failed`; `completion` 0–100) with a
  growing interval and an overall timeout; ContentExport `workflow_state` is `created`,
  `waiting_for_external_tool`, `exporting`, `exported` or `failed`; `attachment` is present only once
  exported and until the export expires (30 days by default).
- Downloads stream into a temporary file beside the target, resume with `Range` after a cut, check
  the size against `Content-Length`, test the zip, then `os.replace` it into place. A failed or
  interrupted download never leaves a file (half or whole) under the final name.
"""
from __future__ import annotations

import email.utils
import os
import random
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote, urlencode, urljoin

import httpx

CONTEXTS = ("course", "group", "user")
EXPORT_TYPES = ("common_cartridge", "qti", "zip")
_PLURAL = {"course": "courses", "group": "groups", "user": "users"}

# module-level defaults, looked up when a client is made (tests swap them)
_sleep: Callable[[float], None] = time.sleep
_clock: Callable[[], float] = time.monotonic


class CanvasError(Exception):
    """An API call that did not give what was asked. `status` is the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status


class AuthError(CanvasError):
    """401: the token is missing, wrong, expired or revoked."""


class ForbiddenError(CanvasError):
    """403 that is not throttling: the token's user may not do this."""


class NotFoundError(CanvasError):
    """404: no such course, group, user or export (or not visible to this user)."""


class BadRequestError(CanvasError):
    """400: e.g. an export_type the context does not accept."""


class ExportFailedError(CanvasError):
    """The export ended in workflow_state 'failed'."""


class ExportExpiredError(CanvasError):
    """The export is done but its package is no longer available."""


class ExportTimeoutError(CanvasError):
    """The export did not finish within the timeout."""


class DownloadError(CanvasError):
    """The package could not be downloaded completely and intact."""


@dataclass
class Poll:
    """One observation while waiting: what the Progress API (or the export) said."""

    state: str
    completion: float | None
    export_state: str | None = None
    message: str | None = None


@dataclass
class Download:
    path: Path
    size: int
    requests: int  # GETs to storage, resumes included
    resumed_from: list[int] = field(default_factory=list)  # byte offsets of each Range resume


def context_path(context: str, context_id) -> str:
    if context not in _PLURAL:
        raise ValueError(f"context must be one of {', '.join(CONTEXTS)}, not {context!r}")
    return f"/api/v1/{_PLURAL[context]}/{quote(str(context_id), safe=':')}"


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    port = url.port or {"http": 80, "https": 443}.get(url.scheme)
    return (url.scheme, url.host, port)


def _is_throttled(resp: httpx.Response) -> bool:
    if resp.status_code == 429:
        return True
    if resp.status_code == 403:
        try:
            body = resp.text
        except Exception:  # noqa: BLE001 - a body we cannot decode is not the throttling text
            body = ""
        return "rate limit exceeded" in body.lower()
    return False


def retry_after(resp: httpx.Response, now: Callable[[], float] = time.time) -> float | None:
    """Seconds asked for by a Retry-After header (delta-seconds or an HTTP date), else None."""
    value = resp.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now())


def _api_message(resp: httpx.Response) -> str:
    """The human message of a Canvas error body: {"errors": [{"message": ...}]}, {"message": ...} or text."""
    try:
        data = resp.json()
    except Exception:  # noqa: BLE001 - not JSON: use the text
        text = " ".join(resp.text.split())
        return text[:200]
    if isinstance(data, dict):
        errs = data.get("errors")
        if isinstance(errs, list):
            msgs = [str(e.get("message")) for e in errs if isinstance(e, dict) and e.get("message")]
            if msgs:
                return "; ".join(msgs)
        if isinstance(errs, dict):
            return "; ".join(f"{k}: {v}" for k, v in errs.items())
        if data.get("message"):
            return str(data["message"])
    return " ".join(str(data).split())[:200]


class _Secret:
    """Holds the token; its repr and str never show it (debuggers, tracebacks with locals, vars())."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<hidden>"

    __str__ = __repr__


class CanvasClient:
    """Content Exports API client. Use as a context manager or call close()."""

    def __init__(self, base_url: str, token: str, *, timeout: float = 60.0, max_retries: int = 6,
                 backoff: float = 1.0, max_backoff: float = 60.0, max_retry_after: float = 600.0,
                 sleep: Callable[[float], None] | None = None, clock: Callable[[], float] | None = None,
                 rng: Callable[[], float] | None = None, transport: httpx.BaseTransport | None = None,
                 max_resumes: int = 5):
        if not token or not token.strip():
            raise CanvasError("no API token given")
        url = httpx.URL(base_url.rstrip("/") + "/")
        if url.scheme not in ("http", "https") or not url.host:
            raise CanvasError(f"base URL must be http(s)://host, not {base_url!r}")
        if url.scheme == "http" and url.host not in ("localhost", "::1") and not url.host.startswith("127."):
            raise CanvasError(f"refusing to send the API token over plain http to {url.host}; use https://")
        self.base_url = url
        self.__token = _Secret(token.strip())
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.sleep = sleep or _sleep
        self.clock = clock or _clock
        self.rng = rng or random.random
        self.max_resumes = max_resumes
        self.requests_made = 0
        self.slept: list[float] = []
        self._http = httpx.Client(timeout=timeout, follow_redirects=False, transport=transport,
                                  headers={"User-Agent": "cc-toolkit (Content Exports client)",
                                           "Accept": "application/json"})

    def __repr__(self) -> str:
        return f"CanvasClient(base_url={str(self.base_url)!r}, token=<hidden>)"

    def __enter__(self) -> "CanvasClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- plumbing -------------------------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        token = self.__token.reveal()
        return text.replace(token, "<token>") if token else text

    def _error(self, cls, message: str, status: int | None = None) -> CanvasError:
        return cls(self._scrub(message), status)

    def _url(self, path_or_url: str) -> httpx.URL:
        return httpx.URL(urljoin(str(self.base_url), path_or_url))

    def _headers(self, url: httpx.URL, extra: dict | None = None) -> dict:
        h = dict(extra or {})
        if _origin(url) == _origin(self.base_url):  # never send the token to another host
            h["Authorization"] = f"Bearer {self.__token.reveal()}"
        return h

    def _pause(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.sleep(seconds)

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: half fixed, half random."""
        d = min(self.max_backoff, self.backoff * (2 ** attempt))
        return d / 2 + self.rng() * d / 2

    def _send(self, method: str, url: httpx.URL, *, content: bytes | None = None, headers: dict | None = None,
              stream: bool = False) -> httpx.Response:
        """One request with retries. Returns the final response (any status); raises on transport failure."""
        idempotent = method in ("GET", "HEAD")
        attempt = 0
        while True:
            req = self._http.build_request(method, url, content=content, headers=self._headers(url, headers))
            self.requests_made += 1
            try:
                resp = self._http.send(req, stream=stream)
            except httpx.TransportError as exc:
                # a POST is retried only when it certainly never reached the server
                retryable = idempotent or isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
                if not retryable or attempt >= self.max_retries:
                    raise self._error(CanvasError, f"{method} {url.copy_with(query=None)}: "
                                                   f"{type(exc).__name__}: {exc}") from None
                self._pause(self._backoff(attempt))
                attempt += 1
                continue
            if stream and resp.status_code == 403:
                resp.read()  # the throttling 403 is told apart by its body
            throttled = _is_throttled(resp)
            server = resp.status_code >= 500
            retryable = throttled or (server and (idempotent or resp.status_code in (502, 503, 504)))
            if not retryable or attempt >= self.max_retries:
                return resp
            wait = retry_after(resp)
            wait = self._backoff(attempt) if wait is None else min(wait, self.max_retry_after)
            resp.close()
            self._pause(wait)
            attempt += 1

    def _check(self, resp: httpx.Response, what: str) -> httpx.Response:
        if resp.status_code < 400:
            return resp
        if not resp.is_stream_consumed:
            resp.read()
        msg = _api_message(resp)
        code = resp.status_code
        detail = f" ({msg})" if msg else ""
        if code == 401:
            raise self._error(AuthError, f"{what}: the API token was refused (HTTP 401{detail}); "
                                         "check CANVAS_API_TOKEN or --token-file", code)
        if code == 403:
            if _is_throttled(resp):
                raise self._error(CanvasError, f"{what}: still throttled by Canvas after {self.max_retries} "
                                               f"retries (HTTP 403 Rate Limit Exceeded); try again later", code)
            raise self._error(ForbiddenError, f"{what}: not allowed for this token's user (HTTP 403{detail})", code)
        if code == 404:
            raise self._error(NotFoundError, f"{what}: not found (HTTP 404{detail})", code)
        if code == 400:
            raise self._error(BadRequestError, f"{what}: Canvas refused the request (HTTP 400{detail})", code)
        if code == 429:
            raise self._error(CanvasError, f"{what}: still throttled after {self.max_retries} retries "
                                           "(HTTP 429); try again later", code)
        raise self._error(CanvasError, f"{what}: HTTP {code}{detail}", code)

    def get_json(self, path_or_url: str, what: str):
        resp = self._check(self._send("GET", self._url(path_or_url)), what)
        try:
            return resp.json()
        except ValueError:
            raise self._error(CanvasError, f"{what}: the answer is not JSON (HTTP {resp.status_code})") from None

    def paginate(self, path_or_url: str, what: str, per_page: int = 100, max_pages: int = 1000) -> Iterator:
        """Every item of a paginated list, following `Link: <…>; rel="next"`."""
        url = self._url(path_or_url)
        if "per_page" not in url.params:
            url = url.copy_merge_params({"per_page": per_page})
        seen: set[str] = set()
        for _ in range(max_pages):
            resp = self._check(self._send("GET", url), what)
            try:
                data = resp.json()
            except ValueError:
                raise self._error(CanvasError, f"{what}: the answer is not JSON") from None
            if not isinstance(data, list):
                raise self._error(CanvasError, f"{what}: expected a JSON list")
            yield from data
            nxt = resp.links.get("next", {}).get("url")
            if not nxt:
                return
            url = self._url(nxt)
            if str(url) in seen:  # a server that loops
                return
            seen.add(str(url))

    # -- the Content Exports API ----------------------------------------------------------------------

    def create_export(self, context: str, context_id, export_type: str, select: list[tuple[str, str]] = (),
                      skip_notifications: bool = False, version: str | None = None) -> dict:
        """POST …/content_exports. `select` is a list of form pairs such as ("select[pages][]", "5")."""
        pairs = [("export_type", export_type)]
        if skip_notifications:
            pairs.append(("skip_notifications", "true"))
        if version:
            pairs.append(("version", str(version)))
        pairs.extend(select)
        url = self._url(context_path(context, context_id) + "/content_exports")
        resp = self._send("POST", url, content=urlencode(pairs).encode(),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
        what = f"creating a {export_type} export of {context} {context_id}"
        self._check(resp, what)
        try:
            data = resp.json()
        except ValueError:
            raise self._error(CanvasError, f"{what}: the answer is not JSON") from None
        if not isinstance(data, dict) or "id" not in data:
            raise self._error(CanvasError, f"{what}: the answer is not a ContentExport")
        return data

    def list_exports(self, context: str, context_id) -> list[dict]:
        return list(self.paginate(context_path(context, context_id) + "/content_exports",
                                  f"listing the exports of {context} {context_id}"))

    def get_export(self, context: str, context_id, export_id) -> dict:
        return self.get_json(f"{context_path(context, context_id)}/content_exports/{quote(str(export_id))}",
                             f"export {export_id} of {context} {context_id}")

    def get_progress(self, url: str) -> dict:
        return self.get_json(url, "reading the export's progress")

    def files_listing(self, context: str, context_id) -> dict:
        """{"files": [...], "folders": [...]} as GET …/files and …/folders return them (for zip audits)."""
        base = context_path(context, context_id)
        return {"folders": list(self.paginate(base + "/folders", f"listing the folders of {context} {context_id}")),
                "files": list(self.paginate(base + "/files", f"listing the files of {context} {context_id}"))}

    def wait_for_export(self, context: str, context_id, export: dict, timeout: float = 1800.0,
                        interval: float = 1.0, max_interval: float = 15.0, factor: float = 1.5,
                        on_poll: Callable[[Poll], None] | None = None) -> dict:
        """Poll until the export is exported (returns the final ContentExport) or fails (raises).

        Polls the Progress API when the export has a progress_url, else the export itself; the
        interval grows by `factor` up to `max_interval`; the last sleep is cut to the deadline."""
        eid = export.get("id")
        deadline = self.clock() + timeout
        progress_url = export.get("progress_url")
        last: Poll | None = None
        while True:
            if progress_url:
                p = self.get_progress(progress_url)
                state = str(p.get("workflow_state") or "")
                last = Poll(state, _num(p.get("completion")), None, p.get("message"))
                if on_poll:
                    on_poll(last)
                if state == "failed":
                    raise self._error(ExportFailedError, f"export {eid} failed"
                                      + (f": {last.message}" if last.message else ""))
                if state == "completed":
                    export = self.get_export(context, context_id, eid)
                    if export.get("workflow_state") in ("exported", "failed"):
                        return self._finished(export, context, context_id)
                    progress_url = None  # e.g. waiting_for_external_tool (New Quizzes): follow the export itself
            else:
                export = self.get_export(context, context_id, eid)
                state = str(export.get("workflow_state") or "")
                last = Poll(state, None, state)
                if on_poll:
                    on_poll(last)
                if state in ("exported", "failed"):
                    return self._finished(export, context, context_id)
            remaining = deadline - self.clock()
            if remaining <= 0:
                where = f"still {last.state}" + (f" at {last.completion:g}%" if last.completion is not None else "")
                raise self._error(ExportTimeoutError, f"timed out after {timeout:g} s waiting for export {eid} "
                                                      f"({where}); it may still finish: "
                                                      f"`cc-toolkit exports show {context} {context_id} {eid}`")
            self._pause(min(interval, remaining))
            interval = min(max_interval, interval * factor)

    def _finished(self, export: dict, context: str, context_id) -> dict:
        eid = export.get("id")
        state = export.get("workflow_state")
        if state == "failed":
            raise self._error(ExportFailedError, f"export {eid} of {context} {context_id} failed (workflow_state 'failed')")
        if state != "exported":
            raise self._error(CanvasError, f"export {eid}: progress completed but the export is {state!r}")
        if not (export.get("attachment") or {}).get("url"):
            raise self._error(ExportExpiredError, f"export {eid} has no package any more: it has expired "
                                                  "(Canvas keeps export packages for 30 days); request a new export")
        return export

    def download_export(self, context: str, context_id, export: dict, dest, on_bytes=None,
                        timeout: float | None = None) -> Download:
        """Download an exported package to `dest` (a file path). Asks Canvas for a fresh attachment URL
        once if storage says the link has expired. `timeout`: seconds for the whole download."""
        export = self._finished(export, context, context_id)
        deadline = None if timeout is None else self.clock() + timeout
        try:
            return self.download(export["attachment"]["url"], dest, on_bytes=on_bytes, deadline=deadline)
        except DownloadError as exc:
            if exc.status not in (403, 410):
                raise
        export = self._finished(self.get_export(context, context_id, export.get("id")), context, context_id)
        try:
            return self.download(export["attachment"]["url"], dest, on_bytes=on_bytes, deadline=deadline)
        except DownloadError as exc:
            if exc.status in (403, 410):
                raise self._error(ExportExpiredError, f"export {export.get('id')}: file storage refuses the "
                                                      f"package (HTTP {exc.status}): the download link has "
                                                      "expired; request a new export", exc.status) from None
            raise

    # -- downloads ------------------------------------------------------------------------------------

    def _resolve(self, url: httpx.URL, headers: dict, max_redirects: int = 10) -> httpx.Response:
        """GET with redirects followed by hand (the token goes to the API origin only). Streaming."""
        for _ in range(max_redirects + 1):
            resp = self._send("GET", url, headers=headers, stream=True)
            if resp.status_code in (301, 302, 303, 307, 308) and resp.headers.get("Location"):
                resp.close()
                url = httpx.URL(urljoin(str(url), resp.headers["Location"]))
                if url.scheme not in ("http", "https"):
                    raise self._error(DownloadError, "redirected to a non-HTTP location")
                continue
            return resp
        raise self._error(DownloadError, f"more than {max_redirects} redirects")

    def download(self, url: str, dest, on_bytes: Callable[[int, int | None], None] | None = None,
                 deadline: float | None = None) -> Download:
        """Stream `url` into `dest` safely (see the module docstring); give up at `deadline` (self.clock() time):
        the HTTP timeout bounds each silence, this bounds a download that trickles."""
        dest = Path(dest)
        folder = dest.parent if str(dest.parent) else Path(".")
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=folder)
        tmp = Path(tmp_name)
        done = False
        try:
            with os.fdopen(fd, "wb") as out:
                result = self._stream_into(self._url(url), out, on_bytes, deadline)
                out.flush()
                os.fsync(out.fileno())
            size = tmp.stat().st_size
            if size != result.size:
                raise self._error(DownloadError, f"downloaded {size} bytes, expected {result.size}")
            _check_zip(tmp)
            mask = os.umask(0)  # mkstemp made it 0600: give it the mode a new file would have
            os.umask(mask)
            os.chmod(tmp, 0o666 & ~mask)
            os.replace(tmp, dest)
            done = True
            result.path = dest
            return result
        finally:
            if not done:
                try:
                    tmp.unlink()
                except FileNotFoundError:
                    pass

    def _stream_into(self, url: httpx.URL, out, on_bytes, deadline: float | None = None) -> Download:
        def in_time() -> None:
            if deadline is not None and self.clock() > deadline:
                raise self._error(DownloadError, f"download did not finish in time (--download-timeout): got {got} of "
                                  + (f"{total} bytes" if total is not None else "an unknown number of bytes"))

        got = 0
        total: int | None = None
        requests = 0
        resumed: list[int] = []
        final_url: httpx.URL | None = None
        cuts = 0
        while True:
            headers = {"Accept": "*/*", "Accept-Encoding": "identity"}
            if got:
                headers["Range"] = f"bytes={got}-"
                resumed.append(got)
            requests += 1
            resp = self._resolve(final_url or url, headers)
            try:
                if resp.status_code >= 400:
                    resp.read()
                    raise self._error(DownloadError, f"downloading the package: HTTP {resp.status_code}"
                                      + (f" ({_api_message(resp)})" if resp.text.strip() else ""), resp.status_code)
                final_url = resp.url
                if got and resp.status_code == 206:
                    start, end, whole = _content_range(resp.headers.get("Content-Range", ""))
                    if start != got or (total is not None and whole not in (None, total)):
                        raise self._error(DownloadError, f"storage answered the resume at byte {got} with "
                                                         f"Content-Range {resp.headers.get('Content-Range')!r}")
                elif resp.status_code == 200:
                    if got:  # Range ignored: start again
                        out.seek(0)
                        out.truncate()
                        got = 0
                    length = resp.headers.get("Content-Length")
                    if length is None or not length.isdigit():
                        raise self._error(DownloadError, "storage sent no Content-Length; cannot check the size")
                    total = int(length)
                else:
                    raise self._error(DownloadError, f"downloading the package: unexpected HTTP {resp.status_code}",
                                      resp.status_code)
                try:
                    for chunk in resp.iter_raw():  # unbuffered: a cut keeps every byte received
                        out.write(chunk)
                        got += len(chunk)
                        if total is not None and got > total:
                            raise self._error(DownloadError, f"storage sent more than the {total} bytes announced")
                        if on_bytes:
                            on_bytes(got, total)
                        in_time()
                except httpx.TransportError:
                    pass  # cut mid-way: resume below
            finally:
                resp.close()
            if total is not None and got == total:
                return Download(Path(), got, requests, resumed)
            in_time()
            cuts += 1
            if cuts > self.max_resumes:
                raise self._error(DownloadError, f"download cut {cuts} times; got {got} of {total} bytes")
            self._pause(self._backoff(cuts - 1))


def _content_range(value: str) -> tuple[int | None, int | None, int | None]:
    """'bytes 10-99/100' -> (10, 99, 100); '*' total -> None."""
    try:
        unit, rng = value.strip().split(" ", 1)
        span, whole = rng.split("/", 1)
        a, b = span.split("-", 1)
        return int(a), int(b), (None if whole.strip() == "*" else int(whole))
    except ValueError:
        return None, None, None


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            bad = z.testzip()
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        raise DownloadError(f"the downloaded package is corrupt or not a zip ({exc})") from None
    if bad is not None:
        raise DownloadError(f"the downloaded package is corrupt: entry {bad!r} fails its CRC check")


def _num(v) -> float | None:
    try:
        return float(v)
    except (TypeError, ValueError):
        return None
