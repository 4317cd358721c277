"""What a claim or a prior-authorization request says beside the note: the procedure codes billed or requested, the
payer's jurisdiction (Medicare A/B MAC) and the date of service.

Procedure codes are opaque strings the user maps to notecoder's own family and step ids (a CSV or JSON code map):
CPT descriptors are the AMA's, licensed, so notecoder ships no procedure code table and no descriptor. A code is
read against the procedures the note names: the note names it, names the family at another step, or does not name
it at all. The jurisdiction says which policy that MAC publishes for each family (where notecoder has a source) and
the date of service dates the note's "since 2021" and sets the policy version read against the day of care."""

import csv
import json
import re
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from notecoder.procedures.linkage import ASKED
from notecoder.procedures.policies import Policy, policies
from notecoder.result import ClaimCheck, CodeMatch, NoteResult, ProcedureCheck

FAMILIES = ("facet", "esi", "si", "cmt", "pt")


@cache
def _jurisdictions() -> dict[str, Any]:
    return json.loads(files(__package__).joinpath("jurisdictions.json").read_text(encoding="utf-8"))


def jurisdiction_id(value: str) -> str:
    """A MAC jurisdiction as notecoder names it: "15", "j-15", "J15" -> J15; "e", "JE" -> JE."""
    known = _jurisdictions()["jurisdictions"]
    bare = re.sub(r"[\s\-_]", "", value).upper()
    for name in (bare, f"J{bare}"):
        if name in known:
            return name
    raise ValueError(f"jurisdiction must be a Medicare A/B MAC jurisdiction ({', '.join(known)}), not {value!r}")


def _steps(family: str) -> tuple[str, ...]:
    policy = policies().get(family)
    return policy.steps if policy else ("pt",)


class ClaimedCode(BaseModel):
    """A procedure code as the user's code map reads it: the family, and the step when the code names one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    family: str | None = None
    """None: the code map does not hold the code; it is reported, not read."""
    step: str | None = None

    @model_validator(mode="after")
    def _known(self) -> "ClaimedCode":
        if self.family is not None and self.family not in FAMILIES:
            raise ValueError(f"code {self.code}: family must be one of {', '.join(FAMILIES)}, not {self.family!r}")
        if self.step is not None and (self.family is None or self.step not in _steps(self.family)):
            steps = ", ".join(_steps(self.family)) if self.family else "none without a family"
            raise ValueError(f"code {self.code}: step must be one of {steps}, not {self.step!r}")
        return self


class Claim(BaseModel):
    """What comes with the note: the codes billed or requested, the jurisdiction, the date of service."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    codes: tuple[ClaimedCode, ...] = ()
    jurisdiction: str | None = None
    date_of_service: date | None = None

    @field_validator("jurisdiction")
    @classmethod
    def _jurisdiction(cls, value: str | None) -> str | None:
        return None if value is None else jurisdiction_id(value)


class CodeMap:
    """The user's map from their procedure codes to notecoder's family and step ids."""

    def __init__(self, entries: dict[str, ClaimedCode]) -> None:
        self.entries = entries

    def __getitem__(self, code: str) -> ClaimedCode:
        return self.entries.get(code.strip(), ClaimedCode(code=code.strip()))

    def claim(self, codes: list[str] | tuple[str, ...] = (), jurisdiction: str | None = None,
              date_of_service: date | str | None = None) -> Claim:  # fmt: skip
        return Claim(codes=tuple(self[c] for c in codes if c.strip()), jurisdiction=jurisdiction,
                     date_of_service=date_of_service)  # fmt: skip

    @classmethod
    def read(cls, path: str | Path) -> "CodeMap":
        """A CSV with the columns code, family and (optionally) step, or a JSON object {code: "family" or
        "family.step"}. A bad row is refused with its line and the field named; the map's codes never appear in an
        error about a note."""
        path = Path(path)
        try:
            raw = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            raise ValueError(f"{path}: not UTF-8 text (byte {error.start})") from None
        rows: list[tuple[str, dict[str, str | None]]] = []
        if path.suffix.lower() == ".json":
            try:
                data = json.loads(raw)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}: not JSON (line {error.lineno}: {error.msg})") from None
            if not isinstance(data, dict):
                raise ValueError(f'{path}: a JSON code map is an object {{code: "family" or "family.step"}}')
            for code, target in data.items():
                family, _, step = str(target).partition(".")
                rows.append((f"{path}: code {code}", {"code": code, "family": family, "step": step or None}))
        else:
            reader = csv.DictReader(raw.splitlines())
            missing = {"code", "family"} - set(reader.fieldnames or ())
            if missing:
                raise ValueError(f"{path}: the code map's header needs the column(s) {', '.join(sorted(missing))}")
            for line, row in enumerate(reader, start=2):
                cells = {name: (row.get(name) or "").strip() for name in ("code", "family", "step")}
                rows.append((f"{path}, line {line}", {**cells, "step": cells["step"] or None}))
        entries: dict[str, ClaimedCode] = {}
        for where, row in rows:
            if not row["code"]:
                raise ValueError(f"{where}: the code is empty")
            if row["code"] in entries:
                raise ValueError(f"{where}: code {row['code']} is mapped twice")
            try:
                entries[row["code"]] = ClaimedCode.model_validate(row)
            except ValueError as error:
                reason = error.errors()[0]["msg"] if hasattr(error, "errors") else str(error)
                raise ValueError(f"{where}: {reason.removeprefix('Value error, ')}") from None
        return cls(entries)


