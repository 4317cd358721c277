"""Each criterion of a procedure's policy, read in the note: a status (documented, not documented, contradicted,
needs history, not applicable) with the words that show it. One small reader per criterion id, registered here;
what each looks for is data (evidence.json), its threshold the policy's. A reader answers only for the note: "the
note does not record X, which L38765 lists", never whether anything will be paid."""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any, Literal

from notecoder.findings.durations import calendar_date, calendar_dates, duration_days, iso_duration, onset_dates
from notecoder.number_words import spelled_as_digits
from notecoder.procedures.finder import find_procedures, reference_date
from notecoder.procedures.linkage import linkage
from notecoder.procedures.policies import Criterion, policies
from notecoder.result import (
    Assertion,
    CriterionCheck,
    Finding,
    FindingKind,
    NoteResult,
    ProcedureCheck,
    ProcedureMention,
    Region,
    Span,
)

Status = Literal["documented", "not_documented", "contradicted", "needs_history", "not_applicable"]


@dataclass(frozen=True)
class Note:
    text: str
    result: NoteResult
    mention: ProcedureMention
    mentions: tuple[ProcedureMention, ...]
    found: dict[str, Any] = field(default_factory=dict)
    """Each pattern's matches over the whole note, and what is worked out once for the note (its numbers as digits,
    its date of service), shared by all the note's procedures."""
    given: date | None = None
    """The date of service given with the note."""

    def _once(self, name: str, work: Callable[[], Any]) -> Any:
        if name not in self.found:
            self.found[name] = work()
        return self.found[name]

    @property
    def numeric(self) -> str:
        """The note with its numbers in words written as digits, at the same offsets: what the patterns read, so
        "from a seven to a one" is a score pair and "forty-two percent" a disability score."""
        return self._once(" numeric", lambda: spelled_as_digits(self.text))

    @property
    def service(self) -> date | None:
        """What "since 2021" is counted to: the date of service given, or the note's own ("DOS: 03/14/2025"), or
        the newest date it writes."""
        return self._once(" service", lambda: reference_date(self.text, self.given))

    def spans(self, name: str, within: tuple[int, int] | None = None) -> list[re.Match]:
        matches = self._once(name, lambda: list(_pattern(name).finditer(self.numeric)))
        if within is None:
            return matches
        start, end = within
        return [m for m in matches if m.start() >= start and m.end() <= end]

    def findings(self, kind: FindingKind, concepts: tuple[str, ...] = ()) -> list[Finding]:
        return [f for f in self.result.findings if f.kind == kind and (not concepts or f.concept in concepts)]


Reading = tuple[Status, list[tuple[int, int]]]


@cache
def _evidence() -> dict[str, Any]:
    return json.loads(files(__package__).joinpath("evidence.json").read_text(encoding="utf-8"))


@cache
def _pattern(name: str) -> re.Pattern:
    group, _, key = name.partition(".")
    raw = _evidence()[group] if not key else _evidence()[group][key]
    return re.compile(raw, re.IGNORECASE)


def _wanted_days(criterion: Criterion) -> float:
    """A criterion's duration threshold in days, as findings.durations counts them (a month is 30, a week 7)."""
    return criterion.threshold.get("months", 0) * 30 or criterion.threshold.get("weeks", 0) * 7


def _sentence(note: Note, at: int) -> tuple[int, int]:
    start = max(note.text.rfind(mark, 0, at) for mark in (".", "\n", ";")) + 1
    ends = [e for e in (note.text.find(mark, at) for mark in (".", "\n", ";")) if e >= 0]
    return start, min(ends) if ends else len(note.text)


def _line(note: Note, at: int) -> tuple[int, int]:
    end = note.text.find("\n", at)
    return note.text.rfind("\n", 0, at) + 1, len(note.text) if end < 0 else end


CLAUSE_END = re.compile(r"(?<!\.)\.(?![.\d])|[;,\n]")
"""Where a clause ends: a full stop (not a form's dot leaders "....." nor a decimal point), a semicolon, a comma or
the line's end."""


