"""The procedures a note names, read from the conservative-care findings that name an injection, a manipulation or
physical therapy: which family and step (a medial branch block, a first or repeat ablation, an epidural, a
sacroiliac injection, chiropractic manipulation), its state (performed, planned, requested, negated, historical: the
finding's ConText assertion, its section and the words before it), region, levels, side and block number.

The family is read from the mention's own words first, then from the words before it in its sentence: "right SI
joint injection" is a sacroiliac injection, and "second MBB, then radiofrequency ablation" stays two procedures."""

import json
import re
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

from notecoder.findings.durations import calendar_date, calendar_dates, onset_dates
from notecoder.result import Assertion, Finding, FindingKind, NoteResult, ProcedureMention

BEFORE_CHARS = 60
"""How far back in its sentence a mention's qualifiers are read ("proceed with a second", "bilateral L4-5")."""
LATER_CHARS = 160
"""How far on an offered procedure's refusal is looked for ("We offered an ESI. You declined it today.")."""
REQUEST_HEAD_CHARS = 800
"""How much of a note's opening says it is a request ("PRIOR AUTHORIZATION REQUEST", "Level 1 redetermination")."""
LABEL_END = re.compile(r":|\s*\.{3,}\s*")
"""Where a form line's label ends: a colon, or dot leaders ("Procedure ........... SI joint injection")."""
DATED_CHARS = 30
"""How far before a mention, on its line, its date is read ("Dx block #1 04/08/2025 R T5-6, T6-7 MBB")."""


@cache
def _rules() -> dict:
    raw = json.loads(files(__package__).joinpath("rules.json").read_text(encoding="utf-8"))
    patterns = {key: value for key, value in raw.items() if isinstance(value, str) and not key.startswith("about")}
    compiled: dict[str, Any] = {key: re.compile(value, re.IGNORECASE) for key, value in patterns.items()}
    compiled["classes"] = [
        {**c, **{key: re.compile(c[key], re.IGNORECASE) for key in ("pattern", "requires", "unless") if key in c}}
        for c in raw["classes"]
    ]
    compiled["side"] = {name: re.compile(p, re.IGNORECASE) for name, p in raw["side"].items()}
    compiled["regions"] = {name: re.compile(p, re.IGNORECASE) for name, p in raw["regions"].items()}
    compiled["concepts"] = frozenset(raw["concepts"])
    compiled["window_after_chars"] = raw["window_after_chars"]
    compiled["negation_reach_chars"] = raw["negation_reach_chars"]
    compiled["cues_not_negating"] = frozenset(raw["cues_not_negating"])
    compiled["history_sections"] = frozenset(raw["history_sections"])
    compiled["plan_means_done"] = {"families": frozenset(raw["plan_means_done"]["families"]),
                                   "future": re.compile(raw["plan_means_done"]["future"], re.IGNORECASE)}  # fmt: skip
    compiled["performed_sections"] = frozenset(raw["performed_sections"])
    compiled["planned_sections"] = frozenset(raw["planned_sections"])
    return compiled


def _class(finding: Finding, before: str, after: str) -> dict | None:
    window = before + finding.text + after
    for words in (finding.text, before + finding.text):
        for candidate in _rules()["classes"]:
            if "concept" in candidate:
                if finding.concept == candidate["concept"]:
                    return candidate
                continue
            if not candidate["pattern"].search(words):
                continue
            if "requires" in candidate and not candidate["requires"].search(window):
                continue
            if "unless" in candidate and candidate["unless"].search(window):
                continue
            return candidate
    return None


def _step(family: str, step: str, words: str) -> str:
    rules = _rules()
    if family == "facet" and step == "rfa":
        return "rfa_repeat" if rules["repeat"].search(words) else "rfa_initial"
    if family == "facet":
        return "therapeutic_ia" if rules["therapeutic"].search(words) else "diagnostic_block"
    if family == "si":
        return "si_therapeutic" if rules["therapeutic"].search(words) else "si_diagnostic"
    return step


def service_date(text: str, given: date | None = None) -> date | None:
    """The date of service given with the note, else the one the note labels ("DOS: 03/14/2025")."""
    if given is not None:
        return given
    for m in _rules()["service_date"].finditer(text):
        if (day := calendar_date(text[m.end() : m.end() + 20])) is not None:
            return day
    return None


