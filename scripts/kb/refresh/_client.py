"""Exa calls for `kb refresh`: exa-py builds and parses them; this module owns the transport.

exa-py 2.x sends through module-level `requests.post`, a new connection per call, and turns every
HTTP error into `ValueError("Request failed with status code N: <body>")`, dropping the headers, so
`Retry-After` is lost and the body (which may echo the API key) ends up in the exception text.
`ExaTransport` subclasses `exa_py.Exa` and overrides its documented low-level `request()`:
`search()` and `get_contents()` still validate options, convert them to the wire format and parse
the results, while the request goes through one pooled `requests.Session` per thread and errors
come back as `ExaApiError` (status, Retry-After, redacted message). `SearchClient` adds the
client-side rate limit and the retry policy (tenacity): only 429, 5xx, timeouts, stalled bodies
and connection errors are retried, with tenacity's exponential backoff plus jitter (capped after
the jitter is added), waiting at least `Retry-After` up to `RETRY_AFTER_MAX_S`.

Reads are bounded. `timeout` is a total deadline for one request (connect, headers and the whole
body), not only the socket timeout, so a server that trickles a byte at a time cannot hold a run:
the request fails as a timeout (and is retried) once the deadline passes. A body larger than
`MAX_RESPONSE_BYTES` is refused without reading the rest.
"""

from __future__ import annotations

import email.utils
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from exa_py import Exa
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

DEFAULT_BASE_URL = "https://api.exa.ai"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDACTED = "[REDACTED]"
#: The longest Retry-After `kb refresh` waits for; a longer one is cut to this (and the retry may
#: then be refused again, ending the topic as failed rather than holding the run for hours).
RETRY_AFTER_MAX_S = 120.0
#: The largest answer read from Exa (its largest documented answers are a few MiB of page text).
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
_CHUNK = 64 * 1024

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# What may sit between two characters of a key in a message: control characters, whitespace, and
# their escaped spellings (repr, JSON, percent-encoding).
_GAP = (
    r"(?:[\x00-\x20\x7f]|\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[abfnrtv0])|%[01][0-9a-fA-F]|%7[fF])*"
)


def has_control_characters(secret: str) -> bool:
    """True when `secret` holds a character no HTTP header may carry (refused before sending)."""
    return bool(_CONTROL.search(secret))


def _secret_forms(secret: str) -> list[str]:
    forms = {
        secret,
        repr(secret)[1:-1],
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        secret.encode("unicode_escape").decode("ascii"),
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote_plus(secret),
    }
    forms.update(part for part in _CONTROL.split(secret))
    return sorted((f for f in forms if len(f) >= 4), key=len, reverse=True)


def redact(text: str, secret: str | None) -> str:
    """`text` with `secret` replaced by [REDACTED] in every form a message can carry it.

    Covers the key as is, its repr/JSON/unicode-escape and percent-encoded spellings, the key
    split by control characters or whitespace (or their escapes), and each run of the key between
    control characters (a key with a newline that a header error printed in pieces).
    """
    text = str(text)
    if not secret or len(secret) < 4:
        return text
    for form in _secret_forms(secret):
        text = text.replace(form, REDACTED)
    visible = [c for c in secret if not _CONTROL.match(c)]
    if len(visible) >= 4:
        pattern = _GAP.join(re.escape(c) for c in visible)
        text = re.sub(pattern, REDACTED, text)
    return text


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ExaError(Exception):
    """A request that failed; `str()` is one line with the key already redacted."""

    retryable = False


class ExaApiError(ExaError):
    """Exa (or a proxy in front of it) answered with an HTTP error status."""

    def __init__(self, endpoint: str, status: int, message: str, retry_after: float | None):
        self.endpoint, self.status, self.retry_after = endpoint, status, retry_after
        self.retryable = status in RETRY_STATUSES
        super().__init__(f"HTTP {status} from {endpoint}: {message}")


class ExaTransportError(ExaError):
    """No usable answer: a timeout, a refused or dropped connection."""

    retryable = True


