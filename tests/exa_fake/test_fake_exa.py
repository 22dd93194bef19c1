"""The Exa fake answers like Exa: spec-valid bodies, auth, rate limit, and every scripted fault."""

from __future__ import annotations

import copy
import json
import re
import socket
import threading
import time

import pytest
import requests
import yaml
from exa_py import Exa
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.validation.response.exceptions import InvalidData

from kb.model.exa_spec import Source, flatten_spec, read_mirror
from tests.fakes.exa import ROOT, FakeExa, Fault
from tests.fakes.exa_openapi import build_document, mirror_document

# Every way the fake can build a 200 body, each validated against the spec the mirror records.
OK_REQUESTS = [
    ("/search", {"query": "terraform state locking"}),
    ("/search", {"query": "argo rollouts", "numResults": 3, "contents": {"text": True}}),
    (
        "/search",
        {
            "query": "opentelemetry collector",
            "numResults": 12,
            "includeDomains": ["opentelemetry.io", "github.com"],
            "contents": {
                "text": {"maxCharacters": 50},
                "highlights": {"maxCharacters": 200},
                "summary": {"query": "what does it configure?"},
            },
        },
    ),
    ("/contents", {"urls": ["https://kubernetes.io/docs/concepts/"], "text": True}),
    (
        "/contents",
        {"urls": ["https://a.example.com/x", "https://b.example.com/y"], "highlights": True},
    ),
    ("/answer", {"query": "What is a pod disruption budget?"}),
    ("/answer", {"query": "What is SLSA?", "text": True}),
]


def post(fake: FakeExa, path: str, body, *, key: str | None = None, timeout: float = 5.0):
    headers = {"x-api-key": fake.api_key if key is None else key}
    return requests.post(fake.base_url + path, json=body, headers=headers, timeout=timeout)


def assert_spec_valid(spec, path: str, body, response: requests.Response) -> None:
    """Validate the response against the spec, addressed as the spec's own server."""
    request = requests.Request(
        "POST", f"https://api.exa.ai{path}", json=body, headers={"x-api-key": "k"}
    )
    spec.validate_request(RequestsOpenAPIRequest(request))
    spec.validate_response(RequestsOpenAPIRequest(request), RequestsOpenAPIResponse(response))


@pytest.mark.parametrize(("path", "body"), OK_REQUESTS, ids=lambda v: str(v)[:40])
def test_ok_bodies_validate_against_the_mirrored_spec(fake_exa, exa_spec, path, body):
    response = post(fake_exa, path, body)
    assert response.status_code == 200, response.text
    assert_spec_valid(exa_spec, path, body, response)
    payload = response.json()
    assert payload["costDollars"]["total"] > 0


def test_contents_statuses_errors_validate_and_name_each_url(fake_exa, exa_spec):
    fake_exa.url_errors["https://gone.example.com/"] = ("CRAWL_NOT_FOUND", 404)
    body = {"urls": ["https://ok.example.com/", "https://gone.example.com/"], "text": True}
    response = post(fake_exa, "/contents", body)
    assert_spec_valid(exa_spec, "/contents", body, response)
    statuses = {s["id"]: s for s in response.json()["statuses"]}
    assert statuses["https://ok.example.com/"]["status"] == "success"
    assert statuses["https://gone.example.com/"]["error"] == {
        "tag": "CRAWL_NOT_FOUND",
        "httpStatusCode": 404,
    }
    assert [r["url"] for r in response.json()["results"]] == ["https://ok.example.com/"]


def test_url_errors_fault_fails_every_url_with_200(fake_exa, exa_spec):
    fake_exa.script(Fault.url_errors("CRAWL_LIVECRAWL_TIMEOUT", None), path="/contents")
    body = {"urls": ["https://a.example.com/", "https://b.example.com/"]}
    response = post(fake_exa, "/contents", body)
    assert response.status_code == 200
    assert_spec_valid(exa_spec, "/contents", body, response)
    assert response.json()["results"] == []
    assert {s["error"]["tag"] for s in response.json()["statuses"]} == {"CRAWL_LIVECRAWL_TIMEOUT"}


def test_streamed_answer_ends_with_citations_and_cost(fake_exa):
    client = Exa(api_key=fake_exa.api_key, base_url=fake_exa.base_url)
    stream = client.stream_answer("what is an error budget?")
    words = "".join(chunk.content or "" for chunk in stream)
    assert "error budget" in words
    assert stream.cost_dollars is not None


def test_bodies_are_deterministic(fake_exa):
    body = {"query": "helm chart testing", "numResults": 5, "contents": {"summary": True}}
    first, second = post(fake_exa, "/search", body), post(fake_exa, "/search", body)
    assert first.content == second.content


