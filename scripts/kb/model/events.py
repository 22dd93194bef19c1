"""Delivery events: deployments and incidents, the data the DORA metrics are computed from.

An events folder (`docs/devops/events/` in the repository; any folder with the same layout for
`kb dora --events DIR`) holds three files:

- `services.yml` - the services events may name, with their owning team;
- `deployments.yml` - one record per deployment, with the field names of the payload the release
  pipeline writes with each GitHub deployment (`ci/release/deploy.yml`): service, version, digest,
  previous_digest, incident, rollback, rolled_back_from, failed_deployment; plus the environment,
  start and finish times, result and the commit range it shipped;
- `incidents.yml` - one record per incident: severity, started, detected, mitigated, resolved, the
  deployment that caused it, the runbooks used and the postmortem.

Every timestamp carries its UTC offset (a time without one is an error, because the same wall-clock
time means different instants in different offices) and is normalised to UTC when loaded. Loading
never raises for bad records: it returns `Problem`s pointing at the offending line.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from kb.model import _yaml
from kb.model._errors import DataError, Problem
from kb.model._validate import validate
from kb.model.repo import Repository

EVENTS_DIR = "docs/devops/events"
SERVICES_FILE = "services.yml"
DEPLOYMENTS_FILE = "deployments.yml"
INCIDENTS_FILE = "incidents.yml"
RUNBOOKS_DIR = "docs/devops/runbooks"

INCIDENT_ID = re.compile(r"^INC-[0-9]+$")
_SHA = r"[0-9a-f]{7,40}"
SEVERITIES = ("SEV-1", "SEV-2", "SEV-3", "SEV-4")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


class Service(_Strict):
    """A service that deployments and incidents may name."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    owner: str | None = Field(default=None, pattern=r"^@[a-z0-9-]+$")


class ServicesFile(_Strict):
    services: list[Service]


class Change(_Strict):
    """One change (pull request or direct commit) a deployment shipped."""

    sha: str = Field(pattern=f"^{_SHA}$", description="The change's commit on main.")
    first_commit: AwareDatetime = Field(
        description="The change's earliest commit (author time). Change lead time starts here, "
        "not at the merge."
    )
    merged: AwareDatetime | None = Field(
        default=None, description="When it was merged; informational, never used for lead time."
    )

    _to_utc = field_validator("first_commit", "merged")(
        lambda v: _utc(v) if v is not None else None
    )


_DIGEST = r"^sha256:[0-9a-f]{64}$"


class Deployment(_Strict):
    """One deployment of one service to one environment."""

    id: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        description="Unique id: the GitHub deployment id the pipeline created.",
    )
    service: str = Field(description="A service of services.yml.")
    version: str = Field(
        pattern=r"^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$",
        description="The SemVer tag deployed (for a rollback, the version returned to).",
    )
    environment: Literal["staging", "production"] = Field(
        description="Only production deployments count towards the metrics."
    )
    started: AwareDatetime = Field(description="The deployment's in_progress status.")
    finished: AwareDatetime = Field(
        description="The final status: the moment the deployment counts as in production."
    )
    result: Literal["success", "failure"] = Field(
        description="The final status; failure means the pipeline's after-checks failed."
    )
    commit_range: str | None = Field(
        default=None,
        pattern=f"^{_SHA}\\.\\.{_SHA}$",
        description="previous..this deployment's commit: what it shipped.",
    )
    changes: list[Change] = Field(
        default_factory=list, description="The changes in commit_range (none for a rollback)."
    )
    digest: str | None = Field(default=None, pattern=_DIGEST, description="Image digest deployed.")
    previous_digest: str | None = Field(
        default=None, pattern=_DIGEST, description="The digest it replaced: the rollback target."
    )
    incident: str | None = Field(
        default=None,
        pattern=INCIDENT_ID.pattern,
        description="Set on a hotfix or rollback made because of that incident: rework.",
    )
    rollback: bool = Field(default=False, description="True when it redeploys an earlier digest.")
    rolled_back_from: str | None = Field(
        default=None, pattern=_DIGEST, description="On a rollback: the digest it replaced."
    )
    failed_deployment: str | None = Field(
        default=None,
        description="The id of the deployment this rollback or hotfix repairs: that one failed.",
    )

    _to_utc = field_validator("started", "finished")(_utc)

    @field_validator("id", "failed_deployment", mode="before")
    @classmethod
    def _id_text(cls, value: object) -> object:
        # GitHub deployment ids are numbers; YAML reads an unquoted one as an int.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator(
        "incident",
        "digest",
        "previous_digest",
        "rolled_back_from",
        "failed_deployment",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        # The pipeline's payload writes "" for an unset input (jq --arg); it means "none".
        return None if value == "" else value

    @property
    def planned(self) -> bool:
        """False for rework: a rollback or hotfix made because of an incident."""
        return self.incident is None and not self.rollback