def _clause(note: Note, start: int, end: int, reach: int = 80) -> tuple[int, int]:
    """The words a match stands in, to the clause's end ("Goals: pain 3/10 or less, stand 60 min", "L4-5 foraminal
    stenosis on the left"): a quote that holds its item on its own, not a heading word."""
    stop = CLAUSE_END.search(note.text, end, end + reach)
    return start, max(end, stop.start() if stop else min(len(note.text), end + reach))


def _clause_start(note: Note, start: int, floor: int) -> int:
    """Where the clause holding `start` begins, no earlier than `floor`."""
    return max(max(note.text.rfind(mark, floor, start) for mark in (",", ";", ":", ".", "\n")) + 1, floor)


def _clause_around(note: Note, start: int, end: int, reach: int = 100) -> tuple[int, int]:
    """The clause a match stands in, both ways ("No facet or RF procedures since 02/06/2024", not the heading
    word that matched): what a presence item quotes."""
    return _clause_start(note, start, max(0, start - reach)), _clause(note, start, end, reach)[1]


# -- readers ----------------------------------------------------------------------------------------------------------
READERS: dict[str, Callable[[Note, Criterion], Reading]] = {}


def reads(*ids: str):
    def register(reader):
        for criterion in ids:
            READERS[criterion] = reader
        return reader

    return register


def _told_durations(note: Note, criterion: Criterion) -> list[tuple[int, int, float]]:
    """(start, end, days) of how long the pain has lasted: the chronicity findings, a form's checked box (">= 3
    mo"), and a number of years, months or weeks in a sentence about the pain that gives no relief."""
    told = [(f.start, f.end, days) for f in note.findings(FindingKind.CHRONICITY)
            if f.assertion != Assertion.NEGATED and (days := duration_days(f.value)) is not None
            and not _of_care(note, f.start)]  # fmt: skip
    said = [(m, f"{m.group(2)} {m.group(3)}") for m in note.spans("duration_checked")]
    for m in note.spans("duration_words"):
        low, high = _sentence(note, m.start())
        near = note.text[max(low, m.start() - 60) : min(high, m.end() + 30)]
        if _pattern("pain_words").search(near) and not _of_care(note, m.start()):
            said.append((m, m.group(0)))
    for m, words in said:
        if (days := duration_days(iso_duration(words))) is not None:
            told.append((m.start(), m.end(), days))
    if note.service is not None:  # "since 2021", to the date of service: long enough counted from its last day
        wanted = _wanted_days(criterion)
        for f in note.findings(FindingKind.CHRONICITY):
            if f.assertion == Assertion.NEGATED or duration_days(f.value) is not None:
                continue
            if (onset := onset_dates(f.text)) is None or onset[0] > note.service:
                continue
            longest, shortest = ((note.service - day).days for day in onset)
            if shortest >= wanted or longest < wanted:  # "since 2024" on 2025-02-01: it may be either
                told.append((f.start, f.end, shortest if shortest >= wanted else longest))
    return told


def _of_care(note: Note, at: int) -> bool:
    """A duration that belongs to a treatment or its relief ("meloxicam 15 mg daily x 6 mo", "PT x 8 wks",
    "relief x 4 months") or to a flare ("is back over the last 2 wks"), not to the pain."""
    line_end = note.text.find("\n", at)
    end = min(at + 25, len(note.text) if line_end < 0 else line_end)
    duration = _pattern("duration_words").match(note.numeric, at) or _pattern("duration_words").match(note.text, at)
    after = duration.end() if duration else end
    return bool(_pattern("other_duration_before").search(note.text, max(0, at - 30), at)
                or _pattern("other_duration_after").match(note.text[after : after + 40]))  # fmt: skip