def test_revision_changes_content_but_not_urls(fake_exa):
    body = {"query": "cosign keyless signing", "numResults": 2, "contents": {"text": True}}
    before = post(fake_exa, "/search", body).json()["results"]
    fake_exa.revision += 1
    after = post(fake_exa, "/search", body).json()["results"]
    assert [r["url"] for r in before] == [r["url"] for r in after]
    assert before[0]["text"] != after[0]["text"]


def test_results_follow_include_domains_and_num_results(fake_exa):
    body = {"query": "x", "numResults": 4, "includeDomains": ["a.example.com", "b.example.com"]}
    urls = [r["url"] for r in post(fake_exa, "/search", body).json()["results"]]
    assert len(urls) == 4
    assert {u.split("/")[2] for u in urls} == {"a.example.com", "b.example.com"}


def test_pinned_results_are_returned_in_order(fake_exa):
    pinned = [
        {"url": "https://x.example.com/a?utm_source=z#top"},
        {"url": "https://X.example.com/a/"},
    ]
    fake_exa.pin_results("dupes", pinned)
    urls = [r["url"] for r in post(fake_exa, "/search", {"query": "dupes"}).json()["results"]]
    assert urls == [p["url"] for p in pinned]


@pytest.mark.parametrize("key", ["", "wrong-key"])
def test_missing_or_wrong_key_is_401_without_echo(fake_exa, key):
    response = post(fake_exa, "/search", {"query": "x"}, key=key)
    assert response.status_code == 401
    assert set(response.json()) == {"requestId", "error", "tag"}
    assert fake_exa.api_key not in response.text


def test_bearer_authorization_is_accepted(fake_exa):
    response = requests.post(
        fake_exa.base_url + "/search",
        json={"query": "x"},
        headers={"Authorization": f"Bearer {fake_exa.api_key}"},
        timeout=5,
    )
    assert response.status_code == 200


def test_echo_key_fault_repeats_the_key(fake_exa):
    fake_exa.script(Fault.echo_key())
    response = post(fake_exa, "/search", {"query": "x"})
    assert response.status_code == 401
    assert fake_exa.api_key in response.json()["error"]


def test_invalid_body_is_400(fake_exa):
    assert post(fake_exa, "/search", {"numResults": 3}).status_code == 400
    assert post(fake_exa, "/contents", {"urls": []}).status_code == 400


def test_request_validation_against_the_spec_is_optional():
    with FakeExa(validate_requests=True) as fake:
        response = post(fake, "/search", {"query": "x", "type": "keyword"})
        assert response.status_code == 400
        assert "keyword" in response.json()["error"]
        assert post(fake, "/search", {"query": "x", "type": "auto"}).status_code == 200


def test_rate_limit_answers_429_and_counts_it():
    with FakeExa(qps=1, burst=2) as fake:
        codes = [post(fake, "/search", {"query": f"q{i}"}).status_code for i in range(3)]
        assert codes == [200, 200, 429]
        assert fake.log.throttled == 1
        time.sleep(1.05)  # the bucket refills at 1 token a second
        assert post(fake, "/search", {"query": "again"}).status_code == 200


@pytest.mark.parametrize("code", [429, 500, 502, 503, 504, 400, 402, 403])
def test_status_fault_sends_the_code_and_an_exa_error_body(fake_exa, code):
    fake_exa.script(Fault.status(code), request=1)
    response = post(fake_exa, "/search", {"query": "x"})
    assert response.status_code == code
    assert set(response.json()) == {"requestId", "error", "tag"}
    assert "Retry-After" not in response.headers
    assert post(fake_exa, "/search", {"query": "x"}).status_code == 200  # fired once


def test_retry_after_header(fake_exa):
    fake_exa.script(Fault.status(429, retry_after=3))
    assert post(fake_exa, "/search", {"query": "x"}).headers["Retry-After"] == "3"


def test_faults_match_by_query_and_times(fake_exa):
    fake_exa.script(Fault.status(503), query="flaky", times=2)
    codes = [
        post(fake_exa, "/search", {"query": q}).status_code
        for q in ["ok", "flaky", "flaky", "flaky"]
    ]
    assert codes == [200, 503, 503, 200]
    assert fake_exa.log.statuses[503] == 2
    assert fake_exa.log.queries() == ["ok", "flaky", "flaky", "flaky"]


def test_drop_closes_without_an_answer(fake_exa):
    fake_exa.script(Fault.drop())
    with pytest.raises(requests.ConnectionError):
        post(fake_exa, "/search", {"query": "x"})
    assert fake_exa.log.entries[0].status is None


def test_malformed_json_is_200_and_not_json(fake_exa):
    fake_exa.script(Fault.malformed_json())
    response = post(fake_exa, "/search", {"query": "x"})
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)


