"""Review views: the note with its evidence highlighted, beside the codes, alternatives and gaps it supports.

Note text is untrusted: every piece of it goes through `html.escape`, and the only markup is built here. Linking a
code to its evidence needs no script (CSS `:has()`), so the view works in an untrusted notebook too."""

import hashlib
import html
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files

from notecoder.batch.csv_cells import FORMULA_START
from notecoder.mapper import mapper_rules
from notecoder.mapper.icd import tabular_titles
from notecoder.result import Alternative, Assertion, CodeProposal, Finding, Gap, NoteResult

TAGS = {
    Assertion.NEGATED: "neg",
    Assertion.POSSIBLE: "poss",
    Assertion.HYPOTHETICAL: "hyp",
    Assertion.HISTORICAL: "hist",
    Assertion.FAMILY: "fam",
}
KINDS = ("spinal_level", "condition", "imaging", "neuro_exam", "conservative_care", "symptom", "trauma", "chronicity")


def sample_notes() -> dict[str, str]:
    """The sample notes bundled with the package (written for it: no patient's), by name."""
    folder = files("notecoder").joinpath("data", "samples")
    return {p.name.removesuffix(".txt"): p.read_text(encoding="utf-8") for p in sorted(folder.iterdir(), key=str)
            if p.name.endswith(".txt")}  # fmt: skip


def stylesheet() -> str:
    return files(__package__).joinpath("review.css").read_text(encoding="utf-8")


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _key(finding: Finding) -> tuple:
    return (finding.kind, finding.start, finding.end)


def _describe(finding: Finding) -> str:
    assertion = finding.assertion.value
    if finding.assertion_cause is not None:  # "negated by 'denies'": the cue or the section that set it
        assertion += f" by '{finding.assertion_cause.text}'"
    parts = [finding.kind.value.replace("_", " "), finding.concept, assertion]
    if finding.value:
        parts.append(finding.value)
    if finding.levels:
        parts.append(f"{finding.levels[0]}-{finding.levels[-1]}" if len(finding.levels) > 1 else finding.levels[0])
    if finding.region is not None:
        parts.append(f"region {int(finding.region)}")
    if finding.section:
        parts.append(f"in {finding.section}")
    return " · ".join(parts)


def _highlighted(text: str, findings: tuple[Finding, ...], links: dict[tuple, list[str]]) -> str:
    """The note as escaped text with one <mark> per stretch covered by findings (the innermost one styles it)."""
    spans = [f for f in findings if f.end > f.start]
    cuts = sorted({0, len(text), *(f.start for f in spans), *(f.end for f in spans)})
    starting: dict[int, list[Finding]] = defaultdict(list)
    for finding in spans:
        starting[finding.start].append(finding)
    active: list[Finding] = []  # the findings covering the stretch at hand: a sweep, not a scan per stretch
    out = []
    for low, high in zip(cuts, cuts[1:], strict=False):
        piece = _e(text[low:high])
        active = [f for f in active if f.end > low] + starting.get(low, [])
        covering = active
        if not covering:
            out.append(piece)
            continue
        inner = min(covering, key=lambda f: f.end - f.start)
        classes = ["nc-f", f"k-{inner.kind.value}", f"a-{inner.assertion.value}"]
        classes += sorted({c for f in covering for c in links.get(_key(f), ())})
        tip = " | ".join(_describe(f) for f in sorted(covering, key=lambda f: f.end - f.start))
        out.append(f'<mark class="{" ".join(classes)}" title="{_e(tip)}">{piece}</mark>')
        for finding in covering:
            if finding.end == high and finding.assertion in TAGS:
                out.append(f'<sup class="nc-tag a-{finding.assertion.value}">{TAGS[finding.assertion]}</sup>')
    return "".join(out)


def _confidence(value: float | None) -> str:
    return "" if value is None else f' <span class="nc-conf" title="confidence">{value:.2f}</span>'


def _panel(result: NoteResult) -> str:
    def items(entries, css: str, prefix: str, detail) -> str:
        rows = []
        for i, entry in enumerate(entries):
            rows.append(
                f'<li class="nc-item {css}" data-ev="{prefix}{i}"><b>{_e(entry.code)}</b> {_e(entry.title)}'
                f"{_confidence(entry.confidence)}"
                f'<div class="nc-detail">{_e(detail(entry))}</div></li>'
            )
        return "".join(rows) or '<li class="nc-none">none</li>'

    gaps = "".join(
        f'<li class="nc-item nc-gap"><b>{_e(g.id)}</b>{" · " + _e(g.code) if g.code else ""}'
        f'<div class="nc-detail">{_e(g.message)}</div><div class="nc-query">Query: {_e(g.query)}</div></li>'
        for g in result.gaps
    )
    return (
        f"<h4>Proposed codes</h4><ul>{items(result.codes, 'nc-code', 'c', lambda c: c.rationale)}</ul>"
        f"<h4>Alternatives</h4><ul>{items(result.alternatives, 'nc-alt', 'a', lambda a: a.reason)}</ul>"
        f"<h4>Documentation gaps</h4><ul>{gaps or '<li class=nc-none>none</li>'}</ul>"
        f"{_procedures(result)}"
    )


