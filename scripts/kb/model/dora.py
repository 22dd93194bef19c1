"""The five DORA software delivery metrics, computed from an events folder (kb.model.events).

Definitions follow DORA's metrics guide (reference `dora-metrics-guide`); the choices it leaves
open are made here once, for `kb dora` and the KPI page alike, and each guards against a mistake
that tools computing these numbers are known to make:

- Only production deployments count. A deployment is in production at its `finished` time; the
  window (`since`..`until`, whole UTC days) selects deployments by that time, incidents by `detected`.
- Change lead time: per change, deployment `finished` minus the change's `first_commit` (not its
  merge), over the changes of successful non-rollback deployments; the median, in hours.
- Deployment frequency: successful non-rollback deployments per week of the window. A rollback
  re-ships old code; counting it would make a bad week look busy.
- Change fail rate: failed deployments over non-rollback deployments. A deployment failed when its
  result is `failure`, an incident names it in `caused_by`, or a later deployment names it in
  `failed_deployment`; it counts once however many incidents it caused. Rollbacks are left out of
  the denominator, where they would dilute the rate.
- Failed deployment recovery time: per failed deployment, from its `finished` (not the incident's
  opening) to the earliest of the `mitigated` time of the incidents it caused and the `finished` time
  of a successful deployment naming it in `failed_deployment`; the median, in hours. Failures with
  neither are reported as unrecovered and left out of the median.
- Deployment rework rate: deployments made because of an incident (`incident` set, or a rollback)
  over all deployments, rollbacks and hotfixes included.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from kb.model.events import Deployment, Events, Incident

METRIC_KEYS = (
    "change_lead_time_hours",
    "deployment_frequency_per_week",
    "change_fail_rate",
    "failed_deployment_recovery_time_hours",
    "deployment_rework_rate",
)


@dataclass(frozen=True)
class Window:
    """Whole UTC days from `since` to `until`, both included."""

    since: dt.date
    until: dt.date

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    @property
    def weeks(self) -> float:
        return self.days / 7

    def holds(self, when: dt.datetime) -> bool:
        return self.since <= when.astimezone(dt.UTC).date() <= self.until


def default_window(events: Events, since: dt.date | None, until: dt.date | None) -> Window | None:
    """The window asked for, its open ends filled from the production deployments' and incidents' dates."""
    dates = sorted(
        [d.finished.date() for d in events.deployments if d.environment == "production"]
        + [i.detected.date() for i in events.incidents]
    )
    if since is None:
        since = dates[0] if dates else until
    if until is None:
        until = dates[-1] if dates else since
    if since is None or until is None:
        return None
    return Window(since, until)


@dataclass
class Metrics:
    """The five metrics for one service (or all), with the events behind them."""

    service: str | None
    window: Window | None
    deployments: list[Deployment] = field(default_factory=list)  # production, in the window
    incidents: list[Incident] = field(default_factory=list)  # detected in the window
    lead_times: list[float] = field(default_factory=list)  # hours, one per change
    failed: list[str] = field(default_factory=list)  # failed deployment ids
    recoveries: dict[str, float] = field(default_factory=dict)  # failed id -> hours
    rework: list[str] = field(default_factory=list)  # rework deployment ids

    @property
    def changes_deployed(self) -> list[Deployment]:
        return [d for d in self.deployments if not d.rollback]

    @property
    def successful_changes(self) -> list[Deployment]:
        return [d for d in self.changes_deployed if d.result == "success"]

    @property
    def unrecovered(self) -> list[str]:
        return [d for d in self.failed if d not in self.recoveries]

    def values(self) -> dict[str, float | int | None]:
        """The JSON keys of `kb dora`: medians in hours, rates as ratios, counts."""
        changes = self.changes_deployed
        return {
            "change_lead_time_hours": _round(_median(self.lead_times)),
            "deployment_frequency_per_week": (
                _round(len(self.successful_changes) / self.window.weeks) if self.window else None
            ),
            "change_fail_rate": _round(len(self.failed) / len(changes)) if changes else None,
            "failed_deployment_recovery_time_hours": _round(
                _median(list(self.recoveries.values()))
            ),
            "deployment_rework_rate": (
                _round(len(self.rework) / len(self.deployments)) if self.deployments else None
            ),
            "deployments": len(self.deployments),
            "incidents": len(self.incidents),
        }


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _hours(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 3600


def compute(events: Events, window: Window | None, service: str | None = None) -> Metrics:
    """The metrics of `service` (None: every service together) over `window`."""
    metrics = Metrics(service, window)
    if window is None:
        return metrics

    def mine(record) -> bool:
        return service is None or record.service == service

    production = [d for d in events.deployments if d.environment == "production" and mine(d)]
    metrics.deployments = [d for d in production if window.holds(d.finished)]
    metrics.incidents = [i for i in events.incidents if mine(i) and window.holds(i.detected)]
    for dep in metrics.successful_changes:
        metrics.lead_times.extend(_hours(dep.finished - c.first_commit) for c in dep.changes)
    # Failures and recoveries look at every event, not only the window's: the incident that
    # reveals a failed deployment may be detected after the window closes, and vice versa.
    caused = {}
    for inc in events.incidents:
        if inc.caused_by:
            caused.setdefault(inc.caused_by, []).append(inc)
    remedies = {}
    for dep in events.deployments:
        if dep.failed_deployment and dep.result == "success":
            remedies.setdefault(dep.failed_deployment, []).append(dep)
    for dep in metrics.changes_deployed:
        if dep.result == "failure" or dep.id in caused or dep.id in remedies:
            metrics.failed.append(dep.id)
            ends = [i.mitigated for i in caused.get(dep.id, []) if i.mitigated is not None]
            ends += [r.finished for r in remedies.get(dep.id, [])]
            ends = [e for e in ends if e >= dep.finished]
            if ends:
                metrics.recoveries[dep.id] = _hours(min(ends) - dep.finished)
    metrics.rework = [d.id for d in metrics.deployments if not d.planned]
    return metrics


def services_of(events: Events, service: str | None) -> list[str]:
    """The services to report: the one asked for, or every service with production events."""
    if service is not None:
        return [service]
    seen = {d.service for d in events.deployments if d.environment == "production"}
    seen |= {i.service for i in events.incidents}
    return sorted(seen)
