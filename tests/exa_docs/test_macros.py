"""The exa_* macros: field tables from the mirror, review flags, escaping and bad arguments."""

from __future__ import annotations

import html

import pytest
import yaml

from kb.model import DataError, Repository
from kb.model.exa_spec import read_mirror
from kb.render._registry import RenderContext
from kb.render.exa import exa_mirror_source, exa_schema, exa_security_schemes
from tests.conftest import ROOT


def _ctx(root=ROOT) -> RenderContext:
    return RenderContext(repo=Repository(root), page_src="exa/endpoints/search.md")


@pytest.mark.parametrize("operation", [op.name for op in read_mirror(ROOT).operations])
def test_schema_tables_list_every_mirrored_field(operation):
    text = html.unescape(exa_schema(_ctx(), operation))
    op = read_mirror(ROOT).operation(operation)
    for field in op.fields:
        shown = field.path.split(".", 1)[1] if field.section == "response" else field.path
        assert f"<code>{shown}</code>" in text, field.path
    assert "needs review" not in text
    assert f"docs/exa/schemas/{operation}.yaml" in text


def test_fields_without_a_current_explanation_are_flagged(repo_copy):
    path = repo_copy / "docs/exa/explanations.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["search:query"]
    data["search:numResults"]["written_against"] = "f" * 64
    data["search:type"]["text"] = "<script>alert(1)</script> uses `auto` | {{ config }}"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    text = exa_schema(_ctx(repo_copy), "search", section="request")
    assert "needs review: no explanation yet" in text
    assert "needs review: Exa changed this field" in text
    assert "<script>" not in text and "{{" not in text and "<code>auto</code>" in text
    assert "2 fields need review" in text


def test_unknown_operation_or_section_is_one_clear_problem():
    with pytest.raises(DataError) as info:
        exa_schema(_ctx(), "no-such-operation")
    assert str(info.value).startswith("docs/exa/endpoints/search.md:1: exa_schema: no operation")
    with pytest.raises(DataError):
        exa_schema(_ctx(), "search", section="body")


def test_security_schemes_and_source_come_from_the_mirror():
    text = html.unescape(exa_security_schemes(_ctx()))
    assert "<code>x-api-key: <key></code>" in text.replace("&lt;", "<").replace("&gt;", ">")
    assert "Authorization: Bearer" in text and "no (accepted, not listed)" in text
    source = html.unescape(exa_mirror_source(_ctx()))
    assert "https://exa.ai/docs/exa-spec.yaml" in source and "1.2.0" in source


def _table_rows(markdown_text: str) -> list[list[str]]:
    """Render `markdown_text` as MkDocs does (tables, md_in_html) and return every row's cells."""
    from html.parser import HTMLParser

    import markdown

    class Rows(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.rows: list[list[str]] = []
            self.cell: list[str] | None = None

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append("".join(self.cell).strip())
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    parser = Rows()
    parser.feed(markdown.markdown(markdown_text, extensions=["tables", "md_in_html", "attr_list"]))
    return parser.rows


def test_schema_rows_keep_their_cells_whatever_a_type_or_explanation_holds(repo_copy):
    schema = repo_copy / "docs/exa/schemas/search.yaml"
    data = yaml.safe_load(schema.read_text(encoding="utf-8"))
    field = next(f for f in data["fields"] if f["path"] == "query")
    field["type"] = "string | array<string>"
    field["nullable"] = True
    schema.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    explanations = repo_copy / "docs/exa/explanations.yaml"
    notes = yaml.safe_load(explanations.read_text(encoding="utf-8"))
    notes["search:query"]["text"] = "Either a | b, or `x | y` — the search text."
    explanations.write_text(yaml.safe_dump(notes), encoding="utf-8")

    rows = _table_rows(exa_schema(_ctx(repo_copy), "search", section="request"))
    header, *body = rows
    assert header == ["Field", "Type", "Required", "What it does"]
    assert body and all(len(row) == len(header) for row in body), [
        row for row in body if len(row) != len(header)
    ]
    query = next(row for row in body if row[0] == "query")
    assert query[1] == "string | array<string> | null"
    assert query[2] == "yes"
    assert query[3].startswith("Either a | b, or x | y"), query[3]


def test_every_mirrored_field_row_shows_its_whole_type():
    for op in read_mirror(ROOT).operations:
        body = [row for row in _table_rows(exa_schema(_ctx(), op.name)) if row[0] != "Field"]
        assert len(body) == len(op.fields), op.name
        for row, field in zip(body, op.fields, strict=True):
            expected = field.type + (" | null" if field.nullable else "")
            assert row[1] == expected, (op.name, field.path, row)