STATUS_WORDS = {"documented": "documented", "not_documented": "not documented", "contradicted": "contradicted",
                "needs_history": "needs history"}  # fmt: skip


def _procedures(result: NoteResult) -> str:
    """Each procedure the note names with the items its policy lists that apply: what the note records, with the
    words; never whether it is covered."""
    if not result.procedures:
        return ""
    rows = []
    for check in result.procedures:
        procedure = check.procedure
        head = f"{procedure.family} {procedure.step.replace('_', ' ')} · {procedure.state}"
        if procedure.levels:
            head += f" · {procedure.levels[0]}-{procedure.levels[-1]}"
        items = []
        for criterion in check.criteria:
            if criterion.status == "not_applicable":
                continue
            quote = "; ".join(f"\u201c{e.text}\u201d" for e in criterion.evidence[:2])
            unverified = ' <i class="nc-unverified">unverified</i>' if not criterion.verified else ""
            items.append(f'<li class="nc-criterion s-{criterion.status}"><b>{STATUS_WORDS[criterion.status]}</b> '
                         f"{_e(criterion.wording)}{unverified}"
                         f'{f"<div class=nc-detail>{_e(quote)}</div>" if quote else ""}</li>')  # fmt: skip
        items += [
            f'<li class="nc-criterion s-linkage"><b>diagnosis</b> {_e(flag.message)}</li>' for flag in check.linkage
        ]
        policy = f" ({_e(check.policy)})" if check.policy else " (flagged only)"
        rows.append(f'<li class="nc-item nc-procedure"><b>{_e(head)}</b>{policy}<ul>{"".join(items)}</ul></li>')
    return f"<h4>Procedures: what the note records of each policy's items</h4><ul>{''.join(rows)}</ul>"


def _legend() -> str:
    kinds = "".join(f'<span class="nc-f k-{k}">{k.replace("_", " ")}</span> ' for k in KINDS)
    assertions = (
        '<span class="nc-f a-negated">negated</span> <span class="nc-f a-possible">possible</span> '
        '<span class="nc-f a-hypothetical">hypothetical</span> '
        '<span class="nc-f">historical<sup class="nc-tag">hist</sup></span> '
        '<span class="nc-f">family<sup class="nc-tag">fam</sup></span>'
    )
    return f'<div class="nc-legend">{kinds}<br>{assertions} <i>hover a code to see its evidence</i></div>'


def matches(text: str, result: NoteResult) -> bool:
    """Every finding's evidence is where the result says: a text that is another version of the note is never
    drawn on (its highlights would mark the wrong words)."""
    return all(text[f.start : f.end] == f.text for f in result.findings)


def note_html(
    text: str | None, result: NoteResult, *, standalone: bool = True, uid: str = "nc", withheld: str | None = None
) -> str:
    """The review view of one note; `standalone` adds the stylesheet (the report includes it once); `withheld` says
    why there is no text to show (the report's check of the text against its hash)."""
    links: dict[tuple, list[str]] = {}
    evidence = (("c", [c.evidence for c in result.codes]), ("a", [a.evidence for a in result.alternatives]))
    for prefix, entries in evidence:
        for i, entry in enumerate(entries):
            for finding in entry:
                links.setdefault(_key(finding), []).append(f"e-{prefix}{i}")
    focus = "".join(
        f'#{uid} .nc-root:has([data-ev="{p}{i}"]:hover) .e-{p}{i}{{outline:2px solid #c2185b;outline-offset:1px}}'
        for p, entries in (("c", result.codes), ("a", result.alternatives))
        for i in range(len(entries))
    )
    if text is not None and not matches(text, result):
        text, withheld = None, "The note text given is another version of the note (its evidence spans do not match)"
    missing = withheld or "The note text is not available"
    if text is None:
        body = (
            f'<p class="nc-missing">{missing}; the evidence spans are:</p><ul>'
            + "".join(
                f"<li>{_e(f.text)} <small>[{f.start}:{f.end}] {_e(_describe(f))}</small></li>" for f in result.findings
            )
            + "</ul>"
        )
    else:
        body = f'<pre class="nc-text">{_highlighted(text, result.findings, links)}</pre>'
    style = f"<style>{stylesheet()}</style>" if standalone else ""
    return (
        f'<div id="{_e(uid)}" class="nc-view">{style}<style>{focus}</style><div class="nc-root">'
        f'{_legend()}<div class="nc-grid"><div class="nc-note">{body}</div>'
        f'<div class="nc-panel">{_panel(result)}</div></div></div></div>'
    )


@dataclass(frozen=True)
class ReportItem:
    id: str
    text: str | None
    result: NoteResult | None
    error: str | None = None
    withheld: str | None = None
    """Why the note's text is not shown (it is not the text the result was coded from)."""


