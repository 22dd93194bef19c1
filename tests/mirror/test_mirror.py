"""`kb mirror`: coverage of the official spec, the change report, bad specs, determinism, --check.

The official spec is read from the shared reference folder beside the checkout (it has no
licence, so it is never copied into the repository); modified copies live in the test's tmp dir.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from kb import cli
from kb.mirror.diff import BREAKING, CHANGE, compare
from kb.model.exa_spec import (
    FieldRecord,
    Mirror,
    Operation,
    Source,
    flatten_spec,
    read_explanations,
    read_mirror,
)
from tests.conftest import ROOT, SHARED, serve_directory

SPEC = SHARED / "reference/exa/exa-openapi-spec.yaml"
pytestmark = pytest.mark.skipif(not SPEC.is_file(), reason=f"{SPEC} is not present")


def _spec() -> dict:
    return yaml.safe_load(SPEC.read_text(encoding="utf-8"))


def _source() -> Source:
    return Source(
        "https://example.test/spec.yaml", "spec.yaml", "2026-11-24", "3.1.0", "t", "1", "x"
    )


def _mirror(repo: Path, *args: str, capsys=None) -> tuple[int, str]:
    code = cli.main(["--root", str(repo), "mirror", *args])
    err = capsys.readouterr().err if capsys else ""
    return code, err


def _tree(repo: Path) -> dict[str, str]:
    """Every file under docs/exa with its sha256, to prove nothing was written."""
    base = repo / "docs/exa"
    return {
        p.relative_to(base).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(base.rglob("*"))
        if p.is_file()
    }


# -- coverage ----------------------------------------------------------------------------------


def _deref(spec: dict, node: dict) -> dict:
    while "$ref" in node:
        target = spec
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def _names_reachable(spec: dict, schema, seen: frozenset = frozenset()) -> set[str]:
    """Every property name reachable from `schema`, walked independently of the mirror code."""
    names: set[str] = set()
    if isinstance(schema, dict):
        if "$ref" in schema:
            ref = schema["$ref"]
            if ref in seen:
                return names
            node = spec
            for part in ref[2:].split("/"):
                node = node[part]
            return _names_reachable(spec, node, seen | {ref})
        for name, prop in (schema.get("properties") or {}).items():
            names.add(name)
            names |= _names_reachable(spec, prop, seen)
        for key in ("allOf", "oneOf", "anyOf"):
            for part in schema.get(key) or []:
                names |= _names_reachable(spec, part, seen)
        if "items" in schema:
            names |= _names_reachable(spec, schema["items"], seen)
    return names


def test_mirror_covers_every_operation_and_field_of_the_official_spec():
    spec = _spec()
    mirror = flatten_spec(spec, _source())
    by_route = {(op.method, op.path): op for op in mirror.operations}
    expected_ops = [
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert sorted(by_route) == sorted(expected_ops)
    for (method, path), op in by_route.items():
        item = spec["paths"][path][method.lower()]
        mirrored = {re.split(r"[.\[\]]+", f.path.rstrip("]"))[-1] for f in op.fields}
        mirrored |= {f.path.rsplit(".", 1)[-1] for f in op.fields}
        wanted: set[str] = set()
        body = item.get("requestBody", {}).get("content", {})
        for content in body.values():
            wanted |= _names_reachable(spec, content["schema"])
        for response in item["responses"].values():
            response = _deref(spec, response)
            for content in (response.get("content") or {}).values():
                wanted |= _names_reachable(spec, content["schema"])
        wanted |= {p["name"] for p in item.get("parameters", [])}
        missing = wanted - mirrored
        assert not missing, f"{op.name}: fields not mirrored: {sorted(missing)}"
        assert len({f.path for f in op.fields}) == len(op.fields), "duplicate paths"


def test_mirror_records_facts_from_the_spec():
    mirror = flatten_spec(_spec(), _source())
    search = mirror.operation("search")
    assert search is not None
    by_path = {f.path: f for f in search.fields}
    assert by_path["query"].required and by_path["query"].type == "string"
    assert by_path["numResults"].constraints == {"minimum": 1, "maximum": 100}
    assert by_path["numResults"].default == 10
    assert by_path["type"].enum == ["neural", "fast", "auto", "deep", "deep-reasoning", "instant"]
    assert by_path["contents.text.maxCharacters"].type == "integer"
    assert by_path["contents.text"].type == "boolean | object"
    assert by_path["contents.livecrawl"].deprecated
    assert by_path["response.results[].publishedDate"].nullable
    assert by_path["response.results[].subpages"].recursive == "ResultWithContent"
    assert by_path["response.results[].entities[].type"].enum == ["company", "person"]
    contents = mirror.operation("get-contents")
    tag = contents.field("response.statuses[].error.tag")
    assert tag is not None and "CRAWL_TIMEOUT" in tag.enum
    assert [s.name for s in mirror.security_schemes] == ["apikey", "bearer"]
    assert mirror.security == [["apikey"]]
    # Facts only: Exa's description sentences never reach the mirror, only their hashes.
    text = "\n".join(
        (ROOT / "docs/exa/schemas" / f"{op.name}.yaml").read_text() for op in mirror.operations
    )
    assert "The query string for the search" not in text
    expected = hashlib.sha256(b"The query string for the search.").hexdigest()
    assert by_path["query"].description_sha256 == expected


def test_committed_mirror_is_current_and_fully_explained(capsys):
    code, err = _mirror(ROOT, "--check", "--spec-url", str(SPEC), capsys=capsys)
    assert code == 0, err
    mirror = read_mirror(ROOT)
    assert mirror is not None
    assert mirror.source.mirrors == "https://exa.ai/docs/exa-spec.yaml"
    assert mirror.source.read_from == "../shared/reference/exa/exa-openapi-spec.yaml"
    assert mirror.source.spec_sha256 == hashlib.sha256(SPEC.read_bytes()).hexdigest()
    explanations = read_explanations(ROOT)
    for op in ("search", "get-contents", "answer"):
        for f in mirror.operation(op).fields:
            assert f"{op}:{f.path}" in explanations


# -- writing, change report, logging -----------------------------------------------------------


def _modified_spec(tmp_path: Path) -> Path:
    spec = _spec()
    similar = spec["paths"]["/findSimilar"]["post"]["requestBody"]["content"]["application/json"]
    del similar["schema"]["allOf"][0]["properties"]["excludeSourceDomain"]
    search = spec["paths"]["/search"]["post"]["requestBody"]["content"]["application/json"]
    category = search["schema"]["allOf"][0]["properties"]["category"]
    category["enum"] = [v for v in category["enum"] if v != "github"] + ["code"]
    spec["info"]["version"] = "1.3.0"
    path = tmp_path / "modified-spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def test_change_report_lists_breaking_changes_first(repo_copy, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KB_TODAY", "2026-11-25")
    modified = _modified_spec(tmp_path)
    code, err = _mirror(repo_copy, "--spec-url", str(modified), capsys=capsys)
    assert code == 0, err
    report = (repo_copy / "docs/exa/changes.md").read_text(encoding="utf-8")
    breaking = report.index("## Breaking changes")
    other = report.index("## Other changes")
    removed_field = report.index("<code>excludeSourceDomain</code> | field removed")
    removed_enum = report.index("enum value removed | <code>github</code>")
    added_enum = report.index("enum value added |  | <code>code</code>")
    assert breaking < removed_field < other and breaking < removed_enum < other
    assert added_enum > other
    assert (
        "excludeSourceDomain" not in (repo_copy / "docs/exa/schemas/find-similar.yaml").read_text()
    )
    mirror = read_mirror(repo_copy)
    assert mirror.source.spec_version == "1.3.0" and mirror.source.retrieved == "2026-11-25"
    assert mirror.last_change["from"]["spec_version"] == "1.2.0"
    # The run is logged through `kb log`, in the copy's own activity log.
    log = (repo_copy / "docs/devops/activity-log.md").read_text(encoding="utf-8")
    assert "Exa API mirror refreshed" in log and "2 breaking" in log


def test_rerun_without_changes_writes_nothing_and_keeps_the_report(repo_copy, tmp_path, capsys):
    modified = _modified_spec(tmp_path)
    assert _mirror(repo_copy, "--no-log", "--spec-url", str(modified), capsys=capsys)[0] == 0
    before = _tree(repo_copy)
    code, err = _mirror(repo_copy, "--no-log", "--spec-url", str(modified), capsys=capsys)
    assert code == 0 and "wrote" not in err
    assert _tree(repo_copy) == before  # the change report still shows the last real change


def test_output_is_deterministic(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KB_TODAY", "2026-11-24")
    trees = []
    for name in ("a", "b"):
        repo = tmp_path / name
        (repo / "docs/exa").mkdir(parents=True)
        for keep in ("mkdocs.yml", "pyproject.toml", "docs/exa/explanations.yaml"):
            shutil.copy(ROOT / keep, repo / keep)
        assert _mirror(repo, "--no-log", "--spec-url", str(SPEC), capsys=capsys)[0] == 0
        trees.append(_tree(repo))
    assert trees[0] == trees[1]
    assert len(trees[0]) == 2 + 1 + 7  # explanations, mirror.yaml, changes.md, 7 operations


def test_file_and_http_urls_are_read_and_the_source_is_recorded(repo_copy, tmp_path, capsys):
    served = tmp_path / "served"
    served.mkdir()
    shutil.copy(SPEC, served / "exa-spec.yaml")
    shutil.copy(_modified_spec(tmp_path), served / "modified.yaml")
    before = _tree(repo_copy)
    # The same bytes from another address: the mirror is current, nothing is rewritten.
    code, err = _mirror(repo_copy, "--check", "--spec-url", f"file://{SPEC}", capsys=capsys)
    assert code == 0, err
    with serve_directory(served) as url:
        code, err = _mirror(
            repo_copy, "--no-log", "--spec-url", f"{url}exa-spec.yaml", capsys=capsys
        )
        assert code == 0 and _tree(repo_copy) == before, err
        code, err = _mirror(
            repo_copy, "--no-log", "--spec-url", f"{url}modified.yaml", capsys=capsys
        )
    assert code == 0, err
    mirror = read_mirror(repo_copy)
    assert mirror.source.read_from == f"{url}modified.yaml"
    assert mirror.source.mirrors == "https://exa.ai/docs/exa-spec.yaml"


def test_dry_run_and_check_write_nothing(repo_copy, tmp_path, capsys):
    modified = _modified_spec(tmp_path)
    before = _tree(repo_copy)
    code, err = _mirror(repo_copy, "--dry-run", "--spec-url", str(modified), capsys=capsys)
    assert code == 0 and "would write docs/exa/schemas/find-similar.yaml" in err
    code, err = _mirror(repo_copy, "--check", "--spec-url", str(modified), capsys=capsys)
    assert code == 1 and "docs/exa/schemas/find-similar.yaml:1: stale" in err
    assert _tree(repo_copy) == before


def test_missing_or_outdated_explanations_are_listed_for_review(repo_copy, capsys):
    path = repo_copy / "docs/exa/explanations.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["answer:query"]
    data["search:numResults"]["written_against"] = "0" * 64
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code, err = _mirror(repo_copy, "--check", "--spec-url", str(SPEC), capsys=capsys)
    assert code == 1
    assert "docs/exa/changes.md:1: answer:query: no explanation" in err
    assert "docs/exa/changes.md:1: search:numResults: description changed" in err
    assert _mirror(repo_copy, "--no-log", "--spec-url", str(SPEC), capsys=capsys)[0] == 0
    report = (repo_copy / "docs/exa/changes.md").read_text(encoding="utf-8")
    review = report[report.index("## Fields needing review") :]
    assert "<code>answer</code> | <code>query</code> | no explanation" in review
    assert "<code>numResults</code> | description changed" in review


# -- bad specs ---------------------------------------------------------------------------------

BAD_SPECS = {
    "yaml": ("openapi: 3.1.0\ninfo: {title: x, version: '1'\npaths: {}\n", 3, "invalid YAML"),
    "swagger": (
        "swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n",
        1,
        "not an OpenAPI 3.x document",
    ),
    "schema": (
        "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    post:\n"
        "      responses:\n        '200':\n          content: {}\n",
        7,
        "invalid OpenAPI at paths//a/post/responses/200",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_SPECS))
def test_bad_spec_is_one_line_exit_1_and_nothing_written(case, repo_copy, tmp_path, capsys):
    text, line, message = BAD_SPECS[case]
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    before = _tree(repo_copy)
    code, err = _mirror(repo_copy, "--spec-url", str(bad), capsys=capsys)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert re.fullmatch(rf".*bad\.yaml:{line}: .+", lines[0]), lines[0]
    assert message in lines[0]
    assert "Traceback" not in err
    assert _tree(repo_copy) == before


def test_unreachable_spec_url_is_one_line(repo_copy, capsys):
    code, err = _mirror(repo_copy, "--spec-url", "http://127.0.0.1:9/spec.yaml", capsys=capsys)
    assert code == 1
    assert re.fullmatch(r"http://127\.0\.0\.1:9/spec\.yaml:1: cannot fetch the spec: .+\n", err)


# -- classification -----------------------------------------------------------------------------


def _op(*fields: FieldRecord) -> Mirror:
    op = Operation("op", "op", "POST", "/op", False, [["apikey"]], None, list(fields))
    return Mirror(_source(), [], [["apikey"]], [], [op])


def test_classification_of_request_and_response_changes():
    old = _op(
        FieldRecord("a", "string"),
        FieldRecord("response.status", "string", enum=["ok"], section="response"),
        FieldRecord("limit", "integer", constraints={"maximum": 100}),
    )
    new = _op(
        FieldRecord("a", "string"),
        FieldRecord("b", "string", required=True),
        FieldRecord("response.status", "string", enum=["ok", "pending"], section="response"),
        FieldRecord("limit", "integer", constraints={"maximum": 50}),
        FieldRecord("response.extra", "string", section="response"),
    )
    changes = {(c.path, c.what): c.severity for c in compare(old, new)}
    assert changes[("b", "required field added")] == BREAKING
    assert changes[("response.status", "enum value added")] == BREAKING  # strict clients break
    assert changes[("limit", "constraint maximum changed")] == BREAKING
    assert changes[("response.extra", "field added")] == CHANGE
    ordered = [c.severity for c in compare(old, new)]
    assert ordered == sorted(ordered, key=lambda s: s != BREAKING)
