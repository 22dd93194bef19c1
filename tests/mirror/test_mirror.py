"""`kb mirror`: coverage of a spec, the change report, bad specs, determinism, --check.

The tests run against tests/mirror/fixtures/catalogue-api.yaml, a made-up search API written for
them (Exa's own spec has no licence and lives outside the repository), mirrored into a copy of
the repository in the test's tmp dir; modified copies of the fixture live there too. The mirror
committed under docs/exa/ is checked for internal consistency without any spec.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from kb import cli
from kb.mirror import CHANGES_PAGE, render_changes_page
from kb.mirror.diff import BREAKING, CHANGE, compare
from kb.model.exa_spec import (
    CANONICAL_SPEC_URL,
    MIRROR_INDEX,
    SCHEMAS_DIR,
    FieldRecord,
    Mirror,
    Operation,
    Source,
    flatten_spec,
    read_explanations,
    read_mirror,
    render_files,
    review_items,
    sha256_text,
)
from tests.conftest import ROOT, serve_directory, start_activity_log

FIXTURE = "tests/mirror/fixtures/catalogue-api.yaml"
SPEC = ROOT / FIXTURE
OPERATIONS = ["search", "find-similar", "get-pages", "answer", "jobs-controller-get-job"]


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


def _explain_everything(repo: Path) -> None:
    """Write an explanation for every mirrored field, against its current description hash."""
    mirror = read_mirror(repo)
    entries = {
        f"security:{s.name}": {
            "text": f"How {s.name} works.",
            "written_against": s.description_sha256,
        }
        for s in mirror.security_schemes
    }
    for op in mirror.operations:
        for f in op.fields:
            entries[f"{op.name}:{f.path}"] = {
                "text": f"What {f.path} does.",
                "written_against": f.description_sha256,
            }
    path = repo / "docs/exa/explanations.yaml"
    path.write_text(yaml.safe_dump(entries, sort_keys=False), encoding="utf-8")


@pytest.fixture
def fixture_repo(repo_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> Path:
    """A copy of the repository whose docs/exa mirrors the fixture, every field explained."""
    monkeypatch.setenv("KB_TODAY", "2026-11-24")
    start_activity_log(repo_copy)
    exa = repo_copy / "docs/exa"
    shutil.rmtree(exa / "schemas")
    for name in ("mirror.yaml", "changes.md", "explanations.yaml"):
        (exa / name).unlink()
    monkeypatch.chdir(repo_copy)  # the spec is then recorded by its repository-relative path
    assert _mirror(repo_copy, "--no-log", "--spec-url", FIXTURE)[0] == 0
    _explain_everything(repo_copy)
    assert _mirror(repo_copy, "--no-log", "--spec-url", FIXTURE)[0] == 0  # no review left
    capsys.readouterr()
    return repo_copy


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


def test_mirror_covers_every_operation_and_field_of_the_spec():
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
    assert [op.name for op in mirror.operations] == OPERATIONS
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
        params = [*spec["paths"][path].get("parameters", []), *item.get("parameters", [])]
        wanted |= {p["name"] for p in params}
        missing = wanted - mirrored
        assert not missing, f"{op.name}: fields not mirrored: {sorted(missing)}"
        assert len({f.path for f in op.fields}) == len(op.fields), "duplicate paths"


def test_mirror_records_facts_from_the_spec():
    mirror = flatten_spec(_spec(), _source())
    search = mirror.operation("search")
    assert search is not None
    by_path = {f.path: f for f in search.fields}
    assert by_path["query"].required and by_path["query"].type == "string"  # through allOf/$ref
    assert by_path["numResults"].constraints == {"minimum": 1, "maximum": 50}
    assert by_path["numResults"].default == 10
    assert by_path["mode"].enum == ["keyword", "semantic", "hybrid"]
    assert by_path["teams"].type == "string | array<string>"
    assert by_path["filters"].free_form and by_path["filters"].type == "object"
    assert by_path["legacyRanking"].deprecated
    assert by_path["contents.text"].type == "boolean | object"
    assert by_path["contents.text.maxCharacters"].type == "integer"
    assert by_path["contents.text.sections"].enum == ["summary", "body", "appendix"]
    # Both spellings of "may be null", and a null inside an enum.
    assert by_path["response.results[].title"].nullable  # type: [string, 'null']
    assert by_path["response.results[].owner"].nullable  # nullable: true
    severity = by_path["response.results[].severity"]
    assert severity.nullable and severity.enum == ["low", "high"]
    assert not by_path["response.results[].id"].nullable
    assert by_path["response.results[].related"].recursive == "Entry"
    assert by_path["response.results[].owners[].role"].enum == ["primary", "backup"]
    assert by_path["response.results[].owners[].handle"].required
    pages = mirror.operation("get-pages")
    tag = pages.field("response.statuses[].error.tag")
    assert tag is not None and "PAGE_TIMEOUT" in tag.enum
    assert pages.field("urls").constraints == {"minItems": 1, "items.format": "uri"}
    job = mirror.operation("jobs-controller-get-job")
    assert job.field("path.id").required and job.field("path.id").section == "parameters"
    assert job.field("query.verbose").deprecated
    assert job.field("response@200.state").enum == ["queued", "running", "done", "failed"]
    assert job.field("response@200.output").type == "any"
    assert job.field("response@404.error").required
    assert job.security == [["apikey"], ["bearer"]]
    assert mirror.operation("answer").field("stream.delta").section == "response"
    assert [s.name for s in mirror.security_schemes] == ["apikey", "bearer"]
    assert mirror.security == [["apikey"]]
    assert mirror.servers == ["https://catalogue.plasma-engine.test"]
    assert by_path["query"].description_sha256 == sha256_text("What to look for.")


def test_descriptions_reach_the_mirror_only_as_hashes(fixture_repo):
    written = "\n".join(
        p.read_text(encoding="utf-8") for p in sorted((fixture_repo / "docs/exa").rglob("*.yaml"))
    )
    assert "What to look for" not in written and "Rank as the first release did" not in written
    assert sha256_text("What to look for.") in written


# -- the committed mirror ----------------------------------------------------------------------


def test_committed_mirror_is_consistent_and_fully_explained():
    mirror = read_mirror(ROOT)
    assert mirror is not None
    assert mirror.source.mirrors == CANONICAL_SPEC_URL
    assert re.fullmatch(r"[0-9a-f]{64}", mirror.source.spec_sha256)
    index = yaml.safe_load((ROOT / MIRROR_INDEX).read_text(encoding="utf-8"))
    files = {p.relative_to(ROOT).as_posix() for p in (ROOT / SCHEMAS_DIR).glob("*.yaml")}
    assert {entry["file"] for entry in index["operations"]} == files
    for entry, op in zip(index["operations"], mirror.operations, strict=True):
        data = yaml.safe_load((ROOT / entry["file"]).read_text(encoding="utf-8"))
        assert data["source"] == index["source"], entry["file"]
        assert (entry["name"], entry["method"], entry["path"]) == (op.name, op.method, op.path)
        assert entry["fields"] == len(op.fields) == len(data["fields"]), entry["file"]
        for f in op.fields:
            assert f.description_sha256 is None or re.fullmatch(
                r"[0-9a-f]{64}", f.description_sha256
            )
    # The files are exactly what `kb mirror` writes from these facts.
    for rel, text in render_files(mirror).items():
        assert (ROOT / rel).read_text(encoding="utf-8") == text, (
            f"{rel} is not as kb mirror writes it"
        )
    review = review_items(mirror, read_explanations(ROOT))
    assert review == []
    page = render_changes_page(mirror, review).rstrip("\n") + "\n"
    assert (ROOT / CHANGES_PAGE).read_text(encoding="utf-8") == page


def test_the_fixture_mirror_is_current_and_fully_explained(fixture_repo, capsys):
    code, err = _mirror(fixture_repo, "--check", "--spec-url", FIXTURE, capsys=capsys)
    assert code == 0, err
    mirror = read_mirror(fixture_repo)
    assert mirror.source.mirrors == CANONICAL_SPEC_URL
    assert mirror.source.read_from == FIXTURE
    assert mirror.source.spec_sha256 == hashlib.sha256(SPEC.read_bytes()).hexdigest()
    assert mirror.source.spec_title == "Plasma Engine Catalogue API"
    assert [op.name for op in mirror.operations] == OPERATIONS
    explanations = read_explanations(fixture_repo)
    for op in mirror.operations:
        for f in op.fields:
            assert f"{op.name}:{f.path}" in explanations


# -- writing, change report, logging -----------------------------------------------------------


def _modified_spec(tmp_path: Path) -> Path:
    spec = _spec()
    similar = spec["paths"]["/similar"]["post"]["requestBody"]["content"]["application/json"]
    del similar["schema"]["properties"]["excludeOwnTeam"]
    mode = spec["components"]["schemas"]["SearchBase"]["properties"]["mode"]
    mode["enum"] = [v for v in mode["enum"] if v != "keyword"] + ["exact"]
    spec["info"]["version"] = "2.1.0"
    path = tmp_path / "modified-spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def test_change_report_lists_breaking_changes_first(fixture_repo, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KB_TODAY", "2026-11-25")
    modified = _modified_spec(tmp_path)
    code, err = _mirror(fixture_repo, "--spec-url", str(modified), capsys=capsys)
    assert code == 0, err
    report = (fixture_repo / "docs/exa/changes.md").read_text(encoding="utf-8")
    breaking = report.index("## Breaking changes")
    other = report.index("## Other changes")
    removed_field = report.index("<code>excludeOwnTeam</code> | field removed")
    removed_enum = report.index("enum value removed | <code>keyword</code>")
    added_enum = report.index("enum value added |  | <code>exact</code>")
    assert breaking < removed_field < other and breaking < removed_enum < other
    assert added_enum > other
    assert "excludeOwnTeam" not in (fixture_repo / "docs/exa/schemas/find-similar.yaml").read_text()
    mirror = read_mirror(fixture_repo)
    assert mirror.source.spec_version == "2.1.0" and mirror.source.retrieved == "2026-11-25"
    assert mirror.last_change["from"]["spec_version"] == "2.0.0"
    # The run is logged through `kb log`, in the copy's own activity log.
    log = (fixture_repo / "docs/devops/activity-log.md").read_text(encoding="utf-8")
    assert "Exa API mirror refreshed" in log and "2 breaking" in log


def test_rerun_without_changes_writes_nothing_and_keeps_the_report(fixture_repo, tmp_path, capsys):
    modified = _modified_spec(tmp_path)
    assert _mirror(fixture_repo, "--no-log", "--spec-url", str(modified), capsys=capsys)[0] == 0
    before = _tree(fixture_repo)
    code, err = _mirror(fixture_repo, "--no-log", "--spec-url", str(modified), capsys=capsys)
    assert code == 0 and "wrote" not in err
    assert _tree(fixture_repo) == before  # the change report still shows the last real change


def test_output_is_deterministic(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KB_TODAY", "2026-11-24")
    trees = []
    for name in ("a", "b"):
        repo = tmp_path / name
        (repo / "docs/exa").mkdir(parents=True)
        for keep in ("mkdocs.yml", "pyproject.toml"):
            shutil.copy(ROOT / keep, repo / keep)
        (repo / "docs/exa/explanations.yaml").write_text("{}\n", encoding="utf-8")
        assert _mirror(repo, "--no-log", "--spec-url", str(SPEC), capsys=capsys)[0] == 0
        trees.append(_tree(repo))
    assert trees[0] == trees[1]
    # explanations, mirror.yaml, changes.md and one file per operation
    assert len(trees[0]) == 3 + len(OPERATIONS)


def test_file_and_http_urls_are_read_and_the_source_is_recorded(fixture_repo, tmp_path, capsys):
    served = tmp_path / "served"
    served.mkdir()
    shutil.copy(SPEC, served / "catalogue.yaml")
    shutil.copy(_modified_spec(tmp_path), served / "modified.yaml")
    before = _tree(fixture_repo)
    # The same bytes from another address: the mirror is current, nothing is rewritten.
    code, err = _mirror(fixture_repo, "--check", "--spec-url", f"file://{SPEC}", capsys=capsys)
    assert code == 0, err
    with serve_directory(served) as url:
        code, err = _mirror(
            fixture_repo, "--no-log", "--spec-url", f"{url}catalogue.yaml", capsys=capsys
        )
        assert code == 0 and _tree(fixture_repo) == before, err
        code, err = _mirror(
            fixture_repo, "--no-log", "--spec-url", f"{url}modified.yaml", capsys=capsys
        )
    assert code == 0, err
    mirror = read_mirror(fixture_repo)
    assert mirror.source.read_from == f"{url}modified.yaml"
    assert mirror.source.mirrors == CANONICAL_SPEC_URL
    assert mirror.source.spec_version == "2.1.0"


def test_dry_run_and_check_write_nothing(fixture_repo, tmp_path, capsys):
    modified = _modified_spec(tmp_path)
    before = _tree(fixture_repo)
    code, err = _mirror(fixture_repo, "--dry-run", "--spec-url", str(modified), capsys=capsys)
    assert code == 0 and "would write docs/exa/schemas/find-similar.yaml" in err
    code, err = _mirror(fixture_repo, "--check", "--spec-url", str(modified), capsys=capsys)
    assert code == 1 and "docs/exa/schemas/find-similar.yaml:1: stale" in err
    assert _tree(fixture_repo) == before


def test_missing_or_outdated_explanations_are_listed_for_review(fixture_repo, capsys):
    path = fixture_repo / "docs/exa/explanations.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["answer:query"]
    data["search:numResults"]["written_against"] = "0" * 64
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code, err = _mirror(fixture_repo, "--check", "--spec-url", FIXTURE, capsys=capsys)
    assert code == 1
    assert "docs/exa/changes.md:1: answer:query: no explanation" in err
    assert "docs/exa/changes.md:1: search:numResults: description changed" in err
    assert _mirror(fixture_repo, "--no-log", "--spec-url", FIXTURE, capsys=capsys)[0] == 0
    report = (fixture_repo / "docs/exa/changes.md").read_text(encoding="utf-8")
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


def test_a_ref_to_nothing_is_one_line_and_nothing_written(fixture_repo, tmp_path, capsys):
    spec = _spec()
    spec["components"]["schemas"]["SearchResponse"]["properties"]["results"]["items"] = {
        "$ref": "#/components/schemas/Missing"
    }
    bad = tmp_path / "dangling.yaml"
    bad.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    before = _tree(fixture_repo)
    code, err = _mirror(fixture_repo, "--spec-url", str(bad), capsys=capsys)
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and "dangling.yaml:" in err, err
    assert "Traceback" not in err
    assert _tree(fixture_repo) == before


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
