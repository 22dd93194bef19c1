"""The refresh run: plan the due topics, search them concurrently, write records in topic order.

Worker threads only talk to Exa; the main thread alone writes files, one topic at a time and in
the order of sources.yaml (so deduplication, ids and bytes do not depend on which answer came
first). Each record and then the state file is replaced atomically; an interrupted run therefore
leaves every file either as it was or as the finished topic wrote it, and the topics it did not
finish are still due next time. Workers are daemon threads: on Ctrl-C the main thread stops
waiting, and a request still in flight dies with the process without writing anything.
"""

from __future__ import annotations

import datetime as dt
import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import yaml

from kb.model import DataError, Problem, Repository
from kb.model._io import locked, write_atomic
from kb.model.references import REFERENCES_DIR, load_references
from kb.model.sources import (
    SOURCES_FILE,
    STATE_FILE,
    Settings,
    Sources,
    Topic,
    TopicState,
    is_due,
    load_sources,
    load_state,
    render_state,
)
from kb.refresh._client import (
    DEFAULT_BASE_URL,
    Cancelled,
    ExaError,
    SearchClient,
    has_control_characters,
    redact,
)
from kb.refresh._records import build_record, canonical_url, render_record, unique_id

KEY_HELP = (
    "EXA_API_KEY is not set: create a key at https://dashboard.exa.ai/api-keys and run "
    "`export EXA_API_KEY=<your key>` in this shell (never commit it or write it to a file)"
)


@dataclass(frozen=True)
class Options:
    """What the command line asked for; None means "use sources.yaml's setting"."""

    dry_run: bool = False
    budget: float | None = None
    qps: float | None = None
    concurrency: int | None = None
    timeout: float | None = None
    force: bool = False
    topics: tuple[str, ...] = ()
    log: bool = True


@dataclass
class Outcome:
    """What happened to one topic's request(s)."""

    topic: Topic
    results: list[Any] = field(default_factory=list)
    cost: float = 0.0
    error: str | None = None
    skipped: str | None = None
    url_failures: list[str] = field(default_factory=list)


@dataclass
class Summary:
    requests: int = 0
    results: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    duplicates: int = 0
    failed: int = 0
    skipped: int = 0
    cost: float = 0.0
    throttled: int = 0
    written: list[str] = field(default_factory=list)

    def line(self) -> str:
        extra = f", {self.skipped} skipped (budget)" if self.skipped else ""
        return (
            f"kb refresh: {self.requests} requests, {self.results} results, {self.new} new, "
            f"{self.changed} changed, {self.failed} failed{extra}, cost ${self.cost:.4f}"
        )


class Budget:
    """Admits a topic only if what is spent plus what is in flight plus its estimate fits."""

    def __init__(self, limit: float | None):
        self.limit = limit
        self.committed = 0.0
        self.closed = False
        self._lock = threading.Lock()

    def reserve(self, estimate: float) -> bool:
        with self._lock:
            if self.limit is None:
                return True
            if self.closed or self.committed + estimate > self.limit + 1e-12:
                self.closed = True  # stop here: later topics are not tried either
                return False
            self.committed += estimate
            return True

    def settle(self, estimate: float, actual: float) -> None:
        with self._lock:
            if self.limit is not None:
                self.committed += actual - estimate


def _settings(sources: Sources, options: Options) -> Settings:
    overrides = {
        "qps": options.qps,
        "concurrency": options.concurrency,
        "timeout_seconds": options.timeout,
    }
    return sources.settings.model_copy(update={k: v for k, v in overrides.items() if v})


def _contents(topic: Topic, settings: Settings) -> dict[str, Any]:
    summary = {"query": topic.summary_query} if topic.summary_query else True
    return {
        "text": {"max_characters": settings.text_max_characters},
        "highlights": {"max_characters": settings.highlights_max_characters},
        "summary": summary,
    }