def reference_date(text: str, given: date | None = None) -> date | None:
    """The day the note is read against: the date of service given, else the note's own, else the latest whole
    date it writes (what a dated mention is older than, what "since 2021" is counted to)."""
    return service_date(text, given) or max((day for _, _, day in calendar_dates(text)), default=None)


def _negated(finding: Finding, text: str) -> bool:
    """Negated by a cue near enough to be about the procedure (`negation_reach_chars`, no new clause between:
    "...without lasting benefit, and he had chiropractic care"), or by its section."""
    if finding.assertion != Assertion.NEGATED:
        return False
    cue = finding.assertion_cause
    if cue is None or cue.source != "context":
        return True
    if cue.text.lower() in _rules()["cues_not_negating"]:
        return False
    between = text[cue.end : finding.start] if cue.end <= finding.start else text[finding.end : cue.start]
    return len(between) <= _rules()["negation_reach_chars"] and not _rules()["clause_break"].search(between)


def _state(finding: Finding, family: str, text: str, around: tuple[str, str, str], label: str, request: bool) -> str:
    """`around`: the words before the mention in its sentence, after it, and further on; `label`: the form label
    of the mention's line ("SERVICE REQUESTED:"); `request`: the note is a request."""
    rules = _rules()
    before, after, later = around
    rest = text[finding.end : min(finding.sentence_end, finding.end + 80)]  # the rest of its sentence
    if _negated(finding, text) or rules["negated_after"].search(rest):
        return "negated"
    declined = rules["declined_later"].search(later)
    if rules["offered"].search(before) and declined and not rules["accepted"].search(later, 0, declined.start()):
        return "negated"  # "offered RFA, which she wants ... She declined the ESI" declines something else
    if finding.assertion == Assertion.HISTORICAL or rules["failed_before"].search(before):
        return "historical"  # a treatment that failed was tried before
    if rules["requested"].search(before) or rules["requested_after"].search(after):
        return "requested"
    if label and (rules["requested"].search(label) or (request and rules["request_label"].search(label))):
        return "requested"
    if rules["authorization_sentence"].search(text, finding.sentence_start, finding.sentence_end):
        return "requested"  # "we will repeat the TFESI and are submitting the prior authorization today"
    if finding.section in rules["performed_sections"] and finding.assertion == Assertion.PRESENT:
        if rules["planned"].search(before):
            return "planned"
        if rules["historical"].search(before) or rules["told_after"].search(after):
            return "historical"  # a procedure note's history: "she had a diagnostic facet injection in 2023"
        return "performed"
    if rules["planned_near"].search(before) or rules["planned_after"].search(rest):
        return "planned"  # "asks for an SI joint injection - will schedule it in 2-3 wks"
    if rules["today"].search(after) or (rules["today"].search(before) and not rules["seen_after"].search(before)):
        return "performed"  # "seen today in follow-up after her epidural" is no epidural today
    if label and rules["history_label"].search(label):
        return "historical"  # "TREATMENT TO DATE:", "Prior procedures:"
    if finding.section in rules["history_sections"] or rules["historical"].search(before):
        return "historical"
    done = rules["plan_means_done"]
    if finding.section in rules["planned_sections"]:  # a plan's "TFESI for L5 pain x 3 months" is still a plan
        planned = family not in done["families"] or done["future"].search(before + finding.text + after)
        return "planned" if planned else "performed"
    if rules["told_after"].search(after):
        return "historical"
    if (finding.assertion in (Assertion.HYPOTHETICAL, Assertion.POSSIBLE) or finding.section in
            rules["planned_sections"] or rules["planned"].search(before)):  # fmt: skip
        return "planned"
    return "historical" if rules["seen_after"].search(before) else "performed"


def _region(levels: tuple[str, ...], words: str) -> str | None:
    if levels:
        return {"C": "cervical", "T": "thoracic", "L": "lumbar", "S": "sacral"}.get(levels[0][0])
    for name, pattern in _rules()["regions"].items():
        if pattern.search(words):
            return name
    return None


def _block_number(words: str) -> int | None:
    rules = _rules()
    if rules["second"].search(words):
        return 2
    if rules["first"].search(words):
        return 1
    return None