@reads("facet.pain_duration", "esi.pain_duration", "si.pain_location_duration")
def duration(note: Note, criterion: Criterion) -> Reading:
    wanted = _wanted_days(criterion)
    told = _told_durations(note, criterion)
    spans = [(start, end) for start, end, days in told if days >= wanted]
    if criterion.id == "si.pain_location_duration" and spans:
        spans += [_clause(note, m.start(), m.end(), reach=50) for m in note.spans("si_location")[:1]]
    if spans:
        # the pain's severity beside its duration ("NRS 7/10"), when the note scores it near
        scores = [m for m in note.spans("pain_score") if abs(m.start() - spans[0][0]) < 250]
        return "documented", spans + [_clause(note, m.start(), m.end(), reach=12) for m in scores[:1]]
    if told:
        return "contradicted", [(start, end) for start, end, _ in told]
    return "not_documented", []


@reads("facet.conservative_care_failed", "esi.conservative_care_failed", "si.conservative_care_failed")
def conservative_care(note: Note, criterion: Criterion) -> Reading:
    spans = []
    for care in note.findings(FindingKind.CONSERVATIVE_CARE):
        if care.assertion == Assertion.NEGATED or care.concept == "injection":
            continue
        low, high = _sentence(note, care.start)
        following = _sentence(note, min(len(note.text) - 1, high + 1))[1] if high < len(note.text) else high
        failed = note.spans("failed", (low, min(following, high + 150)))
        if care.value == "failed" or failed:
            # the words that say it failed, nearest the care, so the quotes hold the item on their own (else the
            # care's clause), and how long it was tried ("8 wks PT") when the note says so beside it
            if failed:
                spans.append((care.start, care.end))
                spans.append(min(((m.start(), m.end()) for m in failed), key=lambda m: abs(m[0] - care.start)))
            else:
                spans.append(_clause_around(note, care.start, care.end))
            tried = note.spans("duration_words", (max(0, care.start - 25), care.end + 25))
            spans += [(m.start(), m.end()) for m in tried]
    return ("documented", spans) if spans else ("not_documented", [])


REGIONS = {Region.OCCIPITO_ATLANTO_AXIAL: ("cervical",), Region.CERVICAL: ("cervical",),
           Region.CERVICOTHORACIC: ("cervical", "thoracic"), Region.THORACIC: ("thoracic",),
           Region.THORACOLUMBAR: ("thoracic", "lumbar"), Region.LUMBAR: ("lumbar", "sacral"),
           Region.LUMBOSACRAL: ("lumbar", "sacral"), Region.SACRAL: ("lumbar", "sacral")}  # fmt: skip
"""The procedure regions a finding's region touches: a C6 radiculopathy says nothing of a lumbar block; a lumbar
MRI speaks for a caudal epidural (region sacral)."""


def _radicular(note: Note) -> list[Finding]:
    """The radiculopathies and claudication the note records as present in the procedure's region: not a form's
    answer "Neurogenic claudication: No" or "[x] none", not a cervical one beside a lumbar procedure."""
    region = note.mention.region
    return [f for f in note.findings(FindingKind.CONDITION, ("radiculopathy", "neurogenic_claudication"))
            if f.assertion == Assertion.PRESENT and not note.spans("form_none", _line(note, f.start))
            and not _pattern("answered_no").match(note.text, f.end, f.end + 40)
            and (region is None or f.region is None or region in REGIONS.get(f.region, (region,)))]  # fmt: skip


def _with_cue(finding: Finding) -> tuple[int, int]:
    """A negated finding's evidence with the words that negate it ("no radicular symptoms", not "radicular
    symptoms"): the quote has to hold the item on its own."""
    cue = finding.assertion_cause
    if cue is None or cue.source != "context" or not finding.sentence_start <= cue.start < finding.sentence_end:
        return finding.start, finding.end
    return min(cue.start, finding.start), max(cue.end, finding.end)