def plan(repo: Repository, sources: Sources, options: Options) -> list[Topic]:
    """The topics to request now, in sources.yaml order. Raises DataError for unknown --topic."""
    state = load_state(repo)
    known = {t.id for t in sources.topics}
    unknown = [t for t in options.topics if t not in known]
    if unknown:
        raise DataError(Problem(SOURCES_FILE, 1, f"no topic named {', '.join(unknown)}"))
    chosen = [t for t in sources.topics if not options.topics or t.id in options.topics]
    if options.force:
        return chosen
    return [t for t in chosen if is_due(t, state.get(t.id), repo.today)]


def _fetch(client: SearchClient, topic: Topic, settings: Settings, budget: Budget, estimate: float):
    """One topic's requests, on a worker thread. Never raises for an Exa failure."""
    outcome = Outcome(topic)
    if not budget.reserve(estimate):
        outcome.skipped = f"budget ${budget.limit:.4f} would be exceeded (estimate ${estimate:.4f})"
        return outcome
    spent = 0.0
    try:
        found = client.search(
            topic.query,
            num_results=topic.num_results,
            domains=list(topic.domains),
            contents=_contents(topic, settings),
        )
        spent += getattr(found.cost_dollars, "total", 0.0) or 0.0
        results = list(found.results)
        # Exa returns pages it has not crawled yet without contents; /contents fetches them, and
        # answers 200 with a per-URL status when a page cannot be fetched.
        bare = [r.url for r in results if not (r.text or r.summary)]
        if bare:
            more = client.contents(bare, **_contents(topic, settings))
            spent += getattr(more.cost_dollars, "total", 0.0) or 0.0
            fetched = {r.url: r for r in more.results}
            for status in more.statuses or []:
                if status.status != "success":
                    error = status.error
                    code = (
                        f" (HTTP {error.http_status_code})"
                        if error and error.http_status_code
                        else ""
                    )
                    tag = error.tag if error else "unknown error"
                    outcome.url_failures.append(f"{status.id}: {tag}{code}")
            results = [fetched.get(r.url, r) if r.url in bare else r for r in results]
            results = [r for r in results if r.text or r.summary]
        outcome.results = results
    except Cancelled:
        outcome.skipped = "cancelled"
    except ExaError as exc:
        outcome.error = str(exc)
    except Exception as exc:  # an exa-py parsing or validation error: one line, never a traceback
        outcome.error = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
    finally:
        budget.settle(estimate, spent)
    outcome.cost = spent
    return outcome


class _Writer:
    """Applies outcomes to the tree, in topic order, on the main thread."""

    def __init__(self, repo: Repository, key: str | None, summary: Summary):
        self.repo, self.key, self.summary = repo, key, summary
        self.state = load_state(repo)
        records, _ = load_references(repo)  # bad records are `kb check`'s business
        self.by_url = {canonical_url(str(r.ref.url)): r for r in records.values()}
        self.taken = {rid: canonical_url(str(r.ref.url)) for rid, r in records.items()}
        self.claimed: set[str] = set()

    def apply(self, outcome: Outcome) -> list[str]:
        """Write one topic's records, then its state; returns the repository paths written.

        Every record is built and validated before the first write, so a bad result fails the
        topic without touching any file. Raises ValueError (and pydantic's ValidationError).
        """
        topic, today = outcome.topic, self.repo.today
        claimed, taken = set(self.claimed), dict(self.taken)
        writes: list[tuple[str, str, bool]] = []
        ids: list[str] = []
        duplicates = unchanged = 0
        for result in outcome.results:
            url = canonical_url(result.url)
            existing = self.by_url.get(url)
            if url in claimed or (existing is not None and existing.ref.query is None):
                # Found twice in this run, or already curated by hand: the first one stays.
                duplicates += 1
                continue
            claimed.add(url)
            if existing is not None:
                rid, rel = existing.ref.id, existing.path
            else:
                rid = unique_id(url, taken)
                rel = f"{REFERENCES_DIR}/{topic.area}/{rid}.yaml"
            taken[rid] = url
            ids.append(rid)
            path = Path(self.repo.root, rel)
            old = path.read_text(encoding="utf-8") if path.is_file() else None
            old_retrieved = _retrieved(old)
            text = self._render(result, rid, url, topic, old_retrieved or today)
            if old is not None and text == old:
                unchanged += 1
                continue
            if old_retrieved and old_retrieved != today:
                text = self._render(result, rid, url, topic, today)
            writes.append((rel, text, old is None))
        written: list[str] = []
        for rel, text, is_new in writes:
            write_atomic(Path(self.repo.root, rel), text)
            written.append(rel)
            self.summary.new += is_new
            self.summary.changed += not is_new
        self.claimed, self.taken = claimed, taken
        self.summary.duplicates += duplicates
        self.summary.unchanged += unchanged
        self.state[topic.id] = TopicState(
            refreshed=today, fingerprint=topic.fingerprint(), records=tuple(sorted(ids))
        )
        if write_atomic(Path(self.repo.root, STATE_FILE), render_state(self.state)):
            written.append(STATE_FILE)
        return written

    def _render(self, result, rid, url, topic, retrieved) -> str:
        record = build_record(result, rid=rid, url=url, topic=topic, retrieved=retrieved)
        return redact(render_record(record, topic.id), self.key)


