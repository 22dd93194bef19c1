"""The Rego policy catalogue and the security pipeline stages, as records for pages and tests.

Policies are read from the `# METADATA` block above each `package` line in `infra/policy/*.rego`
(OPA's annotation format, so `opa inspect -a` and conftest see the same data); pipeline stages
from `ci/security/stages.yml`. Both feed the generated catalogue and controls-matrix pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from kb.model._errors import DataError, Problem
from kb.model.repo import Repository

POLICY_DIR = "infra/policy"
STAGES_FILE = "ci/security/stages.yml"
SEVERITIES = ("critical", "high", "medium", "low")
# SP 800-53 Rev. 5 control identifiers: family, number, optional enhancement, e.g. SC-28(1).
CONTROL = re.compile(r"^(?P<family>[A-Z]{2})-\d{1,2}(\(\d{1,2}\))?$")
POLICY_ID = re.compile(r"^PE-IAC-\d{3}$")

#: SP 800-53 Rev. 5 control families, in the publication's order.
FAMILIES = {
    "AC": "Access Control",
    "AT": "Awareness and Training",
    "AU": "Audit and Accountability",
    "CA": "Assessment, Authorization, and Monitoring",
    "CM": "Configuration Management",
    "CP": "Contingency Planning",
    "IA": "Identification and Authentication",
    "IR": "Incident Response",
    "MA": "Maintenance",
    "MP": "Media Protection",
    "PE": "Physical and Environmental Protection",
    "PL": "Planning",
    "PM": "Program Management",
    "PS": "Personnel Security",
    "PT": "PII Processing and Transparency",
    "RA": "Risk Assessment",
    "SA": "System and Services Acquisition",
    "SC": "System and Communications Protection",
    "SI": "System and Information Integrity",
    "SR": "Supply Chain Risk Management",
}


@dataclass(frozen=True)
class Policy:
    """One conftest policy: a Rego package with its METADATA annotations."""

    id: str
    title: str
    description: str
    severity: str
    nist_800_53: tuple[str, ...]
    owasp: tuple[str, ...]
    cis: tuple[str, ...]
    remediation: str
    package: str
    path: str
    line: int
    tests: tuple[str, ...]

    @property
    def test_path(self) -> str:
        return self.path.removesuffix(".rego") + "_test.rego"


@dataclass(frozen=True)
class Stage:
    """One stage of the security pipeline (a reusable workflow under ci/security/)."""

    id: str
    title: str
    workflow: str
    tools: tuple[str, ...]
    runs: str
    fails_on: str
    make_target: str
    nist_800_53: tuple[str, ...]
    ssdf: tuple[str, ...]
    owasp_cicd: tuple[str, ...]


def family(control: str) -> str:
    """The family code of an SP 800-53 control id: 'SC-28(1)' -> 'SC'."""
    return control.split("-", 1)[0]


def load_policies(repo: Repository) -> list[Policy]:
    """Every policy under infra/policy, sorted by id. Raises DataError listing every bad one."""
    return repo.memo("policies", lambda: _load_policies(repo))


def load_stages(repo: Repository) -> list[Stage]:
    """The pipeline stages in file order. Raises DataError for a malformed stages file."""
    return repo.memo("security_stages", lambda: _load_stages(repo))


def _load_policies(repo: Repository) -> list[Policy]:
    folder = repo.root / POLICY_DIR
    policies: list[Policy] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.rego")):
        if path.name.endswith("_test.rego"):
            continue
        try:
            policies.append(_parse_policy(repo, path))
        except DataError as exc:
            problems.extend(exc.problems)
    seen: dict[str, Policy] = {}
    for policy in policies:
        if policy.id in seen:
            problems.append(
                Problem(
                    policy.path,
                    policy.line,
                    f"policy id {policy.id} is also used by {seen[policy.id].path}",
                )
            )
        seen[policy.id] = policy
    if problems:
        raise DataError(sorted(problems))
    if not policies:
        raise DataError(Problem(POLICY_DIR, 1, "no policies found"))
    return sorted(policies, key=lambda p: p.id)


def _parse_policy(repo: Repository, path: Path) -> Policy:
    rel = repo.rel(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    package_line = next((i for i, line in enumerate(lines) if line.startswith("package ")), None)
    if package_line is None:
        raise DataError(Problem(rel, 1, "no package declaration"))
    start = package_line - 1
    while start >= 0 and lines[start].startswith("#") and lines[start].strip() != "# METADATA":
        start -= 1
    if start < 0 or lines[start].strip() != "# METADATA":
        raise DataError(
            Problem(rel, package_line + 1, "no # METADATA block directly above package")
        )
    block = "\n".join(
        line[2:] if line.startswith("# ") else line[1:] for line in lines[start + 1 : package_line]
    )
    try:
        meta = yaml.safe_load(block) or {}
    except yaml.YAMLError as exc:
        raise DataError(Problem(rel, start + 1, f"METADATA is not YAML: {exc}")) from None
    line = start + 1
    custom = meta.get("custom") or {}
    where = (rel, line)

    def need(mapping: dict, key: str, label: str) -> object:
        value = mapping.get(key)
        if value in (None, "", []):
            raise DataError(Problem(*where, f"METADATA lacks {label}"))
        return value

    policy_id = str(need(custom, "id", "custom.id"))
    if not POLICY_ID.match(policy_id):
        raise DataError(Problem(*where, f"custom.id {policy_id!r} is not PE-IAC-NNN"))
    severity = str(need(custom, "severity", "custom.severity"))
    if severity not in SEVERITIES:
        raise DataError(
            Problem(*where, f"custom.severity {severity!r} is not one of {', '.join(SEVERITIES)}")
        )
    controls = tuple(str(c) for c in need(custom, "nist_800_53", "custom.nist_800_53"))
    for control in controls:
        if not CONTROL.match(control) or family(control) not in FAMILIES:
            raise DataError(Problem(*where, f"{control!r} is not an SP 800-53 Rev. 5 control id"))
    package = lines[package_line].split()[1]
    if package != path.stem:
        raise DataError(
            Problem(
                rel, package_line + 1, f"package {package} must match the file name {path.stem}"
            )
        )
    test_file = path.with_name(f"{path.stem}_test.rego")
    tests = ()
    if test_file.is_file():
        tests = tuple(re.findall(r"^(test_\w+) if", test_file.read_text(encoding="utf-8"), re.M))
    if not tests:
        raise DataError(Problem(rel, line, f"no test_* rules in {repo.rel(test_file)}"))
    return Policy(
        id=policy_id,
        title=str(need(meta, "title", "title")),
        description=" ".join(str(need(meta, "description", "description")).split()),
        severity=severity,
        nist_800_53=controls,
        owasp=tuple(str(x) for x in custom.get("owasp") or ()),
        cis=tuple(str(x) for x in custom.get("cis") or ()),
        remediation=" ".join(str(need(custom, "remediation", "custom.remediation")).split()),
        package=package,
        path=rel,
        line=line,
        tests=tests,
    )


def _load_stages(repo: Repository) -> list[Stage]:
    path = repo.root / STAGES_FILE
    if not path.is_file():
        raise DataError(Problem(STAGES_FILE, 1, "missing"))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise DataError(Problem(STAGES_FILE, 1, f"not YAML: {exc}")) from None
    stages: list[Stage] = []
    problems: list[Problem] = []
    for index, item in enumerate(data.get("stages") or []):
        label = f"stage {index + 1}"
        try:
            stage = Stage(
                id=str(item["id"]),
                title=str(item["title"]),
                workflow=str(item["workflow"]),
                tools=tuple(item["tools"]),
                runs=str(item["runs"]),
                fails_on=str(item["fails_on"]),
                make_target=str(item.get("make_target") or ""),
                nist_800_53=tuple(str(c) for c in item["nist_800_53"]),
                ssdf=tuple(str(c) for c in item.get("ssdf") or ()),
                owasp_cicd=tuple(str(c) for c in item.get("owasp_cicd") or ()),
            )
        except (KeyError, TypeError) as exc:
            problems.append(Problem(STAGES_FILE, 1, f"{label} lacks {exc}"))
            continue
        if not (repo.root / stage.workflow).is_file():
            problems.append(Problem(STAGES_FILE, 1, f"{stage.id}: {stage.workflow} does not exist"))
        for control in stage.nist_800_53:
            if not CONTROL.match(control) or family(control) not in FAMILIES:
                problems.append(
                    Problem(
                        STAGES_FILE, 1, f"{stage.id}: {control!r} is not an SP 800-53 control id"
                    )
                )
        stages.append(stage)
    if problems:
        raise DataError(problems)
    if not stages:
        raise DataError(Problem(STAGES_FILE, 1, "no stages"))
    return stages


def controls_matrix(policies: list[Policy], stages: list[Stage]) -> list[dict]:
    """Rows per SP 800-53 family (publication order): its controls, policies and stages."""
    rows = []
    for code, name in FAMILIES.items():
        fam_policies = [p for p in policies if any(family(c) == code for c in p.nist_800_53)]
        fam_stages = [s for s in stages if any(family(c) == code for c in s.nist_800_53)]
        if not fam_policies and not fam_stages:
            continue
        controls = sorted(
            {c for p in fam_policies for c in p.nist_800_53 if family(c) == code}
            | {c for s in fam_stages for c in s.nist_800_53 if family(c) == code},
            key=_control_key,
        )
        rows.append(
            {
                "code": code,
                "name": name,
                "controls": controls,
                "policies": fam_policies,
                "stages": fam_stages,
            }
        )
    return rows


def _control_key(control: str) -> tuple[int, int]:
    match = re.match(r"^[A-Z]{2}-(\d+)(?:\((\d+)\))?$", control)
    if not match:  # unreachable for loaded data: ids are validated on load
        return (0, 0)
    return int(match.group(1)), int(match.group(2) or 0)