@reads("facet.no_untreated_radiculopathy")
def no_radiculopathy(note: Note, criterion: Criterion) -> Reading:
    told = _radicular(note)
    conditional = _pattern("conditional")  # "we will readdress ESI if they progress" treats nothing yet
    treating = [m for m in note.mentions if m.family == "esi" and m.state in ("performed", "planned", "requested")
                and not conditional.search(note.text, m.evidence.start, m.evidence.sentence_end)]  # fmt: skip
    if told and treating:  # the radiculopathy is being treated: by the epidural the note does or plans
        return "documented", [(m.evidence.start, m.evidence.end) for m in treating[:1]]
    if told and not note.spans("cyst"):
        return "contradicted", [(f.start, f.end) for f in told]
    denied = [(m.start(), m.end()) for m in note.spans("no_radicular")]
    denied += [(m.start(), m.end()) for f in note.findings(FindingKind.CONDITION, ("radiculopathy",))
               for m in note.spans("form_none", _line(note, f.start))]  # fmt: skip
    for f in note.findings(FindingKind.CONDITION, ("radiculopathy", "neurogenic_claudication")):
        if answer := _pattern("answered_no").match(note.text, f.end, f.end + 40):
            denied.append((f.start, answer.end()))
        elif f.assertion == Assertion.NEGATED:
            denied.append(_with_cue(f))
    return ("documented", denied) if denied else ("not_documented", [])


@reads("facet.other_causes_excluded", "si.other_causes_excluded")
def other_causes(note: Note, criterion: Criterion) -> Reading:
    ruled = [_with_cue(f) for f in note.findings(FindingKind.CONDITION) if f.assertion == Assertion.NEGATED
             and f.concept not in ("radiculopathy", "neurogenic_claudication")]  # fmt: skip
    ruled += [(m.start(), m.end()) for m in note.spans("excluded")]
    return ("documented", ruled) if ruled else ("not_documented", [])


def _reliefs(note: Note) -> list[tuple[int, int, float]]:
    """(start, end, percent) of every relief the note gives, as a percentage beside a relief word (not a drug's
    strength: "lidocaine 2%"), or as a pain score before and after ("NRS 7 -> 1")."""
    found = []
    for m in note.spans("relief_percent"):
        origin = max(0, m.start() - 30)
        said = min(_pattern("relief_near").finditer(note.text[origin : m.end() + 30]),
                   key=lambda r: abs(origin + r.start() - m.start()), default=None)  # fmt: skip
        if said is None or _pattern("concentration").search(note.text[: m.start()]):
            continue
        low, high = float(m.group(1)), float(m.group(2) or m.group(1))
        start = m.start()
        if below := _pattern("below_before").search(note.text, max(0, m.start() - 15), m.start()):
            start, low, high = below.start(), low - 1, high - 1  # "less than 50% improvement" does not reach 50
        # quoted with its relief word ("85% relief", "better by 60%"): a bare "85%" holds nothing
        found.append((min(start, origin + said.start()), max(m.end(), origin + said.end()), min(low, high)))
    for m in note.spans("score_pair"):
        before, after = int(m.group(1)), int(m.group(2))
        if 0 < before <= 10 and after < before:
            found.append((m.start(), m.end(), 100 * (before - after) / before))
    return sorted(found)


def _block_reliefs(note: Note, criterion: Criterion) -> list[tuple[int, int, float]]:
    """The reliefs told of other procedures of the family (earlier blocks, an earlier injection): a relief belongs to
    the procedure named last before it; this procedure's own after-care scores are not an earlier block's, and a
    diagnostic block's relief is no earlier ablation's (`response_of`)."""
    wanted = _evidence()["response_of"].get(criterion.id)
    mention = note.mention
    kin = sorted((m for m in note.mentions if m.family == mention.family), key=lambda m: m.evidence.start)
    found = []
    for relief in _reliefs(note):
        owner = next((m for m in reversed(kin) if m.evidence.start <= relief[0]), None)
        # the relief's own sentence may name the step ("Therapeutic SIJI 02/2025 gave 60% relief")
        said = wanted and re.search(wanted["words"], note.text[_sentence(note, relief[0])[0] : relief[1]], re.I)
        if owner is None and relief[0] < mention.evidence.start:
            if wanted is None or said:
                found.append(relief)  # told before any procedure is named: the history of an earlier one
            continue
        if owner is None or owner is mention or (owner.state == mention.state and owner.step == mention.step):
            continue
        if wanted is None or owner.step in wanted["steps"] or said:
            found.append(relief)
    return found


