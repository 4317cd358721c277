"""The diagnoses notecoder proposes for a note, set against the code list of the procedure's policy: a code the
policy's indications exclude (a radiculopathy on a facet procedure), a code it lists only with a condition the note
does not record (M53.8- for a facet cyst), a code not on its list, and for chiropractic a primary diagnosis that is
not a subluxation. What the list holds, with its source; never whether a claim will be paid."""

import re

from notecoder.procedures.policies import Diagnoses, Policy
from notecoder.result import LinkageFlag, NoteResult, ProcedureMention

ASKED = ("performed", "planned", "requested")
CONDITIONS = {"facet_cyst": re.compile(r"\b(synovial|facet|juxta-?facet)\s+cysts?\b", re.IGNORECASE)}
"""How the note records a condition a code list names (`only_with`)."""


def _source(diagnoses: Diagnoses) -> str:
    return f"{diagnoses.source.id}, {diagnoses.source.section}, {diagnoses.source.date}"


def _on(code: str, listed: tuple[str, ...]) -> bool:
    return any(code == item or code.startswith(item) for item in listed)


def linkage(text: str, result: NoteResult, procedure: ProcedureMention, policy: Policy) -> tuple[LinkageFlag, ...]:
    diagnoses = policy.diagnoses
    if diagnoses is None or procedure.state not in ASKED:
        return ()
    proposed = [c.code for c in result.codes] + [a.code for a in result.alternatives]
    flags = []

    def flag(code: str, kind, message: str) -> None:
        flags.append(LinkageFlag(code=code, kind=kind, message=message, source=_source(diagnoses),
                                 verified=diagnoses.verified))  # fmt: skip

    name = f"{policy.policy['id']}'s code list"
    for code in proposed:
        if _on(code, diagnoses.never):
            flag(code, "excluded", f"{code} is a diagnosis {name} does not hold for this procedure")
        elif code in diagnoses.only_with:
            condition = diagnoses.only_with[code]
            if not CONDITIONS[condition].search(text):
                said = condition.replace("_", " ")
                flag(code, "condition_required", f"{name} holds {code} only with a {said}, which the note does "
                     "not record")  # fmt: skip
        elif diagnoses.listed and not _on(code, diagnoses.listed):
            flag(code, "not_listed", f"{code} is not among the codes {name} holds")
    if diagnoses.primary_in and procedure.family == "cmt":
        primary = proposed[0] if proposed else None
        if primary is None or not _on(primary, diagnoses.primary_in):
            shown = f"{diagnoses.primary_in[0]}-{diagnoses.primary_in[-1]}"
            flag(primary or "none", "primary_required", f"chiropractic manipulation asks for a subluxation ({shown}) "
                 f"as the primary diagnosis; the first diagnosis proposed is {primary or 'none'}")  # fmt: skip
    return tuple(flags)
