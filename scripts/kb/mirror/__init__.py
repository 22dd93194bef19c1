"""Mirror Exa's OpenAPI spec into docs/exa/: fetch, validate, flatten, compare, report, write.

`run_mirror()` is the whole of `kb mirror` except argument parsing. It reads the spec from a URL,
a `file://` URL or a local path, refuses anything that is not valid OpenAPI 3.x with one
`path:line: message` problem (writing nothing), flattens it with `kb.model.exa_spec`, compares it
with the mirror already committed, and writes the operation files, the index and the change report
`docs/exa/changes.md` atomically. Each file is rewritten only when its text changes; an unchanged
spec keeps its retrieval date, so a re-run leaves no diff.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from kb.mirror.diff import BREAKING, CHANGE, DESCRIPTION, Change, compare
from kb.model import _yaml
from kb.model._errors import DataError, Problem
from kb.model._io import commit, locked, stage, sweep_temps
from kb.model.exa_spec import (
    CANONICAL_SPEC_URL,
    MIRROR_INDEX,
    SCHEMAS_DIR,
    Mirror,
    Source,
    flatten_spec,
    plain,
    read_explanations,
    read_mirror,
    render_files,
    review_items,
)
from kb.model.repo import Repository

CHANGES_PAGE = "docs/exa/changes.md"
#: Total time allowed to fetch the spec (connect, headers and the whole body), not a socket timeout.
FETCH_TIMEOUT_S = 30.0
MAX_SPEC_BYTES = 20 * 1024 * 1024


@dataclasses.dataclass
class MirrorResult:
    """What a run did or would do."""

    mirror: Mirror
    changed_files: list[str]  # paths (relative to the root) whose text differs from the disk
    stale_files: list[str]  # mirror files on disk that the new mirror no longer has
    changes: list[Change]  # against the previous mirror; empty when the spec is unchanged
    spec_changed: bool
    review: list[Any]
    files: dict[str, str]  # every file of the new mirror: {path relative to the root: text}


def fetch(spec_url: str, repo: Repository, timeout: float | None = None) -> tuple[bytes, str]:
    """The spec's bytes and a label naming where they came from (a URL or a root-relative path).

    Raises DataError with one problem when the source cannot be read.
    """
    parsed = urllib.parse.urlsplit(spec_url)
    if parsed.scheme in {"http", "https"}:
        return download(spec_url, timeout or FETCH_TIMEOUT_S), spec_url
    if parsed.scheme == "file":
        path = Path(urllib.parse.unquote(parsed.path))
    elif parsed.scheme in {"", "c", "d"} or len(parsed.scheme) == 1:
        path = Path(spec_url)
    else:
        raise DataError(
            Problem(spec_url, 1, f"unsupported scheme {parsed.scheme!r}: use https, file or a path")
        )
    path = path if path.is_absolute() else Path.cwd() / path
    label = _label(path, repo)
    try:
        return path.read_bytes(), label
    except OSError as exc:
        raise DataError(Problem(label, 1, f"cannot read the spec: {exc.strerror or exc}")) from None


def download(
    url: str, deadline_s: float = FETCH_TIMEOUT_S, max_bytes: int = MAX_SPEC_BYTES
) -> bytes:
    """The body of GET `url`, read whole within `deadline_s` seconds and at most `max_bytes`.

    The request runs on a helper thread, so a server that trickles its headers or body cannot
    hold the run past the deadline. Raises DataError naming the URL and the limit.
    """
    box: dict[str, Any] = {}
    ends = time.monotonic() + deadline_s

    def go() -> None:
        try:
            box["body"] = _get(url, deadline_s, ends, max_bytes)
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc

    helper = threading.Thread(target=go, name="kb-mirror-fetch", daemon=True)
    helper.start()
    helper.join(deadline_s + 0.5)
    if helper.is_alive() or isinstance(box.get("error"), TimeoutError):
        raise DataError(
            Problem(url, 1, f"cannot fetch the spec: no complete answer within {deadline_s:g} s")
        )
    error = box.get("error")
    if isinstance(error, _httpx().HTTPError):
        raise DataError(Problem(url, 1, f"cannot fetch the spec: {error}")) from None
    if error is not None:
        raise error
    return box["body"]


def _httpx():
    import httpx  # imported on first use: `kb --help` and `kb check` never need it

    return httpx


def _get(url: str, timeout: float, ends: float, max_bytes: int) -> bytes:
    httpx = _httpx()
    too_big = f"the spec is larger than the {max_bytes // 2**20} MiB limit; refused"
    with (
        httpx.Client(timeout=timeout, follow_redirects=True) as client,
        client.stream("GET", url, headers={"Accept": "application/yaml, */*"}) as response,
    ):
        if response.status_code != 200:
            raise DataError(Problem(url, 1, f"cannot fetch the spec: HTTP {response.status_code}"))
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise DataError(Problem(url, 1, too_big))
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > max_bytes:
                raise DataError(Problem(url, 1, too_big))
            if time.monotonic() > ends:
                raise TimeoutError
    return bytes(body)


def _label(path: Path, repo: Repository) -> str:
    """A path relative to the repository root when it is near it, so no home folder is recorded."""
    resolved = path.resolve()
    for base, prefix in ((repo.root, ""), (repo.root.parent, "../")):
        try:
            return prefix + resolved.relative_to(base).as_posix()
        except ValueError:
            continue
    return resolved.as_posix()


def parse_spec(data: bytes, label: str) -> dict[str, Any]:
    """The spec as a mapping, validated as OpenAPI 3.x.

    Raises DataError with one `label:line: message` problem for bad YAML, a document that is not
    OpenAPI 3.x, or the first schema violation (its line found from the error's location).
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(Problem(label, 1, f"the spec is not UTF-8 text: {exc.reason}")) from None
    spec = _yaml.load(text, label)
    if not isinstance(spec, dict):
        raise DataError(
            Problem(label, 1, "the spec is not a mapping (expected an OpenAPI document)")
        )
    version = spec.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        found = version if version is not None else spec.get("swagger", "missing")
        line = getattr(spec, "lines", {}).get("openapi" if "openapi" in spec else "swagger", 1)
        raise DataError(Problem(label, line, f"not an OpenAPI 3.x document (openapi: {found})"))
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    try:
        validate(plain(spec))
    except OpenAPIValidationError as exc:
        where = tuple(exc.absolute_path) if getattr(exc, "absolute_path", None) else ()
        line = _yaml.line_of(spec, where)
        location = "/".join(str(p) for p in where) or "document"
        raise DataError(
            Problem(label, line, f"invalid OpenAPI at {location}: {exc.message}")
        ) from None
    except RecursionError:
        raise DataError(Problem(label, 1, "invalid OpenAPI: $ref chain nested too deep")) from None
    except Exception as exc:  # the validator raises several unrelated classes for odd input
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise DataError(Problem(label, 1, f"invalid OpenAPI: {reason}")) from None
    return spec


def build(
    repo: Repository,
    spec_url: str = CANONICAL_SPEC_URL,
    canonical_url: str = CANONICAL_SPEC_URL,
    timeout: float | None = None,
) -> MirrorResult:
    """Fetch, validate and flatten the spec and work out every file it changes; writes nothing.

    Raises DataError when the spec cannot be read or is invalid, or the current mirror is broken.
    """
    data, label = fetch(spec_url, repo, timeout)
    spec = parse_spec(data, label)
    sha = hashlib.sha256(data).hexdigest()
    previous = read_mirror(repo.root)
    spec_changed = previous is None or previous.source.spec_sha256 != sha
    info = spec.get("info") or {}
    source = Source(
        mirrors=canonical_url,
        # Where and when the current bytes were first read: an unchanged spec keeps both, so
        # re-reading it from another address (or on another day) leaves no diff.
        read_from=label if spec_changed else previous.source.read_from,
        retrieved=repo.today.isoformat() if spec_changed else previous.source.retrieved,
        openapi=str(spec.get("openapi")),
        spec_title=str(info.get("title", "")),
        spec_version=str(info.get("version", "")),
        spec_sha256=sha,
    )
    try:
        mirror = flatten_spec(plain(spec), source)
    except ValueError as exc:
        raise DataError(Problem(label, 1, f"cannot flatten the spec: {exc}")) from None
    changes: list[Change] = []
    if previous is None:
        mirror.last_change = {
            "date": source.retrieved,
            "from": None,
            "to": _version_data(source),
            "initial": {
                "operations": len(mirror.operations),
                "fields": sum(len(op.fields) for op in mirror.operations),
            },
            "changes": [],
        }
    elif spec_changed:
        changes = compare(previous, mirror)
        mirror.last_change = {
            "date": source.retrieved,
            "from": _version_data(previous.source),
            "to": _version_data(source),
            "changes": [c.to_data() for c in changes],
        }
    else:
        mirror.last_change = previous.last_change
    review = review_items(mirror, read_explanations(repo.root))
    files = render_files(mirror)
    files[CHANGES_PAGE] = render_changes_page(mirror, review).rstrip("\n") + "\n"
    changed = [
        rel
        for rel, text in files.items()
        if not (repo.root / rel).is_file() or (repo.root / rel).read_text(encoding="utf-8") != text
    ]
    on_disk = (
        {f"{SCHEMAS_DIR}/{p.name}" for p in (repo.root / SCHEMAS_DIR).glob("*.yaml")}
        if (repo.root / SCHEMAS_DIR).is_dir()
        else set()
    )
    stale = sorted(on_disk - files.keys())
    return MirrorResult(mirror, sorted(changed), stale, changes, spec_changed, review, files)


def _version_data(source: Source) -> dict[str, str]:
    return {
        "spec_version": source.spec_version,
        "spec_sha256": source.spec_sha256,
        "retrieved": source.retrieved,
    }


def write(repo: Repository, result: MirrorResult) -> list[str]:
    """Replace the mirror as one set; returns the paths written or removed.

    Under the mirror's lock, every changed file is first staged as a fsynced temporary file (a
    failure or a kill here leaves the previous set untouched, and the temporaries are removed or
    swept by the next run); only then are the renames done, the index last, and the files the
    spec no longer has removed. A kill inside that short rename step can leave a mixed set, which
    `kb check` reports (each operation file records the spec hash the index names).
    """
    files = result.files
    with locked((repo.root / MIRROR_INDEX).parent):  # the lock `kb mirror` holds: docs/.exa.lock
        schemas = repo.root / SCHEMAS_DIR
        if schemas.is_dir():
            for leftover in schemas.glob(".*.tmp"):
                leftover.unlink(missing_ok=True)
        ordered = sorted(files, key=lambda rel: (rel == MIRROR_INDEX, rel))
        todo = [
            rel
            for rel in ordered
            if not (repo.root / rel).is_file()
            or (repo.root / rel).read_bytes() != files[rel].encode("utf-8")
        ]
        staged: list[tuple[Path, Path]] = []
        try:
            for rel in todo:
                target = repo.root / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                sweep_temps(target)
                staged.append((stage(target, files[rel]), target))
            for tmp, target in staged:
                commit(tmp, target)
        finally:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
        for rel in result.stale_files:
            (repo.root / rel).unlink(missing_ok=True)
    return [*todo, *result.stale_files]


def render_changes_page(mirror: Mirror, review: list[Any]) -> str:
    """The Markdown of docs/exa/changes.md: the last change, breaking first, and the review list."""
    from kb.render._markup import render

    last = mirror.last_change
    changes = [Change.from_data(c) for c in last.get("changes") or []]
    groups = [
        (
            "Breaking changes",
            "A client that worked against the previous spec can fail against this one.",
            [c for c in changes if c.severity == BREAKING],
        ),
        (
            "Other changes",
            "Additions, deprecations and loosened rules: nothing that was valid stops working.",
            [c for c in changes if c.severity == CHANGE],
        ),
        (
            "Changed descriptions",
            "Exa reworded these; check that our explanation still holds, then update its hash.",
            [c for c in changes if c.severity == DESCRIPTION],
        ),
    ]
    return render(
        "exa_changes_page.md.j2",
        source=mirror.source,
        last=last,
        groups=groups,
        sentence=change_sentence,
        review=review,
        operations=mirror.operations,
    )


def change_sentence(change: Change) -> str:
    """A short plain-text sentence for one change (values are rendered as code by the template)."""
    return {
        "operation removed": "operation removed",
        "operation added": "operation added",
        "operation moved": "operation moved",
        "operation deprecated": "operation deprecated",
        "field removed": "field removed",
        "field added": "field added",
        "required field added": "new required field",
        "type changed": "type changed",
        "now required": "now required",
        "now optional": "now optional",
        "enum value removed": "enum value removed",
        "enum value added": "enum value added",
        "values now restricted": "values now restricted to an enum",
        "values no longer restricted": "enum restriction dropped",
        "default changed": "default changed",
        "deprecated": "deprecated",
        "no longer deprecated": "no longer deprecated",
        "description changed": "description changed",
        "security requirement changed": "security requirement changed",
    }.get(change.what, change.what)


__all__ = [
    "BREAKING",
    "CHANGE",
    "CHANGES_PAGE",
    "DESCRIPTION",
    "MirrorResult",
    "build",
    "fetch",
    "parse_spec",
    "render_changes_page",
    "write",
]
