"""A loopback fake of the Exa API (`/search`, `/contents`, `/answer`) for tests and benchmarks.

A real `http.server.ThreadingHTTPServer` on 127.0.0.1 (a free port) that answers with bodies valid
against Exa's OpenAPI spec v1.2.0 as the committed mirror records it (`kb.verify.exa_openapi`
rebuilds the document from docs/exa/; `tests/exa_fake/` proves it with openapi-core), derived
deterministically from the request, so two identical requests get identical bodies. It checks the
`x-api-key` header, enforces a server-side rate limit (a token bucket answering 429), adds latency,
logs every request, and plays scripted faults, so a client can be tested against everything the
real API does when it misbehaves, without the network.

Use it as a context manager (or through the `fake_exa` fixture in `tests/fakes/fixtures.py`):

    from kb.verify.exa_fake import FakeExa, Fault

    with FakeExa(latency=0.05, qps=10) as exa:
        client = Exa(api_key=exa.api_key, base_url=exa.base_url)
        exa.script(Fault.status(429, retry_after=1), request=1)   # the first request is throttled
        exa.script(Fault.drop(), query="kubernetes", times=2)    # two drops for this query
        client.search("kubernetes", num_results=3)
        assert exa.log.count == 2 and exa.log.statuses[429] == 1

Faults (class `Fault`, scripted with `FakeExa.script`): `status(code, retry_after=)` for 429 and
any 4xx/5xx with a JSON error body `{requestId, error, tag}`; `echo_key(code)` whose error message
contains the caller's API key (to prove clients redact it); `slow(seconds)` answering late (beyond
a client timeout) and `hang()` answering only when the server stops; `drop()` closing the
connection without an answer; `malformed_json()` (200, truncated JSON); `html(code)` (a proxy's
HTML error page); `url_errors(tag, http_status)` making `/contents` answer 200 with every URL
failed in `statuses[]`. Per-URL failures can also be set for good with `FakeExa.url_errors`, and
`FakeExa.no_content_urls` makes `/search` return those URLs without contents (as Exa does for
pages it has not crawled yet), so a client has to fetch them from `/contents`.

`FakeExa.log` records every request on arrival (`count`, `by_path`, `statuses`, `throttled` for
the 429s the rate limit provoked, `queries()`, `entries` with arrival times); its status is filled
in before the answer is sent. `FakeExa.env()` gives `EXA_BASE_URL` and `EXA_API_KEY` for it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import http.server
import json
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[3]

DEFAULT_KEY = "fake-exa-key-0123456789"
DEFAULT_DOMAINS = ("docs.example.com", "blog.example.org", "guide.example.net")
#: Prices the fake charges, in USD, shaped like Exa's 2026-03 price list (api-notes.md §3).
PRICES = {
    "search": 0.007,  # per request, 1-10 results with text or highlights
    "extra_result": 0.001,  # per result beyond 10
    "content_page": 0.001,  # /contents, per page and content type
    "summary_page": 0.001,  # per page summarised
    "answer": 0.005,  # per /answer request
}
CONTENTS_TAGS = (
    "CRAWL_NOT_FOUND",
    "CRAWL_TIMEOUT",
    "CRAWL_LIVECRAWL_TIMEOUT",
    "SOURCE_NOT_AVAILABLE",
    "UNSUPPORTED_URL",
    "CRAWL_UNKNOWN_ERROR",
)
_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
# Tags Exa's error pages list (third-party list in api-notes.md §2); the fake's own for the rest.
_TAGS = {
    400: "INVALID_REQUEST_BODY",
    401: "INVALID_API_KEY",
    402: "NO_MORE_CREDITS",
    403: "ACCESS_DENIED",
    429: "RATE_LIMIT_EXCEEDED",
    503: "SERVICE_OVERLOADED",
}


@dataclasses.dataclass(frozen=True)
class Fault:
    """One scripted misbehaviour; build it with the class methods, play it with `FakeExa.script`."""

    kind: str
    code: int = 200
    retry_after: str | None = None
    seconds: float = 0.0
    tag: str = "CRAWL_NOT_FOUND"
    http_status: int | None = 404

    @classmethod
    def status(cls, code: int, retry_after: float | str | None = None) -> Fault:
        """Answer `code` with Exa's JSON error body; `retry_after` sets the Retry-After header."""
        value = None if retry_after is None else str(retry_after)
        return cls("status", code=code, retry_after=value)

    @classmethod
    def echo_key(cls, code: int = 401) -> Fault:
        """Answer `code` with an error message that repeats the caller's API key verbatim."""
        return cls("echo_key", code=code)

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Answer normally after `seconds` (on top of the latency); cut short if the server stops."""
        return cls("slow", seconds=seconds)

    @classmethod
    def hang(cls) -> Fault:
        """Never answer until the server stops (for interrupt tests); then drop the connection."""
        return cls("hang", seconds=3600.0)

    @classmethod
    def drop(cls) -> Fault:
        """Read the request, then close the connection without sending a byte."""
        return cls("drop")

    @classmethod
    def malformed_json(cls) -> Fault:
        """Answer 200 `application/json` with a truncated JSON body."""
        return cls("malformed_json")

    @classmethod
    def html(cls, code: int = 502) -> Fault:
        """Answer `code` with an HTML error page, as a proxy or CDN in front of the API would."""
        return cls("html", code=code)

    @classmethod
    def url_errors(cls, tag: str = "CRAWL_NOT_FOUND", http_status: int | None = 404) -> Fault:
        """On `/contents`, answer 200 with every requested URL failed in `statuses[]`."""
        if tag not in CONTENTS_TAGS:
            raise ValueError(f"tag must be one of {CONTENTS_TAGS}")
        return cls("url_errors", tag=tag, http_status=http_status)


@dataclasses.dataclass
class _Rule:
    fault: Fault
    request: int | None
    query: str | None
    path: str | None
    times: int | None

    def matches(self, number: int, path: str, query: str | None, urls: list[str]) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if self.path is not None and self.path != path:
            return False
        if self.request is not None and self.request != number:
            return False
        return self.query is None or self.query == query or self.query in urls


@dataclasses.dataclass
class LoggedRequest:
    """One request as the fake saw it, logged on arrival; `status` and `fault` are filled in just
    before the answer goes out. `body` is the parsed JSON (None if it was not JSON)."""

    number: int
    path: str
    body: Any
    started: float  # time.monotonic() when the request arrived
    authorised: bool
    status: int | None = None  # None until answered, and for answers without one (drop, hang)
    fault: str | None = None  # the fault kind played, "rate_limit", "auth"; None if normal

    @property
    def query(self) -> str | None:
        return self.body.get("query") if isinstance(self.body, dict) else None


class RequestLog:
    """Thread-safe record of every request: counts per path and status, 429s, full entries."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[LoggedRequest] = []
        self._next = 0

    def _number(self) -> int:
        with self._lock:
            self._next += 1
            return self._next

    def _add(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._entries.append(entry)

    @property
    def entries(self) -> list[LoggedRequest]:
        """Every request received, in arrival order (answered or still waiting)."""
        with self._lock:
            return sorted(self._entries, key=lambda e: e.number)

    @property
    def count(self) -> int:
        """Requests received (including rejected and faulted ones)."""
        with self._lock:
            return self._next

    @property
    def by_path(self) -> Counter[str]:
        return Counter(e.path for e in self.entries)

    @property
    def statuses(self) -> Counter[int | None]:
        return Counter(e.status for e in self.entries)

    @property
    def throttled(self) -> int:
        """429s the server-side rate limit provoked (scripted 429 faults are not counted)."""
        return sum(1 for e in self.entries if e.fault == "rate_limit")

    def queries(self, path: str = "/search") -> list[str | None]:
        return [e.query for e in self.entries if e.path == path]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._next = 0


class TokenBucket:
    """`rate` tokens a second, holding at most `burst`; `take()` is False when the bucket is empty."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self._tokens = burst
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens >= 1:
                self._tokens -= 1
                return True
            return False


def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "page"


class FakeExa:
    """The fake server. Start it with `with FakeExa(...) as exa:` (or `start()`/`stop()`).

    Arguments: `api_key` the key it accepts (`x-api-key` or `Authorization: Bearer`); `latency`
    seconds added to every answer; `qps` the server-side limit (None: unlimited) with `burst`
    tokens (default: one second's worth); `revision` an integer mixed into generated text, so
    bumping it changes every page's content as a re-crawl would; `validate_requests` checks
    request bodies with openapi-core against the spec rebuilt from the committed mirror
    (`kb.verify.exa_openapi`) and answers 400 on a mismatch.
    """

    def __init__(
        self,
        *,
        api_key: str = DEFAULT_KEY,
        latency: float = 0.0,
        qps: float | None = None,
        burst: float | None = None,
        revision: int = 1,
        validate_requests: bool = False,
    ) -> None:
        self.api_key = api_key
        self.latency = latency
        self.revision = revision
        self.bucket = TokenBucket(qps, burst or max(1.0, qps)) if qps else None
        self.log = RequestLog()
        #: URL -> (tag, httpStatusCode): `/contents` reports these URLs failed in `statuses[]`.
        self.url_errors: dict[str, tuple[str, int | None]] = {}
        #: URLs `/search` returns without contents, as Exa does for pages it has not crawled yet;
        #: `/contents` then serves them (or fails them, if they are also in `url_errors`).
        self.no_content_urls: set[str] = set()
        self._pinned: dict[str, list[dict[str, Any]]] = {}
        self._rules: list[_Rule] = []
        self._rules_lock = threading.Lock()
        self._stopping = threading.Event()
        self._validator = _request_validator() if validate_requests else None
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> FakeExa:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases slow and hanging answers
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeExa:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>`, without a trailing slash (exa-py appends the path)."""
        if self._server is None:
            raise RuntimeError("FakeExa is not running; use it as a context manager")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def env(self) -> dict[str, str]:
        """`EXA_BASE_URL` and `EXA_API_KEY` pointing a client at this fake."""
        return {"EXA_BASE_URL": self.base_url, "EXA_API_KEY": self.api_key}

    # -- scripting -------------------------------------------------------------------------------

    def script(
        self,
        fault: Fault,
        *,
        request: int | None = None,
        query: str | None = None,
        path: str | None = None,
        times: int | None = 1,
    ) -> None:
        """Play `fault` on matching requests, the first matching rule winning.

        `request` matches the N-th request the server receives (1-based, all paths); `query`
        matches a body's `query` or any of a `/contents` request's `urls`; `path` restricts to one
        endpoint. `times` is how often the rule fires (None: forever). With no matcher at all the
        rule applies to the next requests.
        """
        with self._rules_lock:
            self._rules.append(_Rule(fault, request, query, path, times))

    def clear_faults(self) -> None:
        with self._rules_lock:
            self._rules.clear()

    def pin_results(self, query: str, results: list[dict[str, Any]]) -> None:
        """Make `/search` for `query` return these results (dicts with `url`, optional `title`,
        `publishedDate`, `author`), contents still generated; for duplicate or odd URLs."""
        self._pinned[query] = [dict(r) for r in results]

    def _take_fault(self, number: int, path: str, body: Any) -> Fault | None:
        query = body.get("query") if isinstance(body, dict) else None
        urls = body.get("urls") if isinstance(body, dict) else None
        urls = [u for u in urls if isinstance(u, str)] if isinstance(urls, list) else []
        with self._rules_lock:
            for rule in self._rules:
                if rule.matches(number, path, query, urls):
                    if rule.times is not None:
                        rule.times -= 1
                    return rule.fault
        return None

    def _wait(self, seconds: float) -> bool:
        """Sleep `seconds` unless the server stops first; True when it stopped."""
        return self._stopping.wait(seconds) if seconds > 0 else self._stopping.is_set()

    # -- bodies ----------------------------------------------------------------------------------

    def result(self, query: str, index: int, url: str, contents: dict[str, Any]) -> dict[str, Any]:
        """The deterministic `ResultWithContent` for `url`, found by `query` at `index`."""
        pinned = next((r for r in self._pinned.get(query, []) if r["url"] == url), {})
        host = urlsplit(url).hostname or "example.com"
        seed = _digest(url, self.revision)
        title = pinned.get("title") or f"{query.strip().title()} ({host}, part {index + 1})"
        sentences = [
            f"{title} explains {query.strip()} for platform engineers.",
            f"Section {int(seed[:2], 16) % 9 + 1} covers configuration, limits and failure modes.",
            f"Revision {self.revision} of this page was crawled from {host}.",
            f"Checksum marker {seed[:12]} keeps generated pages distinct.",
        ]
        month, day = int(seed[2:4], 16) % 12 + 1, int(seed[4:6], 16) % 28 + 1
        result: dict[str, Any] = {
            "id": url,
            "url": url,
            "title": title,
            "publishedDate": pinned.get(
                "publishedDate", f"2026-{month:02d}-{day:02d}T00:00:00.000Z"
            ),
            "author": pinned.get("author", f"Author {seed[6:10]}"),
            "favicon": f"https://{host}/favicon.ico",
        }
        text_opt, hl_opt, summary_opt = (
            contents.get("text"),
            contents.get("highlights"),
            contents.get("summary"),
        )
        if text_opt:
            text = " ".join(sentences)
            limit = text_opt.get("maxCharacters") if isinstance(text_opt, dict) else None
            result["text"] = text[:limit] if isinstance(limit, int) and limit > 0 else text
        if hl_opt:
            result["highlights"] = sentences[:2]
            result["highlightScores"] = [round(0.5 + int(seed[i], 16) / 40, 4) for i in (0, 1)]
        if summary_opt:
            result["summary"] = (
                f"The page explains {query.strip()} and lists the settings, limits and failure "
                f"modes an operator needs (revision {self.revision})."
            )
        return result

    def search_urls(self, query: str, num_results: int, domains: list[str]) -> list[str]:
        """The URLs `/search` returns for `query`: pinned ones, else derived from the query."""
        if query in self._pinned:
            return [r["url"] for r in self._pinned[query]][:num_results]
        hosts = [d for d in domains if d] or list(DEFAULT_DOMAINS)
        slug = _slug(query)
        return [f"https://{hosts[i % len(hosts)]}/{slug}/{i + 1}" for i in range(num_results)]

    @staticmethod
    def cost(kind: str, pages: int, contents: dict[str, Any]) -> dict[str, Any]:
        """A spec-shaped `costDollars` for a request of `kind` returning `pages` pages."""
        summary = PRICES["summary_page"] * pages if contents.get("summary") else 0.0
        if kind == "search":
            search = PRICES["search"] + PRICES["extra_result"] * max(0, pages - 10)
            content = 0.0
            breakdown = {"neuralSearch": search, "contentSummary": summary}
        elif kind == "contents":
            types = sum(1 for key in ("text", "highlights") if contents.get(key)) or 1
            search, content = 0.0, PRICES["content_page"] * pages * types
            breakdown = {"contentText": content, "contentSummary": summary}
        else:
            search, content = PRICES["answer"], 0.0
            breakdown = {"neuralSearch": search}
        total = round(search + content + summary, 6)
        return {
            "total": total,
            "breakDown": [
                {
                    "search": round(search, 6),
                    "contents": round(content + summary, 6),
                    "breakdown": {k: round(v, 6) for k, v in breakdown.items()},
                }
            ],
            "perRequestPrices": {"neuralSearch_1_25_results": PRICES["search"]},
            "perPagePrices": {
                "contentText": PRICES["content_page"],
                "contentHighlight": PRICES["content_page"],
                "contentSummary": PRICES["summary_page"],
            },
        }

    def answer_search(self, body: dict[str, Any], fault: Fault | None) -> dict[str, Any]:
        query = body["query"]
        num = body.get("numResults", 10)
        num = max(1, min(int(num), 100)) if isinstance(num, int) else 10
        contents = body.get("contents") if isinstance(body.get("contents"), dict) else {}
        urls = self.search_urls(query, num, body.get("includeDomains") or [])
        results = [
            self.result(query, i, url, {} if url in self.no_content_urls else contents)
            for i, url in enumerate(urls)
        ]
        return {
            "requestId": _digest("/search", body, self.revision)[:32],
            "results": results,
            "searchType": "neural",
            "costDollars": self.cost("search", len(results), contents),
        }

    def answer_contents(self, body: dict[str, Any], fault: Fault | None) -> dict[str, Any]:
        urls = [u for u in body["urls"] if isinstance(u, str)]
        contents = {k: body[k] for k in ("text", "highlights", "summary") if body.get(k)}
        contents = contents or {"text": True}
        results, statuses = [], []
        for i, url in enumerate(urls):
            failure = self.url_errors.get(url)
            if fault is not None and fault.kind == "url_errors":
                failure = (fault.tag, fault.http_status)
            if failure:
                # The 3.1 spec ignores its `nullable: true`, so an unknown code is left out.
                error = {"tag": failure[0]}
                if failure[1] is not None:
                    error["httpStatusCode"] = failure[1]
                statuses.append({"id": url, "status": "error", "error": error})
            else:
                statuses.append({"id": url, "status": "success"})
                results.append(self.result(_slug(urlsplit(url).path) or url, i, url, contents))
        return {
            "requestId": _digest("/contents", body, self.revision)[:32],
            "results": results,
            "statuses": statuses,
            "costDollars": self.cost("contents", len(results), contents),
        }

    def answer_answer(self, body: dict[str, Any], fault: Fault | None) -> dict[str, Any]:
        query = body["query"]
        with_text = bool(body.get("text"))
        citations = []
        for i, url in enumerate(self.search_urls(query, 3, [])):
            page = self.result(query, i, url, {"text": True})
            citation = {k: page[k] for k in ("id", "url", "title", "author", "publishedDate")}
            if with_text:
                citation["text"] = page["text"]
            citations.append(citation)
        return {
            "answer": f"Fake answer to {query.strip()!r}, drawn from {len(citations)} sources.",
            "citations": citations,
            "costDollars": self.cost("answer", len(citations), {}),
        }


def _error_body(status: int, message: str, body: Any) -> dict[str, Any]:
    return {
        "requestId": _digest("error", status, body)[:32],
        "error": message,
        "tag": _TAGS.get(status, "INTERNAL_ERROR" if status >= 500 else "INVALID_REQUEST"),
    }


def _request_validator():
    """A function `(path, body) -> error message or None` checking bodies against the spec
    rebuilt from the mirror under docs/exa/."""
    from openapi_core.testing import MockRequest

    from kb.verify.exa_openapi import exa_openapi

    spec = exa_openapi()

    def check(path: str, body: Any) -> str | None:
        request = MockRequest(
            "https://api.exa.ai",
            "post",
            path,
            data=json.dumps(body),
            headers={"x-api-key": "x"},
            content_type="application/json",
        )
        try:
            spec.validate_request(request)
        except Exception as exc:  # openapi-core raises a family of errors; report the first line
            cause = exc.__cause__ or exc
            return f"request does not match the spec: {str(cause).splitlines()[0]}"
        return None

    return check


class _Handler(http.server.BaseHTTPRequestHandler):
    fake: FakeExa
    server_version = "FakeExa/1.0"
    sys_version = ""

    def log_message(self, format, *args):
        pass

    def do_GET(self) -> None:
        self._send_json(404, {"error": "not found", "tag": "NOT_FOUND", "requestId": "0"})

    def do_POST(self) -> None:
        fake = self.fake
        started = time.monotonic()
        number = fake.log._number()
        path = urlsplit(self.path).path
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        key = self.headers.get("x-api-key")
        bearer = self.headers.get("Authorization", "")
        authorised = fake.api_key in (key, bearer.removeprefix("Bearer ").strip() or None)
        # Logged on arrival; the status is filled in before the answer goes out, so a client
        # that has its answer always finds it complete in the log.
        self._entry = LoggedRequest(number, path, body, started, authorised)
        fake.log._add(self._entry)
        self._fault_name: str | None = None
        self._answer(number, path, body, authorised)

    def _record(self, status: int | None) -> None:
        self._entry.fault = self._fault_name
        self._entry.status = status

    def _answer(self, number: int, path: str, body: Any, authorised: bool) -> None:
        fake = self.fake
        if path not in ("/search", "/contents", "/answer"):
            self._fault_name = "route"
            self._send_error_json(404, f"no route for POST {path}", body)
            return
        if not authorised:
            # The key is never echoed here: only the scripted echo_key fault does that.
            self._fault_name = "auth"
            self._send_error_json(401, "Missing or invalid API key", body)
            return
        if fake.bucket is not None and not fake.bucket.take():
            self._fault_name = "rate_limit"
            self._send_error_json(429, "Rate limit exceeded", body)
            return
        fault = fake._take_fault(number, path, body)
        self._fault_name = fault.kind if fault else None
        if fake._wait(fake.latency):
            self._drop()
            return
        if fault is not None and self._play(fault, body):
            return
        problem = self._invalid(path, body)
        if problem:
            self._fault_name = "invalid"
            self._send_error_json(400, problem, body)
            return
        handler = {
            "/search": fake.answer_search,
            "/contents": fake.answer_contents,
            "/answer": fake.answer_answer,
        }[path]
        payload = handler(body, fault)
        if path == "/answer" and body.get("stream"):
            self._send_stream(payload)
        else:
            self._send_json(200, payload)

    def _invalid(self, path: str, body: Any) -> str | None:
        if not isinstance(body, dict):
            return "Request body must be a JSON object"
        if path in ("/search", "/answer"):
            query = body.get("query")
            if not isinstance(query, str) or not query.strip():
                return "query is required and must be a non-empty string"
        if path == "/contents" and not (
            isinstance(body.get("urls"), list)
            and body["urls"]
            and all(isinstance(u, str) for u in body["urls"])
        ):
            return "urls is required and must be a non-empty array of strings"
        if self.fake._validator is not None:
            return self.fake._validator(path, body)
        return None

    def _play(self, fault: Fault, body: Any) -> bool:
        """Send the fault's answer and return True; return False having sent nothing for the
        faults that only delay or alter a normal answer (slow, url_errors)."""
        if fault.kind == "status":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            reason = _REASONS.get(fault.code, "Error")
            self._send_error_json(fault.code, reason, body, headers)
            return True
        if fault.kind == "echo_key":
            self._send_error_json(fault.code, f"Invalid API key: {self.fake.api_key}", body)
            return True
        if fault.kind in ("slow", "hang"):
            if self.fake._wait(fault.seconds) or fault.kind == "hang":
                self._drop()
                return True
            return False
        if fault.kind == "drop":
            self._drop()
            return True
        if fault.kind == "malformed_json":
            payload = b'{"requestId": "truncated", "results": [{"url": "https://'
            self._send_bytes(200, payload, "application/json")
            return True
        if fault.kind == "html":
            reason = _REASONS.get(fault.code, "Error")
            page = (
                f"<!DOCTYPE html><html><head><title>{fault.code} {reason}</title></head>"
                f"<body><h1>{fault.code} {reason}</h1><p>The upstream server did not answer."
                "</p></body></html>"
            )
            self._send_bytes(fault.code, page.encode(), "text/html; charset=utf-8")
            return True
        return False  # url_errors changes the /contents body only

    def _drop(self) -> None:
        self._record(None)
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
        return 0

    def _send_error_json(self, status, message, body, headers=None) -> int:
        return self._send_json(status, _error_body(status, message, body), headers)

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> int:
        data = json.dumps(payload, sort_keys=True).encode()
        return self._send_bytes(status, data, "application/json", headers)

    def _send_bytes(self, status, data: bytes, content_type: str, headers=None) -> int:
        self._record(status)
        with contextlib.suppress(OSError):
            self.send_response(status, _REASONS.get(status))
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Request-Id", hashlib.sha256(data).hexdigest()[:16])
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        return status

    def _send_stream(self, payload: dict[str, Any]) -> int:
        events = [
            {"choices": [{"delta": {"content": word + " "}}]} for word in payload["answer"].split()
        ]
        events.append({"citations": payload["citations"]})
        events.append({"costDollars": payload["costDollars"]})
        data = b"".join(f"data: {json.dumps(e, sort_keys=True)}\n\n".encode() for e in events)
        data += b"data: [DONE]\n\n"
        return self._send_bytes(200, data, "text/event-stream")


@contextlib.contextmanager
def running(**options: Any) -> Iterator[FakeExa]:
    """`with running(latency=0.3, qps=10) as exa:` — FakeExa(**options), started and stopped."""
    with FakeExa(**options) as fake:
        yield fake
