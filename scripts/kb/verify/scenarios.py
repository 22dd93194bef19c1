"""Drill scenarios: per-alert series that fire an alert and then clear it, laid out in one TSDB.

A scenario file, `infra/observability/drills/<alertname-lowercased>.yml`, holds input series in
promtool's unit-test notation (`values: '1x10 0x30'`, one value a minute), the minute at which
the alert must be firing (`firing_at`) and the minute at which it must have cleared
(`recovered_at`), plus optional value conditions on the runbook's Diagnosis and Verification
queries. A heartbeat that must fire at all times (Watchdog) says `recovered_at: never`: its drill
checks that it still fires at the scenario's last minute, where Verification queries run. `baseline.yml` is a healthy system for the PromQL on non-runbook pages.

Every scenario gets its own window of time, 40 days apart, so 30-day rates never see another
scenario's series; `openmetrics()` writes them all for `promtool tsdb create-blocks-from
openmetrics`, and `windows()` gives the spans whose recording rules are backfilled.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.model._errors import DataError, Problem

DRILLS_DIR = "infra/observability/drills"
#: 2023-01-01T00:00:00Z: scenarios are laid out from here, safely in the past.
EPOCH = 1672531200
WINDOW = 40 * 86400
STEP = 60
_EXPAND = re.compile(r"^(-?[\d.]+(?:e[+-]?\d+)?)(?:([+-])([\d.]+(?:e[+-]?\d+)?))?x(\d+)$")
_NUMBER = re.compile(r"^-?[\d.]+(?:e[+-]?\d+)?$|^[+-]?Inf$|^NaN$")
_SERIES = re.compile(r"^([a-zA-Z_:][\w:]*)\s*(\{.*\})?\s*$")
_CONDITION = re.compile(r"^(==|!=|<=|>=|<|>)\s*(-?[\d.]+(?:e[+-]?\d+)?)$")


def expand(values: str) -> list[float | None]:
    """Expand promtool series notation into one value (or None for a gap) per step."""
    out: list[float | None] = []
    for token in values.split():
        if token == "_":  # noqa: S105 (promtool notation, not a secret)
            out.append(None)
        elif re.fullmatch(r"_x(\d+)", token):
            out.extend([None] * int(token[2:]))
        elif token == "stale":  # noqa: S105
            out.append(None)
        elif _NUMBER.match(token):
            out.append(float(token))
        else:
            match = _EXPAND.match(token)
            if not match:
                raise ValueError(f"cannot read series value {token!r}")
            start = float(match[1])
            delta = float(match[3] or 0) * (-1 if match[2] == "-" else 1)
            out.extend(start + delta * i for i in range(int(match[4]) + 1))
    return out


def check_condition(condition: str, values: list[float]) -> bool:
    """True when any of `values` satisfies `condition` (e.g. `< 1`, `> 0.9`)."""
    match = _CONDITION.match(condition.strip())
    if not match:
        raise ValueError(f"cannot read condition {condition!r} (use e.g. '> 0.9')")
    op, bound = match[1], float(match[2])
    tests = {
        "==": lambda v: math.isclose(v, bound, rel_tol=1e-9, abs_tol=1e-12),
        "!=": lambda v: not math.isclose(v, bound, rel_tol=1e-9, abs_tol=1e-12),
        "<": lambda v: v < bound,
        ">": lambda v: v > bound,
        "<=": lambda v: v <= bound,
        ">=": lambda v: v >= bound,
    }
    return any(tests[op](v) for v in values)


@dataclass
class Scenario:
    """One drill scenario, placed at `start` (Unix seconds)."""

    name: str  # the alert name, or "baseline"
    path: str
    start: int
    series: list[tuple[str, str, list[float | None], bool]]  # (name, labels, values, offset)
    firing_at: int | None
    recovered_at: int | None
    symptoms: dict[int, str] = field(default_factory=dict)
    recovery: dict[int, str] = field(default_factory=dict)
    #: False for a heartbeat (`recovered_at: never`): it must still fire at `last_minute`.
    clears: bool = True

    @property
    def last_minute(self) -> int:
        return self.minutes - 1

    @property
    def minutes(self) -> int:
        return max(len(values) for _, _, values, _ in self.series)

    @property
    def end(self) -> int:
        return self.start + self.minutes * STEP

    def at(self, minute: int) -> int:
        """Unix time of minute `minute` of this scenario."""
        return self.start + minute * STEP


def _extend(values: list[float | None], length: int) -> list[float | None]:
    """Continue a baseline series to `length` samples at its last slope (counters keep counting)."""
    if len(values) >= length or len(values) < 2 or values[-1] is None or values[-2] is None:
        return values
    step = values[-1] - values[-2]
    return values + [values[-1] + step * (i + 1) for i in range(length - len(values))]


def _key(name: str, labels: str) -> tuple[str, frozenset]:
    pairs = re.findall(r'(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"', labels)
    return name, frozenset(pairs)


def _load(path: Path, rel: str, start: int, baseline: list | None = None) -> Scenario:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    series = []
    for item in data.get("series") or []:
        match = _SERIES.match(str(item.get("series", "")))
        if not match:
            raise DataError([Problem(rel, 1, f"cannot read series {item.get('series')!r}")])
        try:
            values = expand(str(item.get("values", "")))
        except ValueError as exc:
            raise DataError([Problem(rel, 1, str(exc))]) from None
        series.append((match[1], match[2] or "{}", values, item.get("offset") == "start"))
    if not series:
        raise DataError([Problem(rel, 1, "a scenario needs at least one series")])
    if baseline:
        own = {_key(name, labels) for name, labels, _, _ in series}
        length = max(len(values) for _, _, values, _ in series)
        series = [
            (name, labels, _extend(values, length), offset)
            for name, labels, values, offset in baseline
            if _key(name, labels) not in own
        ] + series
    name = data.get("alert") or ("baseline" if path.stem == "baseline" else "")
    if not name:
        raise DataError([Problem(rel, 1, "missing `alert:` (the alert this scenario drills)")])

    def minute(key: str) -> int | None:
        value = data.get(key)
        if value is None or (key == "recovered_at" and value == "never"):
            return None
        try:
            return int(str(value).rstrip("m"))
        except ValueError:
            raise DataError(
                [Problem(rel, 1, f"{key}: {value!r} is not a minute like `75m`")]
            ) from None

    return Scenario(
        name=name,
        path=rel,
        start=start,
        series=series,
        firing_at=minute("firing_at"),
        recovered_at=minute("recovered_at"),
        symptoms={int(k): str(v) for k, v in (data.get("symptoms") or {}).items()},
        recovery={int(k): str(v) for k, v in (data.get("recovery") or {}).items()},
        clears=data.get("recovered_at") != "never",
    )


@dataclass
class ScenarioSet:
    """Every scenario of the repository, each in its own window of time."""

    scenarios: dict[str, Scenario]

    @classmethod
    def load(cls, root: Path, only: set[str] | None = None) -> ScenarioSet:
        """Read `infra/observability/drills/*.yml` (only the names in `only`, plus the baseline)."""
        folder = Path(root) / DRILLS_DIR
        found: dict[str, Scenario] = {}
        if not (folder / "baseline.yml").exists():
            raise DataError(
                [Problem(f"{DRILLS_DIR}/baseline.yml", 1, "the baseline scenario is missing")]
            )
        base = _load(folder / "baseline.yml", f"{DRILLS_DIR}/baseline.yml", EPOCH)
        found["baseline"] = base
        paths = sorted(p for p in folder.glob("*.yml") if p.name != "baseline.yml")
        for slot, path in enumerate(paths, start=1):
            rel = f"{DRILLS_DIR}/{path.name}"
            scenario = _load(path, rel, EPOCH + slot * WINDOW, base.series)
            if only is None or scenario.name in only or scenario.name == "baseline":
                found[scenario.name] = scenario
        return cls(found)

    def get(self, alert: str) -> Scenario | None:
        return self.scenarios.get(alert)

    def baseline_time(self) -> float:
        """When non-runbook PromQL is evaluated: the end of the baseline scenario."""
        base = self.scenarios.get("baseline")
        if base is None:
            raise DataError([Problem(DRILLS_DIR, 1, "baseline.yml is missing")])
        return float(base.end - STEP)

    def windows(self) -> list[tuple[int, int]]:
        """(start, end) of every scenario, for backfilling recording rules."""
        return [(s.start, s.end) for s in self.scenarios.values()]

    def openmetrics(self) -> str:
        """All scenarios' samples as one OpenMetrics text, grouped by metric family."""
        families: dict[str, list[str]] = {}
        for scenario in self.scenarios.values():
            for name, labels, values, offset in scenario.series:
                lines = families.setdefault(name, [])
                pairs = re.findall(r'(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"', labels)
                text = "{" + ",".join(f'{k}="{v}"' for k, v in pairs) + "}" if pairs else ""
                for i, value in enumerate(values):
                    if value is None:
                        continue
                    if offset:
                        value += scenario.start
                    lines.append(f"{name}{text} {value!r} {scenario.start + i * STEP}")
        out = []
        for name in sorted(families):
            out.extend(families[name])
        out.append("# EOF")
        return "\n".join(out) + "\n"