def test_html_error_page(fake_exa):
    fake_exa.script(Fault.html(502))
    response = post(fake_exa, "/search", {"query": "x"})
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text.startswith("<!DOCTYPE html>")


def test_slow_answer_exceeds_a_client_timeout(fake_exa):
    fake_exa.script(Fault.slow(1.0))
    with pytest.raises(requests.Timeout):
        post(fake_exa, "/search", {"query": "x"}, timeout=0.2)


def test_hang_is_released_when_the_server_stops():
    fake = FakeExa().start()
    fake.script(Fault.hang())
    errors: list[BaseException] = []

    def call():
        try:
            post(fake, "/search", {"query": "x"}, timeout=30)
        except requests.RequestException as exc:
            errors.append(exc)

    thread = threading.Thread(target=call)
    thread.start()
    while fake.log.count == 0:
        time.sleep(0.01)
    fake.stop()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert isinstance(errors[0], requests.ConnectionError)


def test_exa_py_round_trip(fake_exa):
    client = Exa(api_key=fake_exa.api_key, base_url=fake_exa.base_url)
    found = client.search("sbom generation", num_results=2, contents={"highlights": True})
    assert [r.url for r in found.results] == [
        "https://docs.example.com/sbom-generation/1",
        "https://blog.example.org/sbom-generation/2",
    ]
    assert found.results[0].highlights
    contents = client.get_contents([found.results[0].url], text=True)
    assert contents.statuses[0].status == "success"
    assert client.answer("what is an sbom?").citations
    assert fake_exa.log.by_path == {"/search": 1, "/contents": 1, "/answer": 1}