@reads("facet.two_blocks_relief")
def two_blocks(note: Note, criterion: Criterion) -> Reading:
    reliefs = _block_reliefs(note, criterion)
    short = [r for r in reliefs if r[2] < criterion.threshold["relief_percent"]]
    if short:
        return "contradicted", [r[:2] for r in short]
    if len(reliefs) >= 2:
        return "documented", [r[:2] for r in reliefs]
    return "not_documented", []


@reads("facet.first_block_relief", "facet.therapeutic_response", "facet.repeat_rfa_response", "si.therapeutic_response",
       "esi.repeat_response", "si.diagnostic_relief")  # fmt: skip
def earlier_response(note: Note, criterion: Criterion) -> Reading:
    """The best relief an earlier procedure gave, against the threshold (and, when the policy names one, how long it
    lasted). Hours of relief, or "for the duration of the anesthetic", is a diagnostic block's answer: it neither
    shows nor refutes months of response."""
    reliefs = _block_reliefs(note, criterion)
    wanted = _wanted_days(criterion)
    if wanted:
        reliefs = [r for r in reliefs if not note.spans("hours_relief", (r[1], r[1] + 40))]
    if not reliefs:
        return "not_documented", []
    best = max(reliefs, key=lambda r: r[2])
    enough = best[2] >= criterion.threshold["relief_percent"]
    if enough and wanted:
        low, high = _sentence(note, best[0])
        lasted = [duration_days(f.value) for f in note.findings(FindingKind.CHRONICITY) if low <= f.start < high]
        enough = not any(days is not None and days < wanted for days in lasted)
    return ("documented" if enough else "contradicted"), [best[:2]]


def _joints(levels: tuple[str, ...]) -> int:
    return max(1, len(levels) - 1) if levels else 0


@reads("facet.levels_per_session", "esi.levels_per_session")
def levels(note: Note, criterion: Criterion) -> Reading:
    mention = note.mention
    count = _joints(mention.levels)
    named = note.text[mention.evidence.sentence_start : mention.evidence.end]
    if not count and _pattern("caudal").search(named):
        count = 1  # a caudal epidural is one injection through the sacral hiatus
    if not count:
        return "not_documented", []
    limit = criterion.threshold.get("levels") or criterion.threshold.get("transforaminal_levels", 2)
    if criterion.id.startswith("esi.") and not _pattern("transforaminal").search(named):
        limit = criterion.threshold.get("interlaminar_levels", 1)
    span = [(mention.evidence.start, mention.evidence.end)]
    # the words that name the levels ("bilateral L4-5 and L5-S1 facet joints"), not the procedure's name alone
    span += [(f.start, f.end) for f in note.findings(FindingKind.SPINAL_LEVEL)
             if set(f.levels) & set(mention.levels) and abs(f.start - mention.evidence.start) < 200][:2]  # fmt: skip
    return ("documented" if count <= limit else "contradicted"), span


@reads("facet.image_guidance", "esi.image_guidance", "si.image_guidance")
def guidance(note: Note, criterion: Criterion) -> Reading:
    sound = note.spans("ultrasound")
    labels = note.spans("guidance_not")  # "Procedure Suite 2 (fluoro)", "Fluoro tech:" say where, not how
    seen = [m for m in note.spans("guidance") if not any(x.start() <= m.start() < x.end() for x in labels)]
    if sound and not seen:
        return "contradicted", [(m.start(), m.end()) for m in sound]
    if not seen:
        return "not_documented", []
    spans = [_clause(note, m.start(), m.end(), reach=30) for m in seen[:1]]
    if criterion.id.startswith(("esi.", "si.")):
        contrast = note.spans("contrast")
        if not contrast:
            return "not_documented", []
        spans.append((contrast[0].start(), contrast[0].end()))
    return "documented", spans


