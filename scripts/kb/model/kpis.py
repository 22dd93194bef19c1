"""Delivery and reliability targets (`docs/devops/kpis.yml`): the five DORA metrics, SLOs, reviews.

The file holds what the organisation decided (targets, how each metric is measured here) and the
published benchmarks it compares against. Derived numbers, such as an SLO's error budget in
minutes and its burn-rate alert thresholds, are computed here so the page can never disagree
with the objective it was derived from.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kb.model import _yaml
from kb.model._errors import DataError, Problem
from kb.model._validate import validate
from kb.model.repo import Repository

KPIS_FILE = "docs/devops/kpis.yml"
_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_OWNER = r"^@[a-z0-9-]+$"

#: DORA's current five software delivery metrics (dora-metrics-guide); the file must define each.
DORA_METRICS = (
    "change-lead-time",
    "deployment-frequency",
    "failed-deployment-recovery-time",
    "change-fail-rate",
    "deployment-rework-rate",
)
CLUSTERS = ("elite", "high", "medium", "low")

#: Multiwindow, multi-burn-rate alerts (sre-workbook-alerting-on-slos): share of a 30-day budget
#: spent, long window, short window, burn rate, and whether it pages or opens a ticket.
BURN_RATE_ALERTS = (
    (0.02, "1h", "5m", 14.4, "page"),
    (0.05, "6h", "30m", 6.0, "page"),
    (0.10, "3d", "6h", 1.0, "ticket"),
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Benchmark(_Strict):
    """One metric's value for each 2024 DORA cluster, as DORA published it."""

    elite: str = Field(min_length=1)
    high: str = Field(min_length=1)
    medium: str = Field(min_length=1)
    low: str = Field(min_length=1)


class Kpi(_Strict):
    """A DORA delivery metric with its definition, how it is measured here and the target."""

    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    factor: Literal["throughput", "instability"]
    definition: str = Field(min_length=1)
    measured_from: str = Field(min_length=1)
    calculation: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    better: Literal["lower", "higher"]
    target: str = Field(min_length=1)
    alert_when: str = Field(min_length=1)
    benchmark_2024: Benchmark | None = None
    owner: str = Field(pattern=_OWNER)
    sources: list[str] = Field(min_length=1)


class Cluster(_Strict):
    """A 2024 DORA performance cluster and the share of respondents in it."""

    id: Literal["elite", "high", "medium", "low"]
    share_percent: int = Field(ge=0, le=100)


class BurnAlert(_Strict):
    """One multiwindow burn-rate alert for an SLO (derived, never read from the file)."""

    budget_share: float
    long_window: str
    short_window: str
    burn_rate: float
    notify: Literal["page", "ticket"]
    error_ratio: float


class Slo(_Strict):
    """A service level objective; the error budget follows from `objective` and `window_days`."""

    id: str = Field(pattern=_ID)
    service: str = Field(min_length=1)
    kind: Literal["availability", "latency"]
    sli: str = Field(min_length=1)
    objective: float = Field(gt=0, lt=100)
    window_days: int = Field(ge=1, le=366)
    owner: str = Field(pattern=_OWNER)
    #: `proposed`: agreed as a target but with no SLI rule or alert yet; pages must not imply one.
    status: Literal["active", "proposed"] = "active"
    #: The recording rule that computes the SLI's error ratio (checked against the rule files).
    recording_rule: str | None = Field(default=None, pattern=r"^[a-z_:][a-z0-9_:]*$")
    #: Stop-gap SLI used while the real one has no data (checked against the rule files).
    stopgap_recording_rule: str | None = Field(default=None, pattern=r"^[a-z_:][a-z0-9_:]*$")
    #: The burn-rate alerts that implement this SLO (checked against the rule files).
    alerts: list[str] = Field(default_factory=list)
    #: Ticket whose metrics the SLI needs before the alerts can fire, e.g. PE-105.
    pending: str | None = Field(default=None, pattern=r"^PE-\d+$")

    @model_validator(mode="after")
    def _rules_when_active(self) -> Slo:
        if self.status == "active" and (self.recording_rule is None or not self.alerts):
            raise ValueError("an active SLO names its recording_rule and its alerts")
        if self.status == "proposed" and self.alerts:
            raise ValueError("a proposed SLO has no alerts; make it active when they exist")
        return self

    @property
    def budget_ratio(self) -> float:
        """The error budget as a fraction of events (1 - objective)."""
        return round(1 - self.objective / 100, 10)

    @property
    def budget_minutes(self) -> float:
        """Minutes of total unavailability the budget allows over the window."""
        return round(self.budget_ratio * self.window_days * 24 * 60, 2)

    def burn_alerts(self) -> list[BurnAlert]:
        """The workbook's three burn-rate alerts with this SLO's error-ratio thresholds."""
        return [
            BurnAlert(
                budget_share=share,
                long_window=long,
                short_window=short,
                burn_rate=rate,
                notify=notify,
                error_ratio=round(rate * self.budget_ratio, 10),
            )
            for share, long, short, rate, notify in BURN_RATE_ALERTS
        ]


