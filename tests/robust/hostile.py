"""Hostile and broken inputs shared by the robustness tests: YAML bombs, deep nesting, bad bytes."""

from __future__ import annotations


def laughs(levels: int = 9, width: int = 10) -> str:
    """A flow-style "billion laughs": `width ** levels` leaves from a few hundred bytes of YAML."""
    parts = ["&l0 [" + ", ".join(["lol"] * width) + "]"]
    for n in range(1, levels):
        parts.append(f"&l{n} [" + ", ".join([f"*l{n - 1}"] * width) + "]")
    return "[" + ", ".join(parts) + "]"


def nested(depth: int = 3000) -> str:
    """A flow sequence nested `depth` levels deep."""
    return "[" * depth + "]" * depth


def spec_bomb(levels: int = 9, width: int = 10, padding: int = 60_000) -> str:
    """An OpenAPI document whose schemas are an alias bomb, padded to about 67 KB like the report."""
    lines = [
        "openapi: 3.1.0",
        "info:",
        "  title: Bomb",
        "  version: '1'",
        "paths: {}",
        "components:",
        "  schemas:",
        "    l0: &l0 [" + ", ".join(["lol"] * width) + "]",
    ]
    for n in range(1, levels):
        lines.append(f"    l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * width) + "]")
    lines.append("    pad: '" + "x" * padding + "'")
    return "\n".join(lines) + "\n"


def small_spec(version: str = "1.0.0", extra_field: str | None = None, **operation_ids: str) -> str:
    """A valid OpenAPI 3.1 document with two POST operations (ids overridable: search=...)."""
    ids = {"search": "search", "contents": "getContents", **operation_ids}
    extra = f"\n                {extra_field}: {{type: string}}" if extra_field else ""
    ops = ""
    for path, op_id in (("/search", ids["search"]), ("/contents", ids["contents"])):
        ops += f"""
  {path}:
    post:
      operationId: "{op_id}"
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [query]
              properties:
                query: {{type: string}}{extra}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  results: {{type: array, items: {{type: string}}}}"""
    return f"""openapi: 3.1.0
info:
  title: Small API
  version: '{version}'
servers:
  - url: https://api.example.org
paths:{ops}
"""