def _imaging_shown(note: Note, within: tuple[int, int]) -> list[re.Match]:
    """The imaging findings the note shows in `within`, not those it denies ("no stenosis", "without HNP")."""
    denial = _pattern("imaging_denied_before")
    return [m for m in note.spans("imaging_finding", within)
            if not denial.search(note.text, max(within[0], m.start() - 70), m.start())
            and not _in_negated(note, m)]  # fmt: skip


def _in_negated(note: Note, match: re.Match) -> bool:
    """The words stand inside a condition the note negates ("without radicular pain", "not ... a radicular
    syndrome"): quoted alone they would say the opposite."""
    return any(f.start <= match.start() and match.end() <= f.end for f in note.findings(FindingKind.CONDITION)
               if f.assertion == Assertion.NEGATED)  # fmt: skip


@reads("esi.radicular_indication")
def radicular(note: Note, criterion: Criterion) -> Reading:
    told = [(f.start, f.end) for f in _radicular(note)]
    told += [(m.start(), m.end()) for m in note.spans("radicular")
             if not note.spans("no_radicular", _sentence(note, m.start())) and not _in_negated(note, m)]  # fmt: skip
    if told:
        cause = _imaging_shown(note, (0, len(note.text)))  # the structural cause, quoted with the symptoms
        return "documented", told[:3] + [_clause(note, m.start(), m.end()) for m in cause[:1]]
    # axial pain only: said so, or every radiating symptom denied ("No radiation to B/L lower limbs")
    axial = note.spans("axial_only") + note.spans("no_radicular")
    return ("contradicted", [(m.start(), m.end()) for m in axial[:3]]) if axial else ("not_documented", [])


@reads("esi.concordant_imaging")
def concordant_imaging(note: Note, criterion: Criterion) -> Reading:
    region = note.mention.region  # a lumbar MRI says nothing of a cervical epidural
    studies = [f for f in note.findings(FindingKind.IMAGING) if f.assertion in (Assertion.PRESENT, Assertion.HISTORICAL)
               and f.concept in ("mri", "ct", "myelogram", "ct_myelogram")
               and (region is None or f.region is None or region in REGIONS.get(f.region, (region,)))]  # fmt: skip
    denied: list[tuple[int, int]] = []
    for study in studies:
        low, high = study.sentence_start, min(len(note.text), study.sentence_end + 300)
        shown = _imaging_shown(note, (low, high))
        if shown:
            return "documented", [(study.start, study.end), _clause(note, _clause_start(note, shown[0].start(), low),
                                                                    shown[0].end())]  # fmt: skip
        denied += [_sentence(note, m.start()) for m in note.spans("roots_free", (low, high))]
        denied += [_sentence(note, m.start()) for m in note.spans("imaging_finding", (low, high))]
    # a study that shows no compression, stenosis or herniation is imaging against a radicular cause
    return ("contradicted", denied[:2]) if denied else ("not_documented", [])


@reads("si.provocative_tests")
def provocative_tests(note: Note, criterion: Criterion) -> Reading:
    """A test is positive when a positive mark follows it ("FABER R pos"), when one opens its list and no negative
    follows it ("Prov tests + bilat: FABER, thigh thrust, compression"; "positive FABER, Gaenslen and compression"),
    or when its list ends in one ("thigh thrust, compression and FABER were all positive"). Too few positive tests is
    contradicted only when others were found negative; two positive and no more tested is just not enough."""
    counted = note.spans("tests_count")
    if counted:
        return "documented", [(m.start(), m.end()) for m in counted]
    positive, negative = [], []
    marked: dict[int, int] = {}  # each positive test quoted with its mark ("FABER +")
    for m in note.spans("si_tests"):
        after = note.text[m.end() : m.end() + 14]
        listed = _pattern("list_polarity").match(note.text, m.end())  # "FABER and thigh thrust were all positive"
        if _pattern("negative").search(after) or (listed and listed.group(1).lower().startswith("neg")):
            negative.append(m)
            continue
        low, _ = _sentence(note, m.start())
        opened = note.text[low : m.start()]
        if _pattern("positive_after").search(after) or _pattern("positive").search(opened) or listed:
            positive.append(m)
            marked[m.start()] = m.end() + (mark.end() if (mark := _pattern("positive_after").search(after)) else 0)
    names = {re.sub(r"'?s$", "", m.group(0).lower()) for m in positive}
    spans = [(m.start(), marked.get(m.start(), m.end())) for m in positive]
    if len(names) >= criterion.threshold["tests"]:
        return "documented", spans
    if negative:  # tests done and found negative: too few positive is what the note records
        return "contradicted", spans + [(m.start(), m.end()) for m in negative]
    return "not_documented", []


