"""The printable pre-submission checklist: for each procedure the note performs, plans or requests, every item its
policy lists with what the note records (its words), the item's source, and the diagnosis flags. It says what the
note records; it decides nothing about payment, and says so. Note text is escaped like every view of it."""

import html

from notecoder.procedures.claim import claim_lines
from notecoder.procedures.linkage import ASKED
from notecoder.result import NoteResult, ProcedureCheck
from notecoder.review.html import STATUS_WORDS

MARKS = {"documented": "\u2611", "not_documented": "\u2610", "contradicted": "\u2612", "needs_history": "?"}
SCOPE = ("This checklist says what the note records of the documentation items each Medicare policy lists for the "
         "procedure. It decides nothing about payment. Items marked unverified come from third-party summaries of the "
         "policy; check them against the contractor's current version. Commercial and Medicare Advantage plans are "
         "outside its scope.")  # fmt: skip
STYLE = """body { font: 13px/1.45 system-ui, sans-serif; color: #111; max-width: 900px; margin: 16px auto; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; }
th, td { border: 1px solid #bbb; padding: 4px 6px; text-align: left; vertical-align: top; }
td.mark { font-size: 16px; width: 1.5em; text-align: center; }
.s-contradicted, .s-not_documented { color: #9b0000; }
.s-needs_history, .c-other_step, .c-unclaimed { color: #7a5200; }
.c-not_named { color: #9b0000; }
.unverified, .scope, .source { color: #555; font-size: 11px; }
h2 { font-size: 15px; margin: 16px 0 2px; }
@media print { body { margin: 0; } }"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _procedure(check: ProcedureCheck) -> str:
    procedure = check.procedure
    where = " ".join(filter(None, (procedure.side, procedure.region,
                                   "-".join(procedure.levels[:1] + procedure.levels[-1:]) or None)))  # fmt: skip
    title = f"{procedure.family} {procedure.step.replace('_', ' ')}, {procedure.state}{', ' + where if where else ''}"
    rows = []
    for criterion in check.criteria:
        if criterion.status == "not_applicable":
            continue
        words = "; ".join(f"\u201c{e.text}\u201d" for e in criterion.evidence)
        unverified = ' <span class="unverified">unverified</span>' if not criterion.verified else ""
        rows.append(
            f'<tr class="s-{criterion.status}"><td class="mark">{MARKS[criterion.status]}</td>'
            f"<td>{_e(criterion.wording)}{unverified}</td><td>{_e(STATUS_WORDS[criterion.status])}</td>"
            f'<td>{_e(words)}</td><td class="source">{_e(criterion.source)}</td></tr>'
        )
    flags = "".join(
        f"<li>{_e(flag.message)}{' (unverified)' if not flag.verified else ''}</li>" for flag in check.linkage
    )
    return (
        f"<h2>{_e(title)} \u2014 {_e(check.policy)}</h2>"
        f'<p class="source">Note: \u201c{_e(procedure.evidence.text)}\u201d</p>'
        "<table><thead><tr><th></th><th>Item the policy lists</th><th>The note</th><th>Its words</th>"
        f"<th>Source</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        + (f"<p>Diagnoses proposed for the note, against the policy's code list:</p><ul>{flags}</ul>" if flags else "")
    )


def checklist_html(result: NoteResult, title: str = "Pre-submission documentation checklist") -> str:
    checks = [c for c in result.procedures if c.policy and c.procedure.state in ASKED]
    body = "".join(_procedure(c) for c in checks) or "<p>The note names no procedure these policies list.</p>"
    if claimed := claim_lines(result):
        items = "".join(f'<li class="c-{status}"><b>{_e(status.replace("_", " "))}</b> {_e(line)}</li>'
                        for status, line in claimed)  # fmt: skip
        body += f"<h2>Procedure codes given with the note</h2><ul>{items}</ul>"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body><h1>{_e(title)}</h1>"
        f'<p class="scope">{_e(SCOPE)}</p>{body}</body></html>'
    )