def _retrieved(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        value = (yaml.safe_load(text) or {}).get("retrieved")
    except yaml.YAMLError:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


class _Progress:
    """A rich bar on a terminal, one plain line per topic otherwise (both on stderr)."""

    def __init__(self, err: TextIO, total: int):
        self.err, self.total, self.done = err, total, 0
        self.bar = None
        if total and hasattr(err, "isatty") and err.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self.bar = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=err),
                transient=True,
            )
            self.task = self.bar.add_task("kb refresh", total=total)
            self.bar.start()

    def step(self, message: str) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=message[:40])
        else:
            print(f"kb refresh: [{self.done}/{self.total}] {message}", file=self.err, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def dry_run(
    repo: Repository,
    sources: Sources,
    due: list[Topic],
    options: Options,
    out: TextIO,
    base_url: str,
) -> int:
    """Print the requests a run would send and their estimated cost; send nothing."""
    budget = Budget(options.budget)
    total, sent = 0.0, 0
    for topic in due:
        estimate = sources.prices.search(topic.num_results)
        admitted = budget.reserve(estimate)
        domains = ",".join(topic.domains) or "-"
        flag = "" if admitted else "  (over --budget: would not be sent)"
        print(
            f"POST {base_url}/search  topic={topic.id}  query={topic.query!r}  "
            f"numResults={topic.num_results}  includeDomains={domains}  "
            f"estimate=${estimate:.4f}{flag}",
            file=out,
        )
        if admitted:
            total += estimate
            sent += 1
    skipped = len(due) - sent
    print(
        f"kb refresh --dry-run: {sent} requests, estimated ${total:.4f}"
        + (f", {skipped} over budget" if skipped else "")
        + f" (prices: {sources.prices.source}); nothing was sent",
        file=out,
    )
    return 0


def run(
    repo: Repository,
    options: Options,
    *,
    out: TextIO,
    err: TextIO,
    environ: dict[str, str] | None = None,
    log_entry: Callable[[Summary, list[Topic]], None] | None = None,
) -> int:
    """Run `kb refresh`; returns the exit code (0 ok, 1 a topic failed, 2 configuration).

    The run holds the lock of the refresh state file from planning to the last write, so two
    runs at once queue rather than overwrite each other's records and state.
    """
    env = os.environ if environ is None else environ
    sources = load_sources(repo)
    unknown = [t for t in options.topics if t not in {t.id for t in sources.topics}]
    if unknown:
        print(
            f"kb refresh: --topic {', '.join(unknown)}: no such topic in {SOURCES_FILE}", file=err
        )
        return 2
    base_url = (env.get("EXA_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
    if options.dry_run:
        return dry_run(repo, sources, plan(repo, sources, options), options, out, base_url)
    key = (env.get("EXA_API_KEY") or "").strip()
    if not key:
        print(f"kb refresh: {KEY_HELP}", file=err)
        return 2
    if has_control_characters(key):
        print(
            "kb refresh: EXA_API_KEY contains a control character (a pasted newline?); "
            "set it again; nothing was sent",
            file=err,
        )
        return 2
    with locked(Path(repo.root, STATE_FILE)):
        repo._memo.clear()  # re-read the state and records another run may just have written
        return _run_locked(repo, options, out, err, log_entry, base_url, key)


def _run_locked(repo, options, out, err, log_entry, base_url, key) -> int:
    sources = load_sources(repo)
    due = plan(repo, sources, options)
    summary = Summary()
    if not due:
        print(summary.line() + " (nothing due)", file=out)
        return 0
    settings = _settings(sources, options)
    client = SearchClient(
        api_key=key,
        base_url=base_url,
        timeout=settings.timeout_seconds,
        qps=settings.qps,
        max_attempts=settings.max_attempts,
        backoff_initial=settings.backoff_initial_seconds,
        backoff_max=settings.backoff_max_seconds,
    )
    budget = Budget(options.budget)
    writer = _Writer(repo, key, summary)
    todo: queue.Queue[tuple[int, Topic] | None] = queue.Queue()
    done: queue.Queue[tuple[int, Outcome]] = queue.Queue()
    for index, topic in enumerate(due):
        todo.put((index, topic))

    def work() -> None:
        while True:
            try:
                item = todo.get_nowait()
            except queue.Empty:
                return
            index, topic = item
            estimate = sources.prices.search(topic.num_results)
            done.put((index, _fetch(client, topic, settings, budget, estimate)))

    workers = [
        threading.Thread(target=work, name=f"kb-refresh-{n}", daemon=True)
        for n in range(min(settings.concurrency, len(due)))
    ]
    for worker in workers:
        worker.start()
    progress = _Progress(err, len(due))
    failures: list[str] = []
    succeeded: list[Topic] = []
    pending: dict[int, Outcome] = {}
    next_index = 0
    try:
        while next_index < len(due):
            try:
                index, outcome = done.get(timeout=0.2)  # a short wait keeps Ctrl-C responsive
            except queue.Empty:
                continue
            pending[index] = outcome
            while next_index in pending:
                outcome = pending.pop(next_index)
                next_index += 1
                if _report(outcome, writer, summary, failures, progress, err, key):
                    succeeded.append(outcome.topic)
    finally:
        client.stop.set()
        progress.close()
    summary.requests = client.counts.requests
    summary.throttled = client.counts.throttled
    for line in failures:
        print(line, file=err)
    print(summary.line(), file=out)
    # A partial failure still logs what the topics that succeeded wrote.
    if log_entry is not None and summary.requests and succeeded:
        log_entry(summary, succeeded)
    return 1 if summary.failed else 0


def _report(outcome, writer, summary, failures, progress, err, key) -> bool:
    """Write or report one topic's outcome; True when its records were written."""
    topic = outcome.topic
    where = f"{SOURCES_FILE}:{topic.line}: topic {topic.id}"
    summary.cost += outcome.cost
    if outcome.skipped:
        summary.skipped += 1
        print(redact(f"{where}: not sent: {outcome.skipped}", key), file=err)
        progress.step(f"{topic.id}: skipped")
        return False
    if outcome.error:
        summary.failed += 1
        failures.append(redact(f"{where}: failed: {outcome.error}", key))
        progress.step(f"{topic.id}: failed")
        return False
    for failure in outcome.url_failures:
        print(redact(f"{where}: page skipped, Exa could not fetch it: {failure}", key), file=err)
    try:
        summary.written += writer.apply(outcome)
    except (ValueError, OSError) as exc:
        summary.failed += 1
        reason = " ".join(str(exc).split())[:200]
        failures.append(redact(f"{where}: failed: cannot write its records: {reason}", key))
        progress.step(f"{topic.id}: failed")
        return False
    summary.results += len(outcome.results)
    progress.step(f"{topic.id}: {len(outcome.results)} results")
    return True