@reads("cmt.part_findings")
def part(note: Note, criterion: Criterion) -> Reading:
    shown = {name: note.spans(f"part.{name}") for name in ("pain", "asymmetry", "motion", "tissue")}
    present = {name: spans for name, spans in shown.items() if spans}
    spans = [(spans[0].start(), spans[0].end()) for spans in present.values()]
    return ("documented", spans) if len(present) >= criterion.threshold["findings"] else ("not_documented", [])


@reads("cmt.xray_timing")
def xray_timing(note: Note, criterion: Criterion) -> Reading:
    """The film's date against the day care began (its own words, else the date of service): within the months
    before and after the policy allows. A film taken "today" is taken in care. Years alone, when that is all the
    note gives: a film two years older than the newest year named is too old."""
    films = note.spans("xray")
    began = next((calendar_date(note.text[m.end() : m.end() + 30]) for m in note.spans("care_began")
                  if calendar_date(note.text[m.end() : m.end() + 30])), None) or note.service  # fmt: skip
    before, after = criterion.threshold["months_before"] * 30, criterion.threshold["months_after"] * 30
    for film in films:
        low, high = _sentence(note, film.start())
        if today := _pattern("today").search(note.text, low, high):
            return "documented", [(film.start(), film.end()), _clause(note, today.start(), today.end(), reach=20)]
        taken = calendar_dates(note.text[low:high])
        if taken and began:
            gap = (taken[0][2] - began).days
            dated = (low + taken[0][0], low + taken[0][1])  # the film's date, quoted with it
            return ("documented" if -before <= gap <= after else "contradicted"), [(film.start(), film.end()), dated]
    years = [int(y) for m in note.spans("date") for y in m.groups() if y and len(y) == 4]
    if not films or not years:
        return "needs_history", []
    newest = max(years)
    for film in films:
        low, high = _sentence(note, film.start())
        near = [int(y) for m in note.spans("date", (low, high)) for y in m.groups() if y and len(y) == 4]
        if near:
            return ("contradicted" if newest - min(near) >= 2 else "documented"), [(film.start(), film.end())]
    return "needs_history", []


@reads("cmt.active_treatment")
def active_treatment(note: Note, criterion: Criterion) -> Reading:
    kept = note.spans("maintenance")
    if kept:
        return "contradicted", [(m.start(), m.end()) for m in kept]
    active = note.spans("active_care")
    return ("documented", [_clause(note, m.start(), m.end()) for m in active[:2]]) if active else ("not_documented", [])


def _with_announced(note: Note, match: re.Match) -> list[tuple[int, int]]:
    """The match's clause, and when that clause is a title announcing what follows ("Why ablation is not an
    option."), the sentence after it, where what it announces is said."""
    low, high = _clause_around(note, match.start(), match.end())
    if not _pattern("announcing").match(note.text, low, high) or high >= len(note.text) - 1:
        return [(low, high)]
    start, end = _sentence(note, high + 1)  # its padding is trimmed with every quote's (`_whole_words`)
    return [(low, high), (start, end)] if note.text[start:end].strip() else [(low, high)]