class Incident(_Strict):
    """One incident, from declaration to resolution."""

    id: str = Field(pattern=INCIDENT_ID.pattern, description="INC-<number>.")
    title: str = Field(min_length=1, description="What users saw, in a few words.")
    service: str = Field(description="A service of services.yml.")
    severity: Literal["SEV-1", "SEV-2", "SEV-3", "SEV-4"] = Field(
        description="The final level, as the postmortem settles it."
    )
    started: AwareDatetime = Field(description="When impact began (often found afterwards).")
    detected: AwareDatetime = Field(
        description="When an alert fired or someone reported it: the incident opened."
    )
    mitigated: AwareDatetime | None = Field(default=None, description="When impact stopped.")
    resolved: AwareDatetime | None = Field(
        default=None, description="When the cause was fixed and the incident closed."
    )
    caused_by: str | None = Field(
        default=None, description="The id of the deployment that caused it, if a change did."
    )
    runbooks: list[str] = Field(
        default_factory=list, description="Runbook pages used (file names without .md)."
    )
    runbooks_wrong: list[str] = Field(
        default_factory=list, description="Runbooks the postmortem found wrong (a subset)."
    )
    postmortem: str | None = Field(
        default=None,
        pattern=r"^(https://[^\s<>\"'`]+|docs/[A-Za-z0-9/_.-]+\.md)$",
        description="The postmortem: an https URL or a page as docs/<path>.md.",
    )

    @field_validator("caused_by", mode="before")
    @classmethod
    def _id_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    _to_utc = field_validator("started", "detected", "mitigated", "resolved")(
        lambda v: _utc(v) if v is not None else None
    )


class DeploymentsFile(_Strict):
    deployments: list[Deployment]


class IncidentsFile(_Strict):
    incidents: list[Incident]