def _match(code: ClaimedCode, checks: tuple[ProcedureCheck, ...]) -> CodeMatch:
    if code.family is None:
        return CodeMatch(code=code.code, status="unmapped", message=f"{code.code} is not in the code map: not read")
    kin = [(i, c.procedure) for i, c in enumerate(checks) if c.procedure.family == code.family]
    asked = [(i, p) for i, p in kin if p.state in ASKED]
    what = code.family if code.step is None else f"{code.family} {code.step.replace('_', ' ')}"
    same = [(i, p) for i, p in asked if code.step is None or p.step == code.step]
    if same:
        i, procedure = same[0]
        return CodeMatch(code=code.code, family=code.family, step=code.step, status="named", procedure=i,
                         message=f"the note names the {what} ({procedure.state})")  # fmt: skip
    if asked:
        i, procedure = asked[0]
        return CodeMatch(code=code.code, family=code.family, step=code.step, status="other_step", procedure=i,
                         message=f"{code.code} is a {what}; the note's {code.family} procedure reads as "
                         f"{procedure.step.replace('_', ' ')} ({procedure.state})")  # fmt: skip
    if kin:
        states = " or ".join(sorted({p.state for _, p in kin}))
        message = f"the note names the {code.family} procedure only as {states}, not performed, planned or requested"
    else:
        message = f"the note names no {what} performed, planned or requested"
    return CodeMatch(code=code.code, family=code.family, step=code.step, status="not_named", message=message)


def _policy_notes(claim: Claim, checks: tuple[ProcedureCheck, ...]) -> list[str]:
    notes = []
    table = _jurisdictions()
    shipped: dict[str, Policy] = policies()
    for family in dict.fromkeys(c.procedure.family for c in checks if c.policy and c.procedure.state in ASKED):
        policy = shipped[family]
        read = policy.policy["id"]
        if claim.jurisdiction:
            known = table["families"].get(family, {})
            theirs = known.get("policies", {}).get(claim.jurisdiction)
            mac = f"{claim.jurisdiction} ({table['jurisdictions'][claim.jurisdiction]})"
            if theirs == read:
                notes.append(f"{family}: {mac} publishes {read}, the policy read")
            elif theirs:
                notes.append(f"{family}: {mac} publishes {theirs}; the items read are {read}'s. "
                             f"{known['coordinated']} Check {theirs}'s current version")  # fmt: skip
            else:
                notes.append(f"{family}: notecoder has no record of the policy {mac} publishes; the items read are "
                             f"{read}'s. Check the contractor's own")  # fmt: skip
        version = policy.policy.get("version_date", "")
        if claim.date_of_service and version and claim.date_of_service.isoformat()[: len(version)] < version:
            served = claim.date_of_service.isoformat()
            notes.append(f"{family}: the date of service ({served}) is before the version of {read} read "
                         f"({version}); the version in force that day may differ")  # fmt: skip
    return notes


def check_claim(claim: Claim, checks: tuple[ProcedureCheck, ...]) -> ClaimCheck:
    """Each code against the note's procedures; a procedure performed that no code names; what the jurisdiction
    and the date of service change in what was read."""
    matches = tuple(_match(code, checks) for code in claim.codes)
    claimed = {m.procedure for m in matches if m.procedure is not None}
    unclaimed = tuple(i for i, c in enumerate(checks) if claim.codes and c.procedure.state == "performed"
                      and c.procedure.family != "pt" and i not in claimed)  # fmt: skip
    return ClaimCheck(codes=matches, unclaimed=unclaimed, jurisdiction=claim.jurisdiction,
                      date_of_service=claim.date_of_service, notes=tuple(_policy_notes(claim, checks)))  # fmt: skip


def claim_lines(result: NoteResult) -> list[tuple[str, str]]:
    """(status, sentence) for each thing the claim check says, in the order a reviewer reads them: what was given,
    each code, each procedure performed that no code names, then what the jurisdiction and the date change. The
    terminal and the printed checklist show these same lines."""
    check = result.claim
    if check is None:
        return []
    given = [f"jurisdiction {check.jurisdiction}"] if check.jurisdiction else []
    if check.date_of_service:
        given.append(f"date of service {check.date_of_service.isoformat()}")
    lines = [("given", ", ".join(given))] if given else []
    lines += [(m.status, f"{m.code}: {m.message}") for m in check.codes]
    for i in check.unclaimed:
        procedure = result.procedures[i].procedure
        lines.append(("unclaimed", f"the note performs a {procedure.family} {procedure.step.replace('_', ' ')} that "
                      "no code given names"))  # fmt: skip
    return lines + [("note", note) for note in check.notes]
