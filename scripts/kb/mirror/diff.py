"""Compare two Exa mirrors field by field and classify each difference as breaking or not.

Breaking means a client that worked against the old spec can fail against the new one: a request
field or enum value it sends is gone, a field it must now send was added, a type changed, a
constraint tightened, a default changed what an omitted field does, or a response field or enum
value it reads vanished or appeared (strict clients reject unknown enum values; exa-py's websets
models once did exactly that).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from kb.model.exa_spec import FieldRecord, Mirror, Operation

BREAKING, CHANGE, DESCRIPTION = "breaking", "change", "description"
_ORDER = {BREAKING: 0, CHANGE: 1, DESCRIPTION: 2}
_TIGHTER_IF_HIGHER = {"minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"}
_TIGHTER_IF_LOWER = {"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"}


@dataclasses.dataclass(frozen=True)
class Change:
    """One difference; `what` is a short code the change report turns into a sentence."""

    severity: str
    operation: str
    path: str  # "" for the operation itself
    what: str
    before: Any = None
    after: Any = None

    def to_data(self) -> dict[str, Any]:
        data = {"severity": self.severity, "operation": self.operation, "path": self.path}
        data["what"] = self.what
        if self.before is not None:
            data["before"] = self.before
        if self.after is not None:
            data["after"] = self.after
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Change:
        return cls(
            data["severity"],
            data["operation"],
            data.get("path", ""),
            data["what"],
            data.get("before"),
            data.get("after"),
        )

    def sort_key(self) -> tuple[int, str, str, str]:
        return (_ORDER[self.severity], self.operation, self.path, self.what)


def compare(old: Mirror, new: Mirror) -> list[Change]:
    """Every difference from `old` to `new`, breaking changes first, then by operation and path."""
    changes: list[Change] = []
    old_ops = {op.name: op for op in old.operations}
    new_ops = {op.name: op for op in new.operations}
    for name in old_ops.keys() - new_ops.keys():
        op = old_ops[name]
        changes.append(Change(BREAKING, name, "", "operation removed", f"{op.method} {op.path}"))
    for name in new_ops.keys() - old_ops.keys():
        op = new_ops[name]
        changes.append(Change(CHANGE, name, "", "operation added", None, f"{op.method} {op.path}"))
    for name in old_ops.keys() & new_ops.keys():
        changes.extend(_compare_operation(old_ops[name], new_ops[name]))
    old_schemes = {s.name: s for s in old.security_schemes}
    new_schemes = {s.name: s for s in new.security_schemes}
    for name in old_schemes.keys() - new_schemes.keys():
        changes.append(Change(BREAKING, "*", f"securitySchemes.{name}", "security scheme removed"))
    for name in new_schemes.keys() - old_schemes.keys():
        changes.append(Change(CHANGE, "*", f"securitySchemes.{name}", "security scheme added"))
    for name in old_schemes.keys() & new_schemes.keys():
        before, after = old_schemes[name].to_data(), new_schemes[name].to_data()
        before_hash, after_hash = before.pop("description_sha256"), after.pop("description_sha256")
        if before != after:
            changes.append(
                Change(
                    BREAKING,
                    "*",
                    f"securitySchemes.{name}",
                    "security scheme changed",
                    _facts(before),
                    _facts(after),
                )
            )
        elif before_hash != after_hash:
            changes.append(
                Change(DESCRIPTION, "*", f"securitySchemes.{name}", "description changed")
            )
    return sorted(changes, key=Change.sort_key)


def _facts(data: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in data.items())


def _compare_operation(old: Operation, new: Operation) -> list[Change]:
    changes: list[Change] = []
    name = old.name
    if (old.method, old.path) != (new.method, new.path):
        changes.append(
            Change(
                BREAKING,
                name,
                "",
                "operation moved",
                f"{old.method} {old.path}",
                f"{new.method} {new.path}",
            )
        )
    if old.security != new.security:
        changes.append(
            Change(
                BREAKING,
                name,
                "",
                "security requirement changed",
                _sec(old.security),
                _sec(new.security),
            )
        )
    if new.deprecated and not old.deprecated:
        changes.append(Change(CHANGE, name, "", "operation deprecated"))
    if old.description_sha256 != new.description_sha256:
        changes.append(Change(DESCRIPTION, name, "", "description changed"))
    old_fields = {f.path: f for f in old.fields}
    new_fields = {f.path: f for f in new.fields}
    for path in old_fields.keys() - new_fields.keys():
        if _inside_removed(path, old_fields, new_fields):
            continue  # reported once, on the removed parent
        changes.append(Change(BREAKING, name, path, "field removed", old_fields[path].type))
    for path in new_fields.keys() - old_fields.keys():
        f = new_fields[path]
        breaking = (
            f.section != "response"
            and f.required
            and not _inside_added(path, old_fields, new_fields)
        )
        severity = BREAKING if breaking else CHANGE
        changes.append(
            Change(
                severity,
                name,
                path,
                "required field added" if breaking else "field added",
                None,
                f.type,
            )
        )
    for path in old_fields.keys() & new_fields.keys():
        changes.extend(_compare_field(name, old_fields[path], new_fields[path]))
    return changes


def _sec(requirements: list[list[str]]) -> str:
    return " or ".join(" and ".join(r) for r in requirements) or "none"


def _parent(path: str) -> str | None:
    cut = max(path.rfind("."), path.rfind("[]."))
    return path[:cut] if cut > 0 else None


def _inside_removed(path: str, old: dict[str, FieldRecord], new: dict[str, FieldRecord]) -> bool:
    parent = _parent(path)
    return parent is not None and parent in old and parent not in new


def _inside_added(path: str, old: dict[str, FieldRecord], new: dict[str, FieldRecord]) -> bool:
    """True when an ancestor is new too (an optional new object may have required members)."""
    parent = _parent(path)
    while parent is not None:
        if parent in new and parent not in old:
            return not new[parent].required
        parent = _parent(parent)
    return False


def _compare_field(op: str, old: FieldRecord, new: FieldRecord) -> list[Change]:
    changes: list[Change] = []
    response = new.section == "response"
    path = new.path
    if old.type != new.type or old.nullable != new.nullable:
        before = old.type + (" | null" if old.nullable else "")
        after = new.type + (" | null" if new.nullable else "")
        loosened = not response and new.nullable and not old.nullable and old.type == new.type
        changes.append(
            Change(CHANGE if loosened else BREAKING, op, path, "type changed", before, after)
        )
    if old.required != new.required:
        if response:
            severity = BREAKING if old.required else CHANGE
        else:
            severity = BREAKING if new.required else CHANGE
        what = "now required" if new.required else "now optional"
        changes.append(Change(severity, op, path, what))
    old_enum, new_enum = old.enum or [], new.enum or []
    if old.enum is not None or new.enum is not None:
        for value in old_enum:
            if value not in new_enum and new.enum is not None:
                severity = CHANGE if response else BREAKING
                changes.append(Change(severity, op, path, "enum value removed", value))
        for value in new_enum:
            if value not in old_enum and old.enum is not None:
                severity = BREAKING if response else CHANGE
                changes.append(Change(severity, op, path, "enum value added", None, value))
        if old.enum is None and new.enum is not None and not response:
            changes.append(Change(BREAKING, op, path, "values now restricted", None, new_enum))
        if old.enum is not None and new.enum is None:
            changes.append(
                Change(
                    BREAKING if response else CHANGE,
                    op,
                    path,
                    "values no longer restricted",
                    old_enum,
                )
            )
    if (old.has_default, old.default) != (new.has_default, new.default):
        severity = CHANGE if response else BREAKING
        changes.append(
            Change(
                severity,
                op,
                path,
                "default changed",
                old.default if old.has_default else None,
                new.default if new.has_default else None,
            )
        )
    for key in sorted(old.constraints.keys() | new.constraints.keys()):
        before, after = old.constraints.get(key), new.constraints.get(key)
        if before == after:
            continue
        severity = CHANGE if response else _constraint_severity(key, before, after)
        changes.append(Change(severity, op, path, f"constraint {key} changed", before, after))
    if new.deprecated and not old.deprecated:
        changes.append(Change(CHANGE, op, path, "deprecated"))
    if old.deprecated and not new.deprecated:
        changes.append(Change(CHANGE, op, path, "no longer deprecated"))
    if old.description_sha256 != new.description_sha256:
        changes.append(Change(DESCRIPTION, op, path, "description changed"))
    return changes


def _constraint_severity(key: str, before: Any, after: Any) -> str:
    """Whether a request constraint change can reject a request that used to pass."""
    base = key.removeprefix("items.")
    numeric = isinstance(before, int | float) and isinstance(after, int | float)
    if after is None:
        return CHANGE  # a constraint dropped only accepts more
    if before is None:
        return BREAKING
    if numeric and base in _TIGHTER_IF_HIGHER:
        return BREAKING if after > before else CHANGE
    if numeric and base in _TIGHTER_IF_LOWER:
        return BREAKING if after < before else CHANGE
    return BREAKING