def find_procedures(text: str, result: NoteResult, served: date | None = None) -> tuple[ProcedureMention, ...]:
    """`served`: the date of service given, against which a dated mention is read; else the note's own, else the
    newest date it writes (looked for only when a mention is dated)."""
    rules = _rules()
    reference, looked = served, served is not None  # the note's newest date is looked for only when needed
    request = bool(rules["request_document"].search(text[:REQUEST_HEAD_CHARS]))
    levels_in = [f for f in result.findings if f.kind == FindingKind.SPINAL_LEVEL]
    found = []
    for finding in result.findings:
        if finding.kind != FindingKind.CONSERVATIVE_CARE or finding.concept not in rules["concepts"]:
            continue
        before = text[max(finding.sentence_start, finding.start - BEFORE_CHARS) : finding.start]
        after = text[finding.end : min(finding.sentence_end, finding.end + rules["window_after_chars"])]
        chosen = _class(finding, before, after)
        if chosen is None or rules["note_type_after"].search(text[finding.end : finding.end + 30]):
            continue  # "CHIROPRACTIC DAILY NOTE" names the note, not a procedure
        words = before + finding.text
        near = (
            f.levels
            for f in levels_in
            if f.sentence_start == finding.sentence_start and abs(f.start - finding.start) < 80
        )
        # a level the mention writes, or one beside it; not the whole region its word names ("lumbar RF neurotomy")
        levels = (finding.levels if re.search(r"\d", finding.text) else ()) or next(near, ())
        side = next((name for name, pattern in rules["side"].items() if pattern.search(words + after)), None)
        family = chosen["family"]
        later = text[finding.end : finding.end + LATER_CHARS]
        step = _step(family, chosen["step"], words + after)
        line_start = text.rfind("\n", 0, finding.start) + 1
        leader = LABEL_END.search(text, line_start, finding.start)  # "Procedure: ...", "Description ..... "
        label = text[line_start : leader.start()] + ":" if leader else ""
        state = _state(finding, family, text, (before, after, later), label, request)
        line = text[max(line_start, finding.start - DATED_CHARS) : finding.start]
        row = text[line_start : finding.start]  # a table's row is dated by its first cell ("06/03/25 | ...")
        dated = calendar_date(line) or (calendar_date(row.split("|")[0]) if "|" in row else None)
        dated = dated or calendar_date(after[:DATED_CHARS])  # "RFA performed 11/19/2024" in a letter of 2025
        rest = text[finding.end : finding.sentence_end]
        if dated is None and (done := rules["done_in"].match(rest)):
            when = onset_dates(rest[done.end() : done.end() + DATED_CHARS])  # "were performed in 02/2025 and ..."
            dated = when[1] if when else None  # its month's last day: older than the note's date, done before
        if state in ("performed", "planned") and dated is not None:
            if not looked:
                reference, looked = reference_date(text), True
            if reference is not None and dated < reference:
                state = "historical"  # "Dx block #1 04/08/2025 R T5-6 MBB" in a request of June
        found.append(ProcedureMention(
            family=family, step=step, state=state, region=_region(levels, words),
            levels=levels, side=side, block_number=_block_number(words + after) if step in ("diagnostic_block",
            "si_diagnostic") else None, repeat=bool(rules["repeat"].search(words)), evidence=finding,
        ))  # fmt: skip
    return tuple(_earlier_blocks(_same_levels(found, text)))


def _same_levels(found: list[ProcedureMention], text: str) -> list[ProcedureMention]:
    """A mention "at the same levels" or "of the same nerves" takes the levels of the family's procedure named before
    it (or, when none was, after it) that names its levels."""
    pattern = _rules()["same_levels"]
    kept = []
    for mention in found:
        finding = mention.evidence
        near = text[max(finding.sentence_start, finding.start - BEFORE_CHARS) : finding.end + 40]
        if mention.levels or not pattern.search(near):
            kept.append(mention)
            continue
        kin = [m for m in found if m.family == mention.family and m.levels]
        earlier = [m for m in kin if m.evidence.start < finding.start]
        source = earlier[-1] if earlier else (kin[0] if kin else None)
        same = {"levels": source.levels, "region": source.region, "side": mention.side or source.side} if source else {}
        kept.append(mention.model_copy(update=same))
    return kept


def _earlier_blocks(found: list[ProcedureMention]) -> list[ProcedureMention]:
    """A first block named in a note whose block today is the second was done before: historical."""
    second = {(m.family, m.step) for m in found if m.block_number == 2 and m.state == "performed"}
    return [m.model_copy(update={"state": "historical"}) if m.block_number == 1 and (m.family, m.step) in second
            else m for m in found]  # fmt: skip
