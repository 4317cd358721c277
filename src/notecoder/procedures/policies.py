"""The policies a procedure is read against: one JSON file per family and policy version (policies/), each criterion
in our own words with its threshold, the steps and states it applies to, and its source (policy id, address,
section, date). Validated when loaded. A criterion whose only source is a third-party summary is `verified: false`:
it is reported as unverified, never enforced as if it were the policy's."""

import json
import re
from functools import cache
from importlib.resources import files
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

Family = Literal["facet", "esi", "si", "cmt"]
Step = Literal["diagnostic_block", "rfa_initial", "rfa_repeat", "therapeutic_ia", "esi", "si_diagnostic",
               "si_therapeutic", "cmt"]  # fmt: skip
State = Literal["performed", "planned", "requested", "negated", "historical"]
FORBIDDEN = re.compile(r"\b(covered|coverage|approved|approval|medically necessary|will be paid)\b", re.IGNORECASE)
"""What notecoder never says of a procedure: it says what the note records and which policy lists it."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    id: str
    address: str
    section: str
    date: str


class Condition(_Strict):
    """When a criterion applies beyond its steps: to a second block only, to a repeat, to a note with an x-ray."""

    block_number: int | None = None
    repeat: bool | None = None
    xray: bool | None = None


class Criterion(_Strict):
    id: str
    wording: str
    steps: tuple[Step, ...]
    states: tuple[State, ...] = ("performed", "planned", "requested")
    when: Condition | None = None
    threshold: dict[str, float] = {}
    history: bool = False
    """Only the record beyond the note can show it (frequency limits): needs_history unless the note lists it."""
    source: Source
    verified: bool

    @field_validator("wording")
    @classmethod
    def _says_what_the_note_records(cls, wording: str) -> str:
        if found := FORBIDDEN.search(wording):
            raise ValueError(f"a criterion's wording never says {found.group(0)!r}")
        return wording


class Diagnoses(_Strict):
    listed: tuple[str, ...] = ()
    """The codes the policy's list holds (a code or its category)."""
    only_with: dict[str, str] = {}
    """Codes the list holds for one condition only (M53.8x: a facet cyst)."""
    never: tuple[str, ...] = ()
    """Code prefixes the policy's indications exclude (a radiculopathy on a facet procedure)."""
    primary_in: tuple[str, ...] = ()
    """The codes one of which must be the primary diagnosis (chiropractic: subluxation)."""
    source: Source
    verified: bool


class Policy(_Strict):
    family: Family
    title: str
    policy: dict[str, str]
    steps: tuple[Step, ...]
    criteria: tuple[Criterion, ...]
    diagnoses: Diagnoses | None

    @model_validator(mode="after")
    def _criteria_fit(self) -> "Policy":
        for criterion in self.criteria:
            if not criterion.id.startswith(f"{self.family}."):
                raise ValueError(f"criterion {criterion.id} is not named for the {self.family} family")
            strange = set(criterion.steps) - set(self.steps)
            if strange:
                raise ValueError(f"criterion {criterion.id} names steps the policy has not: {sorted(strange)}")
        ids = [c.id for c in self.criteria]
        if len(ids) != len(set(ids)):
            raise ValueError(f"{self.family}: a criterion id appears twice")
        return self


@cache
def policies() -> dict[str, Policy]:
    """Every shipped policy, by family."""
    found: dict[str, Policy] = {}
    folder = files(__package__).joinpath("policies")
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".json"):
            continue
        try:
            policy = Policy.model_validate(json.loads(path.read_text(encoding="utf-8")))
        except ValueError as error:
            raise ValueError(f"procedures/policies/{path.name}: {error}") from None
        if policy.family in found:
            raise ValueError(f"procedures/policies/{path.name}: a second policy for {policy.family}")
        found[policy.family] = policy
    return found