def _presence(name: str) -> Callable[[Note, Criterion], Reading]:
    """The reader of an item the note documents by saying it at all (evidence.json "presence")."""
    rule = _evidence()["presence"][name]

    def present(note: Note, criterion: Criterion) -> Reading:
        found = [m for pattern in rule["patterns"] for m in note.spans(pattern)]
        if not found:
            return rule["otherwise"], []
        return "documented", [span for m in found[: rule["quotes"]] for span in _with_announced(note, m)]

    return present


READERS.update({name: _presence(name) for name in _evidence()["presence"] if name != "about"})


# -- applying them ----------------------------------------------------------------------------------------------------
def applies(criterion: Criterion, note: Note) -> bool:
    mention = note.mention
    if mention.step not in criterion.steps or mention.state not in criterion.states:
        return False
    when = criterion.when
    if when is None:
        return True
    if when.block_number is not None and mention.block_number != when.block_number:
        return False
    if when.repeat:
        earlier = any(m.family == mention.family and m.state == "historical" and m is not mention
                      for m in note.mentions)  # fmt: skip
        if not (mention.repeat or earlier):
            return False
    return not (when.xray and (not note.spans("xray") or note.spans("xray_none")))


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """A quote of whole words: a pattern read in digits ("7     to a 1  ") may end inside the word the note wrote
    ("seven to a one") or on the spaces that pad it."""
    while end < len(text) and end > start and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    while start > 0 and start < end and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


def check(note: Note, criterion: Criterion) -> CriterionCheck:
    if not applies(criterion, note):
        status: Status = "not_applicable"
        spans: list[tuple[int, int]] = []
    elif criterion.history and criterion.id not in READERS:
        status, spans = "needs_history", []
    else:
        status, spans = READERS[criterion.id](note, criterion)
    kept: list[tuple[int, int]] = []
    for start, end in sorted({_whole_words(note.text, s, e) for s, e in spans}, key=lambda span: (span[0], -span[1])):
        if not any(start < e and end > s for s, e in kept):  # one quote for words two readings found
            kept.append((start, end))
    # built without validation: every field comes from the policy file (validated at load) and the note's own spans
    evidence = tuple(Span.model_construct(start=s, end=e, text=note.text[s:e]) for s, e in kept)
    source = criterion.source
    return CriterionCheck.model_construct(id=criterion.id, status=status, evidence=evidence, wording=criterion.wording,
                          verified=criterion.verified, source=f"{source.id}, {source.section}, {source.date}",
                          address=source.address)  # fmt: skip


def procedures(mentions: tuple[ProcedureMention, ...]) -> list[ProcedureMention]:
    """One procedure for each family, step and state: a note that names its procedure twice ("RF neurotomy" in the
    title, "bilateral L4-5 and L5-S1 radiofrequency ablation" in the request) does one. The mention that says most
    (levels, then side) stands for it."""
    chosen: dict[tuple[str, str, str], ProcedureMention] = {}
    for mention in mentions:
        key = (mention.family, mention.step, mention.state)
        held = chosen.get(key)
        if held is None or (len(mention.levels), mention.side is not None) > (len(held.levels), held.side is not None):
            chosen[key] = mention
    return sorted(chosen.values(), key=lambda m: m.evidence.start)


def check_procedures(text: str, result: NoteResult, served: date | None = None) -> tuple[ProcedureCheck, ...]:
    """Each procedure the note names, read against its policy; `served`: the date of service given with the note."""
    mentions = find_procedures(text, result, served)
    checks = []
    found: dict[str, Any] = {}
    for mention in procedures(mentions):
        policy = policies().get(mention.family)
        note = Note(text, result, mention, mentions, found, served)
        criteria = tuple(check(note, c) for c in policy.criteria) if policy else ()
        linked = linkage(text, result, mention, policy) if policy else ()
        checks.append(ProcedureCheck(procedure=mention, policy=policy.policy["id"] if policy else None,
                                     criteria=criteria, linkage=linked))  # fmt: skip
    return tuple(checks)
