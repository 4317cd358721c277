"""A result as a coder reads it on a terminal: each code with its title and confidence, the evidence quoted with
where it stands in the note, the alternatives with their reason, each gap with the query to send the physician.
Everything from the note is printed as text, never as console markup."""

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

from notecoder.procedures.claim import claim_lines
from notecoder.result import Alternative, CodeProposal, Finding, NoteResult, ProcedureCheck

STATUS_STYLES = {"documented": "green", "not_documented": "red", "contradicted": "bold red", "needs_history": "yellow"}
CLAIM_STYLES = {"named": "green", "other_step": "yellow", "not_named": "bold red", "unmapped": "dim",
                "unclaimed": "yellow", "given": "dim", "note": "cyan"}  # fmt: skip


def _place(finding: Finding, text: str | None) -> str:
    where = (finding.section or "no section").replace("_", " ")
    if text is None:
        return f"{where}, characters {finding.start}-{finding.end}"
    line = text.count("\n", 0, finding.start) + 1
    column = finding.start - (text.rfind("\n", 0, finding.start) + 1) + 1
    return f"{where}, line {line}:{column}"


def _evidence(findings: tuple[Finding, ...], text: str | None) -> list[Text]:
    lines = []
    for finding in findings:
        line = Text("  ")
        line.append(f'"{finding.text}"', style="bold")
        line.append(f"  {_place(finding, text)}", style="dim")
        if finding.assertion != "present":
            cause = finding.assertion_cause
            why = f" by '{cause.text}'" if cause is not None else ""
            line.append(f"  ({finding.assertion.value}{why})", style="yellow")
        lines.append(line)
    return lines


def _confidence(value: float | None) -> Text:
    if value is None:
        return Text("")
    style = "green" if value >= 0.8 else "yellow" if value >= 0.5 else "red"
    return Text(f"  confidence {value:.2f}", style=style)


def _proposal(proposal: CodeProposal | Alternative, why: str, text: str | None) -> Group:
    head = Text(proposal.code, style="bold cyan")
    head.append(f"  {proposal.title}")
    head.append_text(_confidence(proposal.confidence))
    return Group(head, Padding(Text(why, style="italic"), (0, 0, 0, 2)), *_evidence(proposal.evidence, text))


def render(result: NoteResult, text: str | None = None) -> Group:
    parts: list = [Text(f"setting: {result.setting.value}; {len(result.findings)} findings", style="dim")]
    sections = (
        ("Codes", [_proposal(c, c.rationale, text) for c in result.codes], "no M53 code proposed"),
        ("Alternatives", [_proposal(a, a.reason, text) for a in result.alternatives], "none"),
    )
    for title, items, empty in sections:
        body: list = items or [Text(empty, style="dim")]
        parts.append(Panel(Group(*body), title=title, title_align="left", expand=True))
    gaps: list = []
    for gap in result.gaps:
        head = Text(gap.id, style="bold magenta")
        if gap.code:
            head.append(f"  for {gap.code}")
        query = Text("Query: ", style="bold").append(gap.query, style="")
        gaps.append(Group(head, Padding(Text(gap.message), (0, 0, 0, 2)), Padding(query, (0, 0, 0, 2))))
    parts.append(Panel(Group(*(gaps or [Text("none", style="dim")])), title="Gaps", title_align="left", expand=True))
    if result.procedures:
        body = [_procedure(check, text) for check in result.procedures]
        parts.append(Panel(Group(*body), title="Procedures: what the note records of each policy's items",
                           title_align="left", expand=True))  # fmt: skip
    if claimed := claim_lines(result):
        body = [Text(f"{status.replace('_', ' '):11}", style=CLAIM_STYLES.get(status, "")).append(f" {line}", style="")
                for status, line in claimed]  # fmt: skip
        parts.append(Panel(Group(*body), title="Procedure codes given with the note", title_align="left", expand=True))
    return Group(*parts)


def _procedure(check: ProcedureCheck, text: str | None) -> Group:
    """A procedure and each item its policy lists that applies: documented (with the words), not documented,
    contradicted, or needing the record beyond the note. Never whether it is covered or paid."""
    procedure = check.procedure
    head = Text(f"{procedure.family} {procedure.step.replace('_', ' ')}", style="bold cyan")
    where = " ".join(
        filter(
            None,
            (
                procedure.side,
                procedure.region,
                "-".join(procedure.levels[:1] + procedure.levels[-1:]) if procedure.levels else None,
            ),
        )
    )
    head.append(f"  {procedure.state}{'  ' + where if where else ''}")
    head.append(f"  ({check.policy})" if check.policy else "  (flagged only: no policy items read)", style="dim")
    lines: list = [head, *_evidence((procedure.evidence,), text)]
    for criterion in check.criteria:
        if criterion.status == "not_applicable":
            continue
        line = Text(f"  {criterion.status.replace('_', ' '):15}", style=STATUS_STYLES[criterion.status])
        line.append(f" {criterion.wording}")
        if not criterion.verified:
            line.append("  (unverified: third-party summary)", style="dim")
        if criterion.evidence:
            line.append("  " + "; ".join(f'"{e.text}"' for e in criterion.evidence[:2]), style="italic")
        lines.append(line)
    for flag in check.linkage:
        line = Text(f"  {'diagnosis':15}", style="magenta")
        line.append(f" {flag.message}")
        if not flag.verified:
            line.append("  (unverified: third-party summary)", style="dim")
        lines.append(line)
    return Group(*lines)


def print_result(result: NoteResult, text: str | None, console: Console) -> None:
    console.print(render(result, text))