class ExaBadResponse(ExaError):
    """A 2xx answer whose body is not the JSON Exa promises (not retried: it is not transient)."""


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _error_message(response: requests.Response) -> str:
    """Exa's `error` field when the body is its JSON error; else the start of the body."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        tag = f" [{body['tag']}]" if isinstance(body.get("tag"), str) else ""
        return body["error"] + tag
    if "html" in response.headers.get("Content-Type", ""):
        title = re.search(r"<title>(.*?)</title>", response.text, re.I | re.S)
        return f"HTML error page{': ' + title.group(1) if title else ''}"
    return response.text or response.reason or "(empty body)"


class ExaTransport(Exa):
    """`exa_py.Exa` whose `request()` uses a pooled session per thread and raises `ExaError`."""

    def __init__(self, api_key: str, base_url: str, timeout: float):
        super().__init__(api_key=api_key, base_url=base_url.rstrip("/"), timeout=timeout)
        self._api_key = api_key
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def request(  # type: ignore[override]  # narrower than exa-py's: POST JSON only
        self,
        endpoint: str,
        data: dict[str, Any] | None = None,
        method: str = "POST",
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
        extra_headers: dict[str, str | None] | None = None,
        extra_query: dict[str, Any] | None = None,
        extra_body: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        if method.upper() != "POST" or params or extra_query or extra_body or extra_headers:
            raise NotImplementedError("kb refresh sends plain POST requests only")
        if isinstance(data, dict) and data.get("stream"):
            raise NotImplementedError("kb refresh does not stream")
        limit = timeout or self.timeout
        response = self._send(endpoint, data, headers, limit)
        if response.status_code >= 400:
            message = _one_line(redact(_error_message(response), self._api_key))
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise ExaApiError(endpoint, response.status_code, message, retry_after)
        try:
            payload = response.json()
        except ValueError:
            snippet = _one_line(redact(response.text, self._api_key), 80)
            raise ExaBadResponse(
                f"invalid JSON in a {response.status_code} answer from {endpoint}: {snippet!r}"
            ) from None
        if not isinstance(payload, dict) or not isinstance(payload.get("results", []), list):
            raise ExaBadResponse(f"unexpected JSON shape in the answer from {endpoint}")
        return payload

    def _send(
        self, endpoint: str, data: Any, headers: dict[str, str] | None, limit: float
    ) -> requests.Response:
        """POST and read the whole answer within `limit` seconds in total, at most the size cap.

        The request runs on a helper thread so that even a server trickling its headers cannot
        hold the caller past the deadline; the body is read in chunks, checking the deadline and
        the size after each one (a trickling body ends the helper too).
        """
        deadline = time.monotonic() + limit
        session = self._session()  # the calling worker's pooled session
        box: dict[str, Any] = {}

        def go() -> None:
            try:
                box["response"] = self._read(session, endpoint, data, headers, limit, deadline)
            except BaseException as exc:  # handed to the caller below
                box["error"] = exc

        helper = threading.Thread(target=go, name="kb-refresh-request", daemon=True)
        helper.start()
        helper.join(limit + 0.5)
        if helper.is_alive() or isinstance(box.get("error"), _DeadlinePassed):
            raise ExaTransportError(
                f"no complete answer from {endpoint} within the {limit:g}s deadline"
            ) from None
        error = box.get("error")
        if isinstance(error, requests.Timeout):
            raise ExaTransportError(f"timed out after {limit:g}s waiting for {endpoint}") from None
        if isinstance(error, requests.RequestException):  # refused, dropped, torn chunked body
            reason = _one_line(redact(str(error), self._api_key))
            raise ExaTransportError(f"connection to {endpoint} failed: {reason}") from None
        if error is not None:
            raise error
        return box["response"]

    def _read(
        self,
        session: requests.Session,
        endpoint: str,
        data: Any,
        headers: dict[str, str] | None,
        limit: float,
        deadline: float,
    ) -> requests.Response:
        response = session.post(
            self.base_url + endpoint,
            data=json.dumps(data or {}),
            headers={**self.headers, **(headers or {})},
            timeout=limit,
            stream=True,
        )
        with response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
                raise ExaBadResponse(_too_large(endpoint))
            body = bytearray()
            for chunk in response.iter_content(_CHUNK):
                body += chunk
                if len(body) > MAX_RESPONSE_BYTES:
                    raise ExaBadResponse(_too_large(endpoint))
                if time.monotonic() > deadline:
                    raise _DeadlinePassed
            response._content = bytes(body)  # what .json() and .text read
        return response


class _DeadlinePassed(Exception):
    """The body was still arriving when the request's total deadline passed."""