@dataclass
class Events:
    """One events folder, loaded and cross-checked."""

    folder: str  # as given, for messages and links
    services: dict[str, Service] = field(default_factory=dict)
    deployments: list[Deployment] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    # (file, index) -> line of the record, for messages about a whole record
    lines: dict[tuple[str, int], int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def deployment(self, deployment_id: str) -> Deployment | None:
        return next((d for d in self.deployments if d.id == deployment_id), None)


def _load_list(
    folder: Path,
    label: str,
    name: str,
    key: str,
    model: type[BaseModel],
    problems: list[Problem],
    text: str | None = None,
):
    """Validate `<folder>/<name>` record by record; returns [(record, raw mapping)] of good ones."""
    path = f"{label}/{name}"
    file = folder / name
    if text is None and not file.is_file():
        problems.append(Problem(path, 1, f"missing events file (write `{key}: []` when empty)"))
        return [], path
    try:
        data = _yaml.load(text if text is not None else file.read_text(encoding="utf-8"), path)
    except DataError as exc:
        problems.extend(exc.problems)
        return [], path
    if not isinstance(data, dict) or set(data) != {key} or not isinstance(data[key], list):
        problems.append(Problem(path, 1, f"the file must be one mapping with a '{key}' list"))
        return [], path
    good = []
    for index, raw in enumerate(data[key]):
        record_line = data[key].lines[index]
        if not isinstance(raw, dict):
            problems.append(Problem(path, record_line, f"{key}[{index}] must be a mapping"))
            continue
        record, found = validate(model, raw, path)
        if found:
            # One line a record: the first problem is enough to fix, and it names its line.
            message = found[0].message
            if message.endswith("input should have timezone info"):
                message += ": write the UTC offset, e.g. 2026-11-10T14:00:00Z or +01:00"
            elif ".sha'" in message and message.endswith("input should be a valid string"):
                message += ': quote it (sha: "0123456"), YAML reads an all-digit SHA as a number'

            problems.append(Problem(path, found[0].line, f"{key}[{index}]: {message}"))
            continue
        good.append((record, raw))
    return good, path


def load_events(
    root: Path,
    folder: Path | str,
    runbooks: set[str] | None = None,
    incidents_text: str | None = None,
) -> Events:
    """Load an events folder; `runbooks` (page names) enables the runbook-name check.

    `incidents_text` stands in for incidents.yml, so a writer can validate before it replaces it.
    """
    folder = Path(folder) if Path(folder).is_absolute() else Path(root, folder)
    try:
        label = folder.resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        label = folder.as_posix()
    events = Events(label)
    if not folder.is_dir():  # a repository that records no events yet
        return events
    problems = events.problems
    services, _ = _load_list(folder, label, SERVICES_FILE, "services", Service, problems)
    for service, _raw in services:
        events.services[service.id] = service
    known = set(events.services)
    deployments, dpath = _load_list(
        folder, label, DEPLOYMENTS_FILE, "deployments", Deployment, problems
    )
    seen: dict[str, int] = {}
    for _index, (dep, raw) in enumerate(deployments):
        where = raw.line
        message = None
        if known and dep.service not in known:
            message = f"unknown service '{dep.service}' (not in {label}/{SERVICES_FILE})"
            where = raw.lines["service"]
        elif dep.finished < dep.started:
            message = "finished is before started"
            where = raw.lines["finished"]
        elif dep.id in seen:
            message = f"duplicate deployment id '{dep.id}' (first on line {seen[dep.id]})"
            where = raw.lines["id"]
        elif dep.rollback and dep.changes:
            message = "a rollback ships no new changes: drop 'changes'"
            where = raw.lines["changes"]
        elif any(c.first_commit > dep.finished for c in dep.changes):
            bad = next(i for i, c in enumerate(dep.changes) if c.first_commit > dep.finished)
            message = f"changes[{bad}].first_commit is after the deployment finished"
            where = raw["changes"].lines[bad]
        if message:
            problems.append(Problem(dpath, where, message))
            continue
        seen[dep.id] = raw.lines["id"]
        events.lines[(DEPLOYMENTS_FILE, len(events.deployments))] = raw.line
        events.deployments.append(dep)
    by_id = {d.id: d for d in events.deployments}
    for dep, raw in deployments:
        if by_id.get(dep.id) is not dep or not dep.failed_deployment:
            continue
        target = by_id.get(dep.failed_deployment)
        if target is None or target.service != dep.service or target is dep:
            problems.append(
                Problem(
                    dpath,
                    raw.lines["failed_deployment"],
                    f"failed_deployment '{dep.failed_deployment}' is not another deployment "
                    f"of {dep.service} in this file",
                )
            )
    incidents, ipath = _load_list(
        folder, label, INCIDENTS_FILE, "incidents", Incident, problems, incidents_text
    )
    seen = {}
    for inc, raw in incidents:
        message, where = _incident_problem(inc, raw, known, by_id, runbooks, label)
        if message is None and inc.id in seen:
            message = f"duplicate incident id '{inc.id}' (first on line {seen[inc.id]})"
            where = raw.lines["id"]
        if message:
            problems.append(Problem(ipath, where, message))
            continue
        seen[inc.id] = raw.lines["id"]
        events.lines[(INCIDENTS_FILE, len(events.incidents))] = raw.line
        events.incidents.append(inc)
    events.problems.sort()
    return events


def _incident_problem(inc: Incident, raw, known, by_id, runbooks, label):
    if known and inc.service not in known:
        return (
            f"unknown service '{inc.service}' (not in {label}/{SERVICES_FILE})",
            raw.lines["service"],
        )
    order = [("started", inc.started), ("detected", inc.detected)]
    order += [(k, v) for k, v in (("mitigated", inc.mitigated), ("resolved", inc.resolved)) if v]
    for (before, early), (after, late) in itertools.pairwise(order):
        if late < early:
            return f"{after} is before {before}", raw.lines[after]
    if inc.resolved and inc.mitigated is None:
        return "resolved without mitigated: an incident is mitigated by the time it is resolved", (
            raw.lines["resolved"]
        )
    if inc.caused_by is not None:
        dep = by_id.get(inc.caused_by)
        if dep is None:
            return f"caused_by '{inc.caused_by}' is not a deployment in this folder", raw.lines[
                "caused_by"
            ]
        if dep.service != inc.service:
            return (
                f"caused_by '{inc.caused_by}' is a {dep.service} deployment, not {inc.service}",
                raw.lines["caused_by"],
            )
    for index, name in enumerate(inc.runbooks_wrong):
        if name not in inc.runbooks:
            return f"runbooks_wrong names '{name}', which is not in runbooks", raw[
                "runbooks_wrong"
            ].lines[index]
    if runbooks is not None:
        for index, name in enumerate(inc.runbooks):
            if name not in runbooks:
                return (
                    f"runbook '{name}' is not a page in {RUNBOOKS_DIR}/",
                    raw["runbooks"].lines[index],
                )
    if inc.resolved and not inc.postmortem and inc.severity in ("SEV-1", "SEV-2"):
        return f"a resolved {inc.severity} needs a postmortem link", raw.lines["resolved"]
    return None, 0


def runbook_names(repo: Repository) -> set[str]:
    """Page names (file stems) of the runbooks under docs/devops/runbooks/."""
    base = Path(repo.root, RUNBOOKS_DIR)
    return {p.stem for p in base.glob("*.md") if p.name not in {"README.md", "index.md"}}


def repo_events(repo: Repository) -> Events:
    """The repository's own events folder, loaded once per Repository."""
    return repo.memo(
        "events", lambda: load_events(repo.root, EVENTS_DIR, runbooks=runbook_names(repo))
    )


def events_or_raise(repo: Repository) -> Events:
    """The repository's events; raises DataError when any record is invalid."""
    events = repo_events(repo)
    if events.problems:
        raise DataError(events.problems)
    return events


@dataclass(frozen=True)
class RunbookUse:
    """The latest incident that used a runbook."""

    incident: str
    date: dt.date  # the day the incident was detected (UTC)
    severity: str
    wrong: bool  # the postmortem found the runbook wrong
    postmortem: str | None


def runbook_uses(events: Events) -> dict[str, RunbookUse]:
    """Runbook name -> its latest use (by detection time); ties go to the later incident id."""
    latest: dict[str, tuple[dt.datetime, Incident]] = {}
    for inc in events.incidents:
        for name in inc.runbooks:
            if name not in latest or (inc.detected, inc.id) > (
                latest[name][0],
                latest[name][1].id,
            ):
                latest[name] = (inc.detected, inc)
    return {
        name: RunbookUse(
            inc.id, when.date(), inc.severity, name in inc.runbooks_wrong, inc.postmortem
        )
        for name, (when, inc) in latest.items()
    }


def runbooks_found_wrong(events: Events) -> dict[str, list[Incident]]:
    """Runbook name -> the incidents whose postmortem found it wrong."""
    found: dict[str, list[Incident]] = {}
    for inc in events.incidents:
        for name in inc.runbooks_wrong:
            found.setdefault(name, []).append(inc)
    return found
