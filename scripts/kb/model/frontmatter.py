"""Page front matter: the schema every page under docs/ follows, per page kind.

Keys and kinds are fixed by the architecture (title, kind, owner, status, last_reviewed,
review_every, lifecycle, tags, sources; runbooks add alert, service, severity). Unknown keys are
errors, so a typo such as `last_reveiwed` cannot silently switch off the review reminder.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Kind = Literal[
    "playbook", "runbook", "checklist", "standard", "sop", "reference", "service", "page"
]
Stage = Literal["plan", "code", "build", "test", "release", "deploy", "operate", "monitor"]
STAGES: tuple[str, ...] = Stage.__args__
KINDS: tuple[str, ...] = Kind.__args__

TAG_MAX = 40
#: What a tag may be (see `FrontMatter._tag_charset`); the build refuses anything else too.
TAG = re.compile(rf"(?=.{{1,{TAG_MAX}}}$)[a-z0-9]+(?:-[a-z0-9]+)*")
_PERIOD = re.compile(r"^(?P<n>[1-9]\d{0,3})(?P<unit>[dwmy])$")
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}


def is_plain_text(text: str) -> bool:
    """True when `text` has no '<', '>' or Jinja delimiter (titles and descriptions)."""
    return re.search(r"[<>]|\{\{|\}\}|\{%|%\}|\{#", text) is None


def parse_period(text: str) -> dt.timedelta:
    """`90d`, `12w`, `6m` (30-day months) or `1y` as a timedelta. Raises ValueError."""
    match = _PERIOD.match(str(text))
    if not match:
        raise ValueError(f"review period {text!r} is not a number followed by d, w, m or y")
    return dt.timedelta(days=int(match["n"]) * _UNIT_DAYS[match["unit"]])


class SearchSettings(BaseModel):
    """Material's per-page search settings: leave a page out of the index, or rank it lower."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    exclude: bool = Field(default=False, description="Leave the page out of the search index")
    boost: float | None = Field(
        default=None, gt=0, description="Multiply the page's search score (below 1 ranks it lower)"
    )


class FrontMatter(BaseModel):
    """Front matter of one page. Which keys are required depends on `kind` (see `_per_kind`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1, description="Page title as readers see it; plain text")
    kind: Kind = Field(description="What the page is; decides which other keys are required")
    owner: str = Field(
        pattern=r"^@[a-z0-9][a-z0-9-]*$", description="Owning team, a handle from owners.yml"
    )
    status: Literal["draft", "active", "deprecated"] = Field(
        description="draft (not for production use yet), active, or deprecated (kept for history)"
    )
    last_reviewed: dt.date = Field(description="Date of the last review, YYYY-MM-DD")
    review_every: str = Field(description="Review period: a number and d, w, m (30 d) or y")
    lifecycle: Stage | list[Stage] | None = Field(
        default=None, description="Lifecycle stage(s) the page serves"
    )
    tags: list[str] = Field(
        default_factory=list,
        description="Tags shown on the tags page: lowercase words joined by dashes, e.g. `ci-cd`",
    )
    sources: list[str] = Field(
        default_factory=list, description="Reference ids (third_party/references) the page rests on"
    )
    # Runbooks only.
    alert: str | None = Field(
        default=None, pattern=r"^[A-Za-z][A-Za-z0-9_]*$", description="Alert the runbook answers"
    )
    service: str | None = Field(
        default=None, pattern=r"^[a-z][a-z0-9-]*$", description="Service the alert belongs to"
    )
    severity: Literal["page", "ticket", "heartbeat"] | None = Field(
        default=None,
        description="page (wake someone), ticket (next working day) or heartbeat (always firing)",
    )
    # Keys read by MkDocs, mkdocs-macros and Material.
    render_macros: bool = Field(default=False, description="Opt the page in to macros")
    hide: list[Literal["navigation", "toc", "footer", "tags", "feedback", "path"]] = Field(
        default_factory=list, description="Material page parts to hide"
    )
    description: str | None = Field(default=None, description="Meta description for search")
    search: SearchSettings | None = Field(
        default=None, description="Search index settings (generated dashboards stay out)"
    )

    @field_validator("title", "description")
    @classmethod
    def _plain_text(cls, value: str | None) -> str | None:
        # MkDocs and Material put titles into the nav and <title> as HTML, and mkdocs-macros
        # renders a title containing Jinja delimiters: a title must be plain text.
        if value is not None and not is_plain_text(value):
            raise ValueError("must be plain text: no '<', '>' or Jinja delimiters")
        return value

    @field_validator("tags")
    @classmethod
    def _tag_charset(cls, value: list[str]) -> list[str]:
        # Material's tags plugin puts tag names into page HTML, the tags page and its table of
        # contents without escaping, so a tag is limited to characters that mean nothing there.
        for tag in value:
            if not TAG.fullmatch(tag):
                raise ValueError(
                    f"tag {tag!r} must be lowercase letters and digits joined by single dashes "
                    f"(at most {TAG_MAX} characters), e.g. 'ci-cd'"
                )
        return value

    @field_validator("last_reviewed", mode="before")
    @classmethod
    def _date(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{value!r} is not a date in YYYY-MM-DD form") from None
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise ValueError(f"{value!r} is not a date in YYYY-MM-DD form")
        return value

    @field_validator("review_every")
    @classmethod
    def _period(cls, value: str) -> str:
        parse_period(value)
        return value

    @model_validator(mode="after")
    def _per_kind(self) -> FrontMatter:
        runbook_keys = {"alert": self.alert, "severity": self.severity}
        if self.kind == "runbook":
            missing = [k for k in ("alert", "service", "severity") if getattr(self, k) is None]
            if missing:
                raise ValueError(f"a runbook needs {', '.join(repr(k) for k in missing)}")
        elif any(v is not None for v in runbook_keys.values()):
            keys = ", ".join(repr(k) for k, v in runbook_keys.items() if v is not None)
            raise ValueError(f"{keys} only belong on runbooks, not on kind '{self.kind}'")
        if self.kind == "playbook" and not self.lifecycle:
            raise ValueError("a playbook needs 'lifecycle' (the stage it serves)")
        if (
            self.kind in {"playbook", "standard", "sop"}
            and self.status == "active"
            and not (self.sources)
        ):
            raise ValueError(f"an active {self.kind} needs 'sources' (reference ids it rests on)")
        return self

    @property
    def stages(self) -> list[str]:
        """The lifecycle stages as a list (empty when none applies)."""
        if self.lifecycle is None:
            return []
        return [self.lifecycle] if isinstance(self.lifecycle, str) else list(self.lifecycle)

    def review_due(self) -> dt.date:
        """The date the next review is due."""
        return self.last_reviewed + parse_period(self.review_every)

    def overdue_days(self, today: dt.date) -> int:
        """Days past the due date (0 or negative: not overdue)."""
        return (today - self.review_due()).days


#: Keys each kind requires beyond the ones every page needs (enforced in `_per_kind`).
REQUIRED_BY_KIND: dict[str, tuple[str, ...]] = {
    "runbook": ("alert", "service", "severity"),
    "playbook": ("lifecycle", "sources (when active)"),
    "standard": ("sources (when active)",),
    "sop": ("sources (when active)",),
}
ALWAYS_REQUIRED = ("title", "kind", "owner", "status", "last_reviewed", "review_every")