def test_the_port_is_loopback_only(fake_exa):
    host = fake_exa.base_url.split("//")[1].split(":")[0]
    assert host == "127.0.0.1"
    port = int(fake_exa.base_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


# -- the contract comes from the repository alone -------------------------------------------------


def _paths(doc: dict, schema: dict, prefix: str, seen: frozenset = frozenset()) -> set[str]:
    """Field paths (the mirror's notation) in `schema`, walked independently of the builder."""
    if "$ref" in schema:
        if schema["$ref"] in seen:
            return set()
        target = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        return _paths(doc, target, prefix, seen | {schema["$ref"]})
    found: set[str] = set()
    for part in schema.get("anyOf", []):
        found |= _paths(doc, part, prefix, seen)
    for name, prop in schema.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        found |= {path} | _paths(doc, prop, path, seen)
    if "items" in schema:
        found |= _paths(doc, schema["items"], f"{prefix}[]", seen)
    return found


def _assert_covers(mirror, doc: dict) -> None:
    """Every mirrored operation and field is in `doc`, and nothing else is."""
    OpenAPI.from_dict(doc)  # openapi-core validates it as OpenAPI 3.1
    routes = {(m.upper(), p) for p, item in doc["paths"].items() for m in item}
    assert routes == {(op.method, op.path) for op in mirror.operations}
    for op in mirror.operations:
        item = doc["paths"][op.path][op.method.lower()]
        found = {f"{p['in']}.{p['name']}" for p in item.get("parameters", [])}
        for p in item.get("parameters", []):
            found |= _paths(doc, p["schema"], f"{p['in']}.{p['name']}")
        body = item.get("requestBody", {}).get("content", {}).get("application/json")
        if body:
            found |= _paths(doc, body["schema"], "")
        for status, response in item["responses"].items():
            for media, content in response.get("content", {}).items():
                root = {"application/json": "response", "text/event-stream": "stream"}.get(
                    media, f"response({media})"
                )
                root += "" if status == "2XX" else f"@{status}"
                found |= _paths(doc, content["schema"], root)
        # `x[]` of an array of scalars is not a mirrored field; every mirrored one must be there.
        found = {p for p in found if not p.endswith("[]")}
        assert found == {f.path for f in op.fields}, op.name
        assert item["security"] == [{name: [] for name in req} for req in op.security]


def test_the_rebuilt_spec_covers_every_mirrored_operation_and_field():
    _assert_covers(read_mirror(ROOT), mirror_document(ROOT))


def test_the_builder_handles_parameters_statuses_streams_and_any():
    # The mirror tests' fixture API has what Exa's mirror lacks: several statuses, path and
    # query parameters, an event stream, an untyped field.
    spec = yaml.safe_load((ROOT / "tests/mirror/fixtures/catalogue-api.yaml").read_text())
    source = Source("https://example.test/", "fixture", "2026-11-24", "3.1.0", "t", "2", "0")
    mirror = flatten_spec(spec, source)
    doc = build_document(mirror)
    _assert_covers(mirror, doc)
    job = OpenAPI.from_dict(doc)
    url = "https://catalogue.plasma-engine.test/jobs/j1"
    request = requests.Request("GET", url, headers={"x-api-key": "k"})
    for status, body, valid in [
        (200, {"id": "j1", "state": "done", "output": [1, "two"]}, True),
        (200, {"id": "j1", "state": "paused"}, False),
        (404, {"error": "no such job", "tag": "NOT_FOUND"}, True),
        (404, {"tag": "NOT_FOUND"}, False),
    ]:
        response = requests.Response()
        response.status_code, response._content = status, json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.request = request.prepare()
        openapi_request = RequestsOpenAPIRequest(request)
        if valid:
            job.validate_response(openapi_request, RequestsOpenAPIResponse(response))
        else:
            with pytest.raises(InvalidData):
                job.validate_response(openapi_request, RequestsOpenAPIResponse(response))


def test_the_rebuilt_spec_keeps_the_mirrored_facts():
    doc = mirror_document(ROOT)
    search = doc["paths"]["/search"]["post"]
    body = search["requestBody"]["content"]["application/json"]["schema"]
    assert "query" in body["required"]
    facts = {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}
    assert body["properties"]["numResults"].items() >= facts.items()
    assert "keyword" not in body["properties"]["type"]["enum"]
    text = body["properties"]["contents"]["properties"]["text"]
    assert [alt["type"] for alt in text["anyOf"]] == ["boolean", "object"]
    assert body["properties"]["contents"]["properties"]["livecrawl"]["deprecated"] is True
    result = doc["components"]["schemas"]["search.ResultWithContent"]
    assert result["properties"]["publishedDate"]["type"] == ["string", "null"]
    subpages = result["properties"]["subpages"]
    assert subpages["items"] == {"$ref": "#/components/schemas/search.ResultWithContent"}
    # Facts only: no prose of Exa's is reconstructed (the mirror holds only its hashes).
    schemas = [doc["components"]["schemas"]]
    for item in doc["paths"].values():
        for operation in item.values():
            schemas += [p["schema"] for p in operation.get("parameters", [])]
            for holder in [operation.get("requestBody", {}), *operation["responses"].values()]:
                schemas += [c["schema"] for c in holder.get("content", {}).values()]
    assert not {"description", "summary", "title", "example", "examples"} & _keywords(schemas)


def _keywords(node) -> set[str]:
    """Every keyword used in a schema tree (property names are not keywords)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties":
                for prop in value.values():
                    found |= _keywords(prop)
            else:
                found |= {key} | _keywords(value)
    elif isinstance(node, list):
        for value in node:
            found |= _keywords(value)
    return found


def _entity(**override) -> dict:
    return {"id": "e1", "type": "company", "version": 1, "properties": {}} | override


def _ok_search(fake_exa) -> tuple[dict, requests.Response]:
    body = {"query": "grafana alerting", "numResults": 2, "contents": {"text": True}}
    return body, post(fake_exa, "/search", body)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda p: p["results"][0].update(title=5),  # wrong type
        lambda p: p.update(output={"content": "x"}),  # required `grounding` missing
        lambda p: p["results"][0].update(entities=[_entity(type="planet")]),  # not in the enum
        lambda p: p["results"][0].update(publishedDate=7),  # neither a string nor null
        lambda p: p["results"][0].update(subpages=[{"title": 5}]),  # the recursive schema
        lambda p: p.update(results={"url": "x"}),  # an object where an array belongs
    ],
    ids=["type", "required", "enum", "nullable", "recursive", "array"],
)
def test_the_rebuilt_spec_rejects_a_body_exa_would_not_send(fake_exa, exa_spec, tamper):
    body, response = _ok_search(fake_exa)
    assert_spec_valid(exa_spec, "/search", body, response)
    payload = copy.deepcopy(response.json())
    tamper(payload)
    response._content = json.dumps(payload).encode()
    with pytest.raises(InvalidData):
        assert_spec_valid(exa_spec, "/search", body, response)


def test_no_test_reads_outside_the_repository():
    # Spelled in pieces so that this file does not match its own search.
    needles = [re.escape(".." + "/shared"), "shared" + "/reference", r"ROOT\.parent\b"]
    pattern = re.compile("|".join(needles))
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("tests", "benchmarks", "scripts", "macros")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_exa_spec_is_never_copied_into_the_repository():
    # `x-codeSamples:` marks Exa's published spec; the mirror keeps facts and hashes only.
    copies = [
        p
        for p in ROOT.rglob("*.y*ml")
        if not {".venv", "node_modules", "site"} & set(p.relative_to(ROOT).parts)
        and p.is_file()
        and b"x-" + b"codeSamples:" in p.read_bytes()
    ]
    assert copies == []