class Retrospective(_Strict):
    """A recurring review of delivery and reliability numbers."""

    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    cadence: str = Field(min_length=1)
    inputs: str = Field(min_length=1)
    output: str = Field(min_length=1)
    owner: str = Field(pattern=_OWNER)


class KpiFile(_Strict):
    """The whole of kpis.yml."""

    clusters_2024: list[Cluster] = Field(min_length=4, max_length=4)
    benchmark_caveats: list[str] = Field(min_length=1)
    metrics: list[Kpi] = Field(min_length=1)
    slos: list[Slo] = Field(min_length=1)
    retrospectives: list[Retrospective] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered_clusters(self) -> KpiFile:
        if tuple(c.id for c in self.clusters_2024) != CLUSTERS:
            raise ValueError("clusters_2024 must list elite, high, medium, low in that order")
        return self

    def metric(self, kpi_id: str) -> Kpi:
        """The metric with `kpi_id`; raises KeyError."""
        for kpi in self.metrics:
            if kpi.id == kpi_id:
                return kpi
        raise KeyError(kpi_id)


def parse_kpis(text: str, path: str) -> KpiFile:
    """Parse and validate kpis.yml text. Raises DataError with `path:line: message` problems."""
    data = _yaml.load(text, path)
    if not isinstance(data, dict):
        raise DataError(Problem(path, 1, "kpis.yml must be a mapping"))
    model, problems = validate(KpiFile, data, path)
    if problems:
        raise DataError(problems)
    if model is None:  # validate() returns a model whenever it reports no problem
        raise DataError(Problem(path, 1, "invalid file"))
    problems = []
    problems += _duplicates(data, "metrics", path)
    problems += _duplicates(data, "slos", path)
    problems += _duplicates(data, "retrospectives", path)
    ids = [kpi.id for kpi in model.metrics]
    for wanted in DORA_METRICS:
        if wanted not in ids:
            problems.append(
                Problem(path, data.lines["metrics"], f"metrics: missing the DORA metric '{wanted}'")
            )
    for index, kpi in enumerate(model.metrics):
        if kpi.id not in DORA_METRICS:
            line = data["metrics"][index].lines["id"]
            problems.append(
                Problem(
                    path, line, f"metrics[{index}].id: '{kpi.id}' is not one of DORA's five metrics"
                )
            )
    if problems:
        raise DataError(sorted(problems))
    return model


def _duplicates(data: _yaml.LineDict, key: str, path: str) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for index, item in enumerate(data[key]):
        if item["id"] in seen:
            problems.append(
                Problem(path, item.lines["id"], f"{key}[{index}].id: duplicate id '{item['id']}'")
            )
        seen.add(item["id"])
    return problems


def load_kpis(repo: Repository) -> KpiFile:
    """kpis.yml of `repo`, parsed once per repository. Raises DataError."""

    return repo.parse_file(KPIS_FILE, parse_kpis)