def shared_script() -> str:
    """What the report and the served worklist share (sheets.js), put before each page's own script."""
    return files(__package__).joinpath("sheets.js").read_text(encoding="utf-8") + "\n"


def _script_json(value: object) -> str:
    """JSON safe inside <script>: no "<", ">" or "&" can close the element or open a comment."""
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        raw = raw.replace(char, escape)
    return raw


def note_confidence(result: NoteResult) -> float | None:
    """A note's confidence is its proposed codes' (the lowest), the codes that would be billed; a note without a code
    takes its alternatives'. Never a lower alternative's beside a code: a sure M53.84 is not shown as doubtful."""
    for proposals in (result.codes, result.alternatives):
        scored = [p.confidence for p in proposals if p.confidence is not None]
        if scored:
            return min(scored)
    return None


def _proposal_row(proposal: CodeProposal | Alternative) -> dict:
    return {"code": proposal.code, "title": proposal.title, "confidence": proposal.confidence}


def _gap_row(gap: Gap) -> dict:
    return {"id": gap.id, "label": gap.label, "code": gap.code, "message": gap.message, "query": gap.query,
            "indicators": [f.text for f in gap.evidence]}  # fmt: skip


def _row(item: ReportItem) -> dict:
    """What the worklist needs of a note; its text reaches the page only as data set with textContent."""
    result = item.result
    if result is None:
        return {"id": item.id, "codes": [], "alternatives": [], "gaps": [], "error": item.error, "confidence": None}
    return {
        "id": item.id,
        "codes": [_proposal_row(c) for c in result.codes],
        "alternatives": [_proposal_row(a) for a in result.alternatives],
        "gaps": [_gap_row(g) for g in result.gaps],
        "error": None,
        "confidence": note_confidence(result),
    }


def page_tables() -> dict:
    """The tabular titles of every code the rules can emit (a changed code is checked against them), and each gap's
    query answers."""
    rules = mapper_rules()
    return {
        "tabular": tabular_titles(),
        "answers": {gap_id: list(text.answers) for gap_id, text in rules.gaps.items()},
        "labels": {gap_id: text.label for gap_id, text in rules.gaps.items()},
    }


def report_html(items: Iterable[ReportItem], title: str = "notecoder review") -> str:
    """One self-contained page to review a batch as a worklist: the notes that need review first, filters kept in
    the address, accept / reject / change per proposal and gap (kept in the browser, exported as CSV or JSON), and
    a printable physician query per note."""
    rows, views = [], []
    for n, item in enumerate(items):
        result = item.result
        rows.append(_row(item))
        if result is None:
            views.append(f'<p class="nc-missing">Row failed: {_e(item.error or "unknown error")}</p>')
        else:
            views.append(note_html(item.text, result, standalone=False, uid=f"n{n}", withheld=item.withheld))
    script = shared_script() + files(__package__).joinpath("report.js").read_text(encoding="utf-8")
    payload = {"rows": rows, "views": views, "formula": FORMULA_START, **page_tables()}
    payload["report"] = hashlib.sha256(_script_json([r["id"] for r in rows]).encode()).hexdigest()[:16]
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src 'unsafe-inline'; img-src data:\">"
        f'<style>{stylesheet()}</style></head><body class="nc-report"><h1>{_e(title)}</h1>'
        '<div id="nc-summary"></div><div id="nc-notice" role="status"></div><div id="nc-filters">'
        '<label><input id="nc-has" type="checkbox"> has a code</label> '
        '<label>Code <select id="nc-code"><option value="">any</option></select></label> '
        '<label>Gap <select id="nc-gap"><option value="">any</option></select></label> '
        '<label>Confidence <select id="nc-band"><option value="">any</option><option value="low">below 0.5</option>'
        '<option value="mid">0.5 to 0.8</option><option value="high">0.8 and above</option></select></label> '
        '<label>Id <input id="nc-id" type="search"></label> <span id="nc-count"></span></div>'
        '<div id="nc-review-bar"><label>Reviewer <input id="nc-reviewer" type="text"></label> '
        '<button id="nc-export-csv" type="button">Export decisions (CSV)</button> '
        '<button id="nc-export-json" type="button">Export decisions (JSON)</button> '
        '<span id="nc-decided"></span></div>'
        '<div id="nc-layout"><div id="nc-list"><table><thead><tr><th>id</th><th>confidence</th><th>codes</th>'
        '<th>alternatives</th><th>gaps</th></tr></thead><tbody id="nc-rows"></tbody></table>'
        '<div id="nc-pages"></div></div>'
        '<div><div id="nc-decisions"></div><div id="nc-detail"></div></div></div>'
        '<div id="nc-query-sheet" hidden></div>'
        f'<script type="application/json" id="nc-data">{_script_json(payload)}</script>'
        f"<script>{script}</script></body></html>"
    )