def _too_large(endpoint: str) -> str:
    return (
        f"the answer from {endpoint} exceeds the {MAX_RESPONSE_BYTES // 2**20} MiB limit; refused"
    )


class RateLimiter:
    """Spaces request starts at least 1/qps seconds apart across threads (no bursts)."""

    def __init__(self, qps: float, stop: threading.Event):
        self.interval = 1.0 / qps
        self._next = 0.0
        self._lock = threading.Lock()
        self._stop = stop

    def acquire(self) -> None:
        """Wait for this caller's slot. Raises `Cancelled` if the run is stopping."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if self._stop.wait(max(0.0, slot - time.monotonic())):
            raise Cancelled


class Cancelled(Exception):
    """The run is stopping (Ctrl-C or a budget stop); the request was never sent."""


@dataclass
class Attempts:
    """Counters shared by the worker threads."""

    requests: int = 0
    retries: int = 0
    throttled: int = 0


class SearchClient:
    """Rate-limited, retrying calls to `/search` and `/contents` through exa-py."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        timeout: float,
        qps: float,
        max_attempts: int,
        backoff_initial: float,
        backoff_max: float,
        stop: threading.Event | None = None,
    ):
        self.stop = stop or threading.Event()
        self.exa = ExaTransport(api_key, base_url, timeout)
        self.limiter = RateLimiter(qps, self.stop)
        self.max_attempts = max_attempts
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self._backoff = wait_exponential_jitter(
            multiplier=backoff_initial, max=backoff_max, exp_base=2, jitter=backoff_initial
        )
        self.counts = Attempts()
        self._lock = threading.Lock()

    def _wait(self, state: RetryCallState) -> float:
        """Seconds before the next attempt: tenacity's backoff, or Retry-After when longer."""
        # initial, 2x, 4x ... plus up to `initial` of jitter, then capped at backoff_max, so
        # concurrent workers that failed together do not retry together.
        delay = self._backoff(state)
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, ExaApiError) and exc.retry_after is not None:
            # Exa's Retry-After is the earliest moment a retry can succeed: wait at least that
            # long, up to RETRY_AFTER_MAX_S.
            delay = max(delay, min(exc.retry_after, RETRY_AFTER_MAX_S))
        return delay

    def _sleep(self, seconds: float) -> None:
        if self.stop.wait(seconds):
            raise Cancelled

    def _before_sleep(self, state: RetryCallState) -> None:
        with self._lock:
            self.counts.retries += 1

    def call(self, fn: Callable[[], Any]) -> Any:
        """Run `fn` (one exa-py call) under the rate limit and retry policy.

        Raises the last `ExaError` when attempts run out or the error is not retryable, and
        `Cancelled` when the run stops first.
        """

        def attempt() -> Any:
            self.limiter.acquire()
            with self._lock:
                self.counts.requests += 1
            try:
                return fn()
            except ExaApiError as exc:
                if exc.status == 429:
                    with self._lock:
                        self.counts.throttled += 1
                raise

        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            retry=retry_if_exception(lambda e: isinstance(e, ExaError) and e.retryable),
            before_sleep=self._before_sleep,
            sleep=self._sleep,
            reraise=True,
        )
        return retrying(attempt)

    def search(self, query: str, *, num_results: int, domains: list[str], contents: dict) -> Any:
        return self.call(
            lambda: self.exa.search(
                query,
                num_results=num_results,
                include_domains=domains or None,
                contents=contents,
            )
        )

    def contents(self, urls: list[str], **options: Any) -> Any:
        return self.call(lambda: self.exa.get_contents(urls, **options))
