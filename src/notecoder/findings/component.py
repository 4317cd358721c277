"""Findings: turn matched, contextualized spans into typed `Finding`s with region, value, section and assertion.

The mapper downstream needs nothing but these findings, so everything a code or a gap depends on is resolved
here: which region a condition is in and where that came from, what an imaging study or exam showed, how a
treatment went, whether an injury is current."""

import notecoder.medspacy_import  # noqa: F401  (medSpaCy without its process-wide warnings filter)

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field, replace
from itertools import accumulate

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from notecoder.doc_keys import (
    FINDING_ATTRIBUTES,
    FINDING_EXTENSION,
    FINDINGS_EXTENSION,
    FINDINGS_KEY,
    MODIFIERS_EXTENSION,
    SECTION_ASSERTIONS_EXTENSION,
    SECTIONS_EXTENSION,
    TARGET_RULE_EXTENSION,
    TARGETS_KEY,
)
from notecoder.doctext import forget_note_text, note_text
from notecoder.findings.durations import duration_days, iso_duration, onset_year
from notecoder.findings.rules import FindingRules
from notecoder.findings.scores import score_response
from notecoder.levels import Levels, is_non_spinal, parse_levels, region_groups, vocabulary
from notecoder.result import TOLD, Assertion, AssertionCause, Finding, FindingKind, Region, RegionSource
from notecoder.rules_disk import SavedRules
from notecoder.sentences.bounds import sentence_bounds
from notecoder.span_values import span_value
from notecoder.stance import stance_rules
from notecoder.targets import FINDING_KINDS, REFERENCE_KIND
from notecoder.targets.component import MATCH_TEXT

# enum members read in the loops over every span and draft, looked up once: a member read from its class costs
# about 0.1 us, and the resolution steps read several per finding
_SPINAL_LEVEL, _CONDITION, _IMAGING = FindingKind.SPINAL_LEVEL, FindingKind.CONDITION, FindingKind.IMAGING
_CHRONICITY, _NEURO_EXAM, _TRAUMA = FindingKind.CHRONICITY, FindingKind.NEURO_EXAM, FindingKind.TRAUMA
_PRESENT, _POSSIBLE, _NEGATED = Assertion.PRESENT, Assertion.POSSIBLE, Assertion.NEGATED
_KINDS = {kind.value: kind for kind in FindingKind}
_STAGE_VALUES = frozenset({TARGET_RULE_EXTENSION, MODIFIERS_EXTENSION, MATCH_TEXT})
"""`FindingKind(label)` by lookup."""

_LEVEL_TOKEN = re.compile(r"^(?:[ctls]-?\d{1,2}|occ|occiput|\d{1,2})$")


@dataclass
class _Draft:
    """A finding while it is being resolved; frozen into a `Finding` at the end."""

    kind: str
    concept: str
    start_token: int
    end_token: int
    start: int
    end: int
    sentence: int
    rule: str
    value: str | None
    assertion: Assertion = Assertion.PRESENT
    cause: AssertionCause | None = None
    levels: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    region: Region | None = None
    region_source: RegionSource | None = None
    defaulted: bool = False
    """The region is the concept's default ('sciatica': L1-S1), not the note's words: it lends no other finding."""
    explicit: bool = False
    extended: bool = False
    required: bool = False


@dataclass(frozen=True)
class _Levels:
    levels: tuple[str, ...]
    region: Region | None
    segments: tuple[str, ...]


@dataclass(frozen=True)
class _Reference:
    """A stance said of "that diagnosis": its sentence, where it stands, and the assertion and cue it gives."""

    sentence: int
    start: int
    assertion: Assertion
    cause: AssertionCause
    opener: bool = False  # a form's status line ("Diagnosis status: [X] Provisional")


@dataclass
class _Modifier:
    kind: str
    value: str
    start: int
    end: int


@dataclass
class _Note:
    """Per-document indexes the resolution steps share."""

    doc: Doc
    sentence_starts: list[int]
    sentence_chars: list[tuple[int, int]]
    section_starts: list[int]
    section_categories: list[str | None]
    section_titles: list[tuple[int, int]]
    """The character span of each section's title (empty for the untitled opening)."""
    title_tokens: set[int]
    section_assertions: dict[str, Assertion]
    """What each section category lends its findings, as the sections stage that found them was told."""
    excluded_tokens: set[int] = field(default_factory=set)
    claimed_tokens: set[int] = field(default_factory=set)
    """Tokens of findings other than levels: a qualifier walk never takes them ("MRI C-spine: C5-6 ...")."""
    modifiers: dict[int, list[_Modifier]] = field(default_factory=lambda: defaultdict(list))
    references: list[_Reference] = field(default_factory=list)

    def sentence_of(self, token: int) -> int:
        return bisect_right(self.sentence_starts, token) - 1

    def section_of(self, token: int) -> str | None:
        i = bisect_right(self.section_starts, token) - 1
        return self.section_categories[i] if i >= 0 else None

    def section_title(self, token: int) -> tuple[int, int]:
        i = bisect_right(self.section_starts, token) - 1
        return self.section_titles[i] if i >= 0 else (0, 0)


def _widen(note: _Note, draft: _Draft, start: int, end: int) -> None:
    """The draft's span grown to the tokens inside `start`..`end` (characters), where they reach further."""
    span = note.doc.char_span(start, end, alignment_mode="contract")
    if span is None:
        return
    if span.start_char < draft.start:
        draft.start, draft.start_token = span.start_char, span.start
    if span.end_char > draft.end:
        draft.end, draft.end_token = span.end_char, span.end


def _inside(level: _Draft, starts: list[int], reach: list[int]) -> bool:
    """Whether a phrase starting at or before the level reaches past its end."""
    i = bisect_right(starts, level.start) - 1
    return i >= 0 and reach[i] >= level.end


class _StudyResults:
    """What a study showed: abnormal if it names a present finding (a condition ending after it starts), normal if
    all it names is negated. Answered by lookup, for a run-on sentence that names many studies and conditions."""

    def __init__(self, conditions: list[_Draft]) -> None:
        ordered = sorted(conditions, key=lambda c: c.end)
        self.ends = [c.end for c in ordered]
        self.any_present = [False] * (len(ordered) + 1)  # among the conditions from index i on
        self.all_negated = [True] * (len(ordered) + 1)
        for i in range(len(ordered) - 1, -1, -1):
            assertion = ordered[i].assertion
            self.any_present[i] = self.any_present[i + 1] or assertion in (_PRESENT, _POSSIBLE)
            self.all_negated[i] = self.all_negated[i + 1] and assertion == _NEGATED

    def value(self, study_start: int) -> str | None:
        i = bisect_right(self.ends, study_start)
        if i == len(self.ends):
            return None
        if self.any_present[i]:
            return "abnormal"
        return "normal" if self.all_negated[i] else None


def _compound_head(text: str, end: int) -> bool:
    """The word ending at `end` is joined by a hyphen to the word after it ("hypermobility-informed")."""
    return text[end : end + 1] == "-" and text[end + 1 : end + 2].isalpha()


def _distance(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, b_start - a_end, a_start - b_end)


def _around(spans: list, start: int) -> list:
    """The spans (in note order, not overlapping one another) that can be nearest to one starting at `start`: those
    just before and just after it."""
    i = bisect_left(spans, start, key=lambda d: d.start)
    return spans[max(0, i - 2) : i + 3]


class FindingBuilder(SavedRules[FindingRules]):
    """The last stage: typed findings in `doc._.notecoder_findings` and as spans (`doc.spans[span_key]`, `doc.ents`).

    Unless `keep_targets`, it then drops what only the stages needed (the raw target group, its rule objects,
    ConText's graph), so that the Doc serializes: `doc.to_bytes()`, `DocBin`, `nlp.pipe(n_process=2)`."""

    rules_package = "notecoder.findings"
    rules_model = FindingRules

    def __init__(
        self,
        nlp: Language,
        rules: str | None = None,
        targets_key: str = TARGETS_KEY,
        span_key: str = FINDINGS_KEY,
        keep_targets: bool = False,
    ) -> None:
        self.nlp = nlp
        self.targets_key, self.span_key, self.keep_targets = targets_key, span_key, keep_targets
        self._stances = stance_rules()
        self._stance_classes = self._stances.by_category()
        self._stance_order = {cls.stance: i for i, cls in enumerate(self._stances.classes)}
        self._stance_first = frozenset(cls.categories[0] for cls in self._stances.classes)
        """Each class's first category names the cue before the class's others ("is not confirmed and I am
        withdrawing it" is a rejection, not a bare negation)."""
        self._load_rules(rules)

    def _build(self, rules: FindingRules) -> None:
        self.rules = rules
        qualifier_words: set[str] = set()
        for word in vocabulary().region_words:
            qualifier_words.update(t.lower_ for t in self.nlp.make_doc(word.phrase) if not t.is_punct)
        # the words joining region names ("cervical and lumbar spine") are connectors, not region words
        self._qualifier_words = frozenset(qualifier_words - set(rules.qualifier.inside))
        self._value_patterns: dict[str, list[tuple[re.Pattern[str], str]]] = defaultdict(list)
        """Each kind's value patterns in the rules' order: a draft tries only its own kind's."""
        planned: dict[str, set[str]] = defaultdict(set)
        for section, kinds in rules.section_kind_assertions.items():
            for kind in kinds:
                planned[kind].add(section)
        self._planned_sections = {kind: frozenset(sections) for kind, sections in planned.items()}
        """By finding kind, the sections that make it planned: a response told there is no treatment's."""
        for p in rules.value_patterns:
            self._value_patterns[p.kind].append((re.compile(p.pattern, re.I), p.value))
        limbs = sorted(rules.limb_qualifiers.words, key=len, reverse=True)
        self._limb_re = re.compile(rf"(?<![a-z])({'|'.join(map(re.escape, limbs))})\W*$")
        words = sorted((w.phrase for w in vocabulary().region_words), key=len, reverse=True)
        connectors = "|".join(map(re.escape, sorted(rules.trailing_region.connectors, key=len, reverse=True)))
        region = "|".join(map(re.escape, words))
        self._trailing_re = re.compile(
            rf"\s*(?:(?:{connectors})\s*)?(?:(?:right|left|bilateral|bilat|r|l)(?:-sided)?\s+)?({region})"
            rf"(?:\s+(?:and|&)\s+(?:{region}))?"
            r"(?:\s+(?:region|spine|area|curve|curvature|muscles?|ligaments?))?\s*(?:[.;,:)\n]|$)",
            re.IGNORECASE,
        )

        self._qualifier_re = re.compile(rules.trailing_qualifiers.pattern, re.IGNORECASE)
        self._leading_re = re.compile(rules.trailing_qualifiers.leading, re.IGNORECASE)
        self._cause_re = re.compile(rules.leading_cause.pattern, re.IGNORECASE)

    def __call__(self, doc: Doc) -> Doc:
        findings, spans = self.build(doc)
        doc._.notecoder_findings = findings
        doc.spans[self.span_key] = spans
        taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}  # another component's entities stay
        doc.set_ents([s for s in filter_spans(spans) if taken.isdisjoint(range(s.start, s.end))], default="unmodified")
        if not self.keep_targets:
            release_stage_data(doc, self.targets_key)
        return doc

    def build(self, doc: Doc) -> tuple[tuple[Finding, ...], list[Span]]:
        """The findings in note order, and a span for each, labelled with its kind."""
        spans = doc.spans[self.targets_key] if self.targets_key in doc.spans else ()
        if not spans:
            return (), []
        note = self._index(doc)
        drafts = self._drafts(note, spans)
        if note.references:
            self._point_back(note, drafts)
        self._take_trailing_qualifiers(note, drafts)
        self._resolve_regions(note, drafts)
        drafts = self._absorb_levels(drafts)
        self._resolve_values(note, drafts)
        drafts.sort(key=lambda d: (d.start, d.end, d.kind))
        text = note_text(doc)
        findings = tuple(self._freeze(note, d, text) for d in drafts)
        return findings, [Span(doc, d.start_token, d.end_token, label=d.kind) for d in drafts]

    # -- indexes ---------------------------------------------------------------------------------------------

    def _index(self, doc: Doc) -> _Note:
        sentence_starts, sentence_chars = sentence_bounds(doc)
        section_starts: list[int] = []
        section_categories: list[str | None] = []
        section_titles: list[tuple[int, int]] = []
        title_tokens: set[int] = set()
        for section in doc._.notecoder_sections or ():
            section_starts.append(section.title_start)
            section_categories.append(section.category)
            title = doc[section.title_start : section.title_end]
            section_titles.append((title.start_char, title.end_char))
            title_tokens.update(range(section.title_start, section.title_end))
        assertions = doc._.notecoder_section_assertions or {}
        return _Note(doc, sentence_starts, sentence_chars, section_starts, section_categories, section_titles,
                     title_tokens, assertions)  # fmt: skip

    def _drafts(self, note: _Note, spans) -> list[_Draft]:
        drafts: list[_Draft] = []
        qualified: list[_Draft] = []
        titles, kept_in_titles = note.title_tokens, self.rules.title_kinds_kept
        for span in spans:
            kind, start, end = span.label_, span.start, span.end
            rule = span_value(span, TARGET_RULE_EXTENSION)
            meta = rule.metadata
            if kind == "exclusion":
                note.excluded_tokens.update(range(start, end))
                continue
            sentence = note.sentence_of(start)
            if kind == REFERENCE_KIND:
                references = self.rules.references
                opener = " ".join(t.lower_ for t in span) in references.openers_only
                if opener:
                    at_line = span.start_char == 0 or note.doc.text[span.start_char - 1] == "\n"
                    if start != note.sentence_starts[sentence] and not at_line:
                        continue  # "the same side": an ordinary word; a form's line may follow its heading
                elif end < len(note.doc) and note.doc[end].lower_ in references.naming_next:
                    continue  # "this diagnosis of X", "that diagnosis: X" name their own
                assertion, cause = self._assertion(span, kind, note)
                if cause is not None and cause.source == "context" and assertion in references.assertions:
                    note.references.append(_Reference(sentence, span.start_char, assertion, cause, opener))
                continue
            if kind not in FINDING_KINDS:
                value = meta["value"]
                if value == self.rules.scored.value:  # an outcome scale before and after: its value is computed
                    value = score_response(span_value(span, MATCH_TEXT) or span.text, self.rules.scored.bands)
                    if value is None:
                        continue
                note.modifiers[sentence].append(_Modifier(kind, value, span.start_char, span.end_char))
                continue
            if kind not in kept_in_titles and not titles.isdisjoint(range(start, end)):
                continue  # "Medications:" is a header, not a medication
            draft = _Draft(kind, meta["concept"], start, end, span.start_char, span.end_char, sentence, rule.literal,
                           meta["value"], required=meta["qualifier"] == "required")  # fmt: skip
            draft.assertion, draft.cause = self._assertion(span, kind, note)
            drafts.append(draft)
            if meta["qualifier"] != "none":
                qualified.append(draft)
            if kind != _SPINAL_LEVEL:
                note.claimed_tokens.update(range(start, end))
        for draft in qualified:  # once every exclusion and claimed token is known
            self._qualify(note, draft)
        return drafts

    def _point_back(self, note: _Note, drafts: list[_Draft]) -> None:
        """A stance said of "that diagnosis" in a sentence that names no condition of its own ("I do not accept that
        diagnosis") is the stance of the diagnosis named just before it, a few sentences back at most."""
        rule = self.rules.references
        named = [d for d in drafts if d.kind == _CONDITION]
        diagnoses = [d for d in named if d.concept not in rule.not_diagnoses]
        text = note.doc.text
        for reference in note.references:
            own = [d for d in named if d.sentence == reference.sentence]
            if own and not self._clause_apart(text, own, reference.start):
                continue
            before = [
                d
                for d in diagnoses
                if d.end <= reference.start and reference.sentence - d.sentence <= rule.reach_sentences
            ]
            target = max(before, key=lambda d: d.start) if before else None
            if target is None and reference.opener:  # a form's status line above the field it qualifies
                sentence, start = reference.sentence, reference.start
                below = (d for d in diagnoses if d.start > start and 1 <= d.sentence - sentence <= 2)
                target = min(below, key=lambda d: d.start, default=None)
            if target is not None and target.assertion == _PRESENT:
                target.assertion, target.cause = reference.assertion, reference.cause

    def _clause_apart(self, text: str, own: list[_Draft], start: int) -> bool:
        """A pointer in a sentence that names a condition still points back when a clause break stands between the
        last condition before it and it, and none follows it ("queried a C7 radiculopathy; I don't think that is
        what is going on")."""
        if any(d.start > start for d in own):
            return False
        last = max((d.end for d in own if d.end <= start), default=None)
        return last is not None and self.rules.references.clause_break.search(text, last, start) is not None

    def _assertion(self, span: Span, kind: str, note: _Note) -> tuple[Assertion, AssertionCause | None]:
        """The finding's assertion and what set it: the first stance class of the ConText cues that reach it, else
        its section's."""
        modifiers = span_value(span, MODIFIERS_EXTENSION)
        cause: AssertionCause | None = None
        found = None
        if modifiers:
            # the first stance class (in the stance rules' order) that a cue reaching the span belongs to
            by_category = self._stance_classes
            reached = [(by_category[m.category], m) for m in modifiers if m.category in by_category]
            first = self._stance_first
            order = self._stance_order
            found = min(reached, key=lambda pair: (order[pair[0].stance], pair[1].category not in first), default=None)
        if found is not None:
            stance_class, modifier = found
            assertion = stance_class.assertion
            cue = span.doc[modifier.modifier_span[0] : modifier.modifier_span[1]]
            rule = f"{modifier.category}: {modifier.rule.literal}"
            cause = AssertionCause(source="context", text=cue.text, start=cue.start_char, end=cue.end_char, rule=rule)
        else:
            if modifiers and any(m.category in self.rules.current_categories for m in modifiers):
                return _PRESENT, None  # "Plan: continue PT": a treatment under way, not a plan
            section = note.section_of(span.start) or ""
            by_kind = self.rules.section_kind_assertions.get(section)
            default = note.section_assertions.get(section, _PRESENT)
            # the kind's label finds its FindingKind key (a StrEnum) without building the enum member
            assertion = by_kind.get(kind, default) if by_kind else default  # type: ignore[call-overload]
            if assertion != _PRESENT:
                start, end = note.section_title(span.start)
                title = note_text(span.doc)[start:end]
                cause = AssertionCause(source="section", text=title, start=start, end=end, rule=section)
        by_assertion = self.rules.kind_assertions.get(kind)  # type: ignore[call-overload]
        if by_assertion:
            assertion = by_assertion.get(assertion, assertion)
        return assertion, (cause if assertion != _PRESENT else None)

    # -- qualifiers and regions ------------------------------------------------------------------------------

    def _is_qualifier(self, lower: str) -> bool:
        return lower in self._qualifier_words or _LEVEL_TOKEN.match(lower) is not None

    def _qualify(self, note: _Note, draft: _Draft) -> None:
        """Extend the span over a region word or level just before it ("cervical", "C5-6").

        A phrase that needs a spinal qualifier keeps one that follows it ("instability at C1-C2"); otherwise it
        is settled once levels are known (`_resolve_regions`)."""
        doc = note.doc
        floor = note.sentence_starts[draft.sentence]
        inside = self.rules.qualifier.inside
        i, first_qualifier = draft.start_token, None
        while i > floor and draft.start_token - i < self.rules.qualifier.max_tokens:
            if i - 1 in note.excluded_tokens or i - 1 in note.claimed_tokens:
                break  # "femoral neck fracture": "neck" is not the spine
            lower = doc[i - 1].lower_
            if lower == ":" and first_qualifier is not None:
                break  # "C-spine: C5-6 facet hypertrophy": the level after the colon is the phrase's
            if self._is_qualifier(lower):
                first_qualifier = i - 1
            elif lower not in inside:
                break
            i -= 1
        if first_qualifier is not None:
            draft.start_token = first_qualifier
            draft.start = doc[first_qualifier].idx
            draft.extended = True

    def _resolve_regions(self, note: _Note, drafts: list[_Draft]) -> None:
        text = note_text(note.doc)
        kept = []
        for draft in drafts:
            for part in self._split_level_list(note, draft) if draft.kind == _SPINAL_LEVEL else (draft,):
                parsed = parse_levels(text[part.start : part.end])
                if part.kind == _SPINAL_LEVEL and (
                    parsed is None or is_non_spinal(parsed.levels, text, part.start, part.end)
                ):
                    continue
                if (
                    parsed is not None
                    and parsed.explicit
                    and is_non_spinal(parsed.levels, text, part.start, part.start)  # a weighting before the phrase
                ):
                    parsed = None  # "T2 cord signal change": an MRI weighting inside the phrase, not a vertebra
                stated = parsed is not None  # disc levels only from the phrase's own words, never a default
                if parsed is None and part.concept in self.rules.concept_levels:
                    parsed = parse_levels(self.rules.concept_levels[part.concept])
                    part.defaulted = True
                if parsed is None and part.concept in self.rules.limb_qualifiers.concepts:
                    parsed = self._limb_levels(text, part.start)
                if parsed is None and part.kind in self.rules.trailing_region.kinds:
                    parsed = self._trailing_region(text, part.end)
                if parsed is not None and part.concept in self.rules.root_levels.concepts:
                    root = self.rules.root_levels.roots.get("-".join(parsed.levels))
                    parsed = parse_levels(root) if root else parsed
                if parsed is not None:
                    part.levels, part.region, part.explicit = parsed.levels, parsed.region, parsed.explicit
                    part.segments = parsed.segments if stated else ()
                    part.region_source = "phrase"
                kept.append(part)
        by_sentence: dict[int, list[_Draft]] = defaultdict(list)
        for draft in kept:
            if draft.kind == _SPINAL_LEVEL:
                by_sentence[draft.sentence].append(draft)
        # a word that needs a spinal qualifier ("stenosis", "instability") stands only in a spinal sentence, and
        # not as the first half of a compound adjective ("hypermobility-informed physiotherapy")
        drafts[:] = [
            d
            for d in kept
            if not d.required or d.extended or (by_sentence.get(d.sentence) and not _compound_head(text, d.end))
        ]
        borrowing = self.rules.sentence_region
        by_condition_sentence: dict[int, list[_Draft]] = defaultdict(list)
        for draft in drafts:
            if draft.kind == _CONDITION and draft.region is not None:
                by_condition_sentence[draft.sentence].append(draft)
        # each sentence's levels and lenders in note order, looked up by position: a dictated run-on sentence holds
        # thousands of them, and a scan per condition would be quadratic in it
        for found in (*by_sentence.values(), *by_condition_sentence.values()):
            found.sort(key=lambda d: d.start)
        for draft in drafts:
            if draft.kind not in borrowing.kinds or draft.explicit:
                continue
            levels = by_sentence.get(draft.sentence, ())
            following = self._following_level(note, draft, levels)
            if following is not None:
                # "facet syndrome at C5-C6", "cervical instability at C1-C2": the named level is the phrase's own
                draft.levels, draft.region, draft.region_source = following.levels, following.region, "phrase"
                draft.segments = following.segments
            elif draft.region is None and draft.concept not in borrowing.except_concepts:
                lenders = levels or [
                    d
                    for d in by_condition_sentence.get(draft.sentence, ())
                    if d.region_source == "phrase" and not d.defaulted
                ]
                if lenders:
                    nearest = min(
                        _around(lenders, draft.start),
                        key=lambda lv: _distance(draft.start, draft.end, lv.start, lv.end),
                    )
                    draft.levels, draft.region, draft.region_source = nearest.levels, nearest.region, "sentence"
                    draft.segments = nearest.segments

    def _take_trailing_qualifiers(self, note: _Note, drafts: list[_Draft]) -> None:
        """A side or a fracture's stability written just after the diagnosis ("sciatica, right side", "L1 burst
        fracture, stable"), or a side just before it ("R sciatica"), is part of it: the span takes it in, so the
        code's axis reads it from the evidence."""
        rule = self.rules.trailing_qualifiers
        text = note_text(note.doc)
        for draft in drafts:
            if draft.concept not in rule.concepts:
                continue
            match = self._qualifier_re.match(text, draft.end, min(len(text), draft.end + rule.window))
            if match is not None:
                _widen(note, draft, draft.start, match.end())
            match = self._leading_re.search(text, max(0, draft.start - rule.window), draft.start)
            if match is not None:
                _widen(note, draft, match.start(), draft.end)

    def _trailing_region(self, text: str, end: int) -> "Levels | None":
        """A region word that closes the phrase: "segmental dysfunction, thoracic", "back pain, lumbar"."""
        match = self._trailing_re.match(text[end : end + self.rules.trailing_region.window])
        return parse_levels(match.group(1)) if match else None

    def _limb_levels(self, text: str, start: int) -> "Levels | None":
        """The roots of the limb named just before a radiculopathy: "right lower extremity radiculopathy"."""
        limb = self.rules.limb_qualifiers
        match = self._limb_re.search(text[max(0, start - limb.window) : start].lower())
        return parse_levels(limb.words[match.group(1)]) if match else None

    def _split_level_list(self, note: _Note, draft: _Draft) -> list[_Draft]:
        text = note_text(note.doc)[draft.start : draft.end]
        groups = region_groups(text) if draft.concept == "level" else [(0, len(text))]
        if len(groups) == 1:
            return [draft]
        parts = []
        for low, high in groups:
            span = note.doc.char_span(draft.start + low, draft.start + high, alignment_mode="expand")
            if span is not None:
                parts.append(
                    replace(
                        draft,
                        start=span.start_char,
                        end=span.end_char,
                        start_token=span.start,
                        end_token=span.end,
                    )
                )
        return parts

    def _following_level(self, note: _Note, draft: _Draft, levels) -> "_Levels | None":
        """The explicit levels joined to the phrase by connector words only ("at", "of the", "-"), with any levels
        listed right after them: "at C5-6 and L4-5" is one mention that spans two regions."""
        after = self.rules.qualifier.after
        ordered = levels  # in note order (`_resolve_regions`)
        first = bisect_left(ordered, draft.end, key=lambda lv: lv.start)
        for i in range(first, len(ordered)):
            level = ordered[i]
            gap = level.start_token - draft.end_token
            if gap > self.rules.qualifier.after_max_tokens:
                break  # the levels further on are further away
            if not level.explicit:
                continue
            between = note.doc[draft.end_token : level.start_token]
            # a region word or a bracket may stand between ("syndromes - cervical (C5-6) and lumbar (L4-5)")
            regions = self._qualifier_words
            if not all(t.lower_ in after or t.lower_ in regions or t.is_space for t in between):
                continue
            last, joins = level, self.rules.qualifier.joining
            for following in ordered[i + 1 :]:
                joining = note.doc[last.end_token : following.start_token]
                if not following.explicit or not all(
                    t.lower_ in joins or t.lower_ in regions or t.is_space for t in joining
                ):
                    break
                last = following
            union = parse_levels(note_text(note.doc)[level.start : last.end]) if last is not level else None
            if union is not None:
                return _Levels(union.levels, union.region, union.segments)
            return _Levels(level.levels, level.region, level.segments)
        return None

    def _absorb_levels(self, drafts: list[_Draft]) -> list[_Draft]:
        """A level inside a qualified phrase ("C5-6 facet arthropathy") is carried by that phrase."""
        extended = sorted((d for d in drafts if d.extended), key=lambda d: d.start)
        if not extended:
            return drafts
        starts = [e.start for e in extended]
        reach = list(accumulate((e.end for e in extended), max))  # the furthest end of a phrase starting by here
        return [d for d in drafts if d.kind != _SPINAL_LEVEL or not _inside(d, starts, reach)]

    # -- values ----------------------------------------------------------------------------------------------

    def _resolve_values(self, note: _Note, drafts: list[_Draft]) -> None:
        text = note_text(note.doc)
        conditions: dict[int, list[_Draft]] = defaultdict(list)
        chronicity: dict[int, list[_Draft]] = defaultdict(list)
        by_start: list[_Draft] = []  # sorted once, when a study needs the report that follows it
        studies: dict[int, _StudyResults] = {}  # per sentence, built when a study in it needs one
        for draft in drafts:
            if draft.kind == _CONDITION:
                conditions[draft.sentence].append(draft)
            elif draft.kind == _CHRONICITY:
                chronicity[draft.sentence].append(draft)
        for draft in drafts:
            if draft.value is not None and draft.kind != _NEURO_EXAM:
                continue
            span_text = text[draft.start : draft.end]
            if draft.kind == _CHRONICITY:
                is_duration = draft.concept == self.rules.duration_concept
                draft.value = iso_duration(span_text) if is_duration else onset_year(span_text)
                continue
            if draft.value is None:
                draft.value = self._pattern_value(draft.kind, span_text)
            if draft.value is None and draft.kind == _IMAGING:
                if draft.sentence not in studies:
                    studies[draft.sentence] = _StudyResults(conditions[draft.sentence])
                draft.value = studies[draft.sentence].value(draft.start)
                if draft.value is None and text[draft.end : draft.end + 2].lstrip().startswith(":"):
                    # "Flexion-extension radiographs: 5 mm of translation": the result is the sentence after
                    draft.value = self._linked_value(note, replace(draft, sentence=draft.sentence + 1))
                if draft.value is None:
                    by_start = by_start or sorted(drafts, key=lambda d: d.start)
                    draft.value = _StudyResults(self._report(note, draft, by_start)).value(draft.start)
            if draft.value is None:
                draft.value = self._linked_value(note, draft)
            if draft.value is None and draft.sentence + 1 < len(note.sentence_starts):
                draft.value = self._value_pointed_back(note, draft) or self._value_told_later(note, draft)
            if draft.value and draft.cause is not None and draft.cause.source == "section":
                if draft.kind in self.rules.given_when_valued:
                    draft.assertion, draft.cause = _PRESENT, None  # a plan section's treatment with its response
            if draft.kind == _IMAGING and draft.value and draft.assertion == _NEGATED:
                draft.assertion, draft.cause = _PRESENT, None  # "X-rays: no fracture": a study was done
            if draft.value is None and draft.kind == _TRAUMA:
                draft.value = self._trauma_timing(chronicity[draft.sentence])
            if draft.kind == _NEURO_EXAM and draft.assertion == _NEGATED:
                not_done = draft.cause is not None and draft.cause.category in self.rules.not_done_categories
                draft.value = None if not_done else self.rules.negated_exam_value
        cause = self.rules.leading_cause
        for draft in drafts:
            if draft.kind == _CONDITION and draft.concept in cause.concepts:
                if self._cause_re.search(text[max(0, draft.start - cause.window) : draft.start]):
                    draft.value = cause.over.get(draft.value, draft.value) if draft.value else cause.value

    def _pattern_value(self, kind: str, span_text: str) -> str | None:
        for pattern, value in self._value_patterns.get(kind, ()):
            if pattern.search(span_text):
                return value
        return None

    def _trauma_timing(self, chronicity: list[_Draft]) -> str | None:
        """Current or remote from the sentence's chronicity: "acute", or how long ago ("onset 2 yrs ago")."""
        for draft in chronicity:
            if draft.concept in self.rules.acute_concepts:
                return self.rules.acute_trauma_value
            days = duration_days(draft.value) if draft.concept == self.rules.duration_concept else None
            if days is not None:
                recent = days <= self.rules.trauma_current_max_days
                return self.rules.acute_trauma_value if recent else self.rules.remote_trauma_value
        return None

    def _report(self, note: _Note, imaging: _Draft, by_start: list[_Draft]) -> list[_Draft]:
        """Conditions in the imaging sections after a study, up to the next study: a radiology report's findings."""
        report = []
        for draft in by_start[bisect_left([d.start for d in by_start], imaging.end) :]:
            if draft.kind == _IMAGING:
                break
            if draft.kind == _CONDITION and note.section_of(draft.start_token) == self.rules.report_section:
                report.append(draft)
        return report

    def _value_pointed_back(self, note: _Note, draft: _Draft) -> str | None:
        """The value of the next sentence when it opens with a word pointing back at this one ("Each gave ...")."""
        link = self.rules.value_links.get(_KINDS[draft.kind])
        if link is None or not link.pointing_back:
            return None
        start = note.sentence_starts[draft.sentence + 1]
        first = note.doc[start]
        if first.lower_ in link.pointing_back_leads and start + 1 < len(note.doc):
            first = note.doc[start + 1]
        if first.lower_ not in link.pointing_back:
            return None
        return self._linked_value(note, replace(draft, sentence=draft.sentence + 1))

    def _value_told_later(self, note: _Note, draft: _Draft) -> str | None:
        """The first value of its kind told in the sentences after the finding, for a finding told as done: the
        response reported after the treatment, in the history, a records list's discussion or the patient's words;
        not in a section that makes its kind planned ("Plan: ... if not better")."""
        link = self.rules.value_links.get(_KINDS[draft.kind])
        if link is None or not link.later_sentences or draft.assertion not in TOLD:
            return None
        planned = self._planned_sections.get(draft.kind, frozenset())
        last = min(draft.sentence + link.later_sentences, len(note.sentence_starts) - 1)
        for sentence in range(draft.sentence + 1, last + 1):
            if note.section_of(note.sentence_starts[sentence]) in planned:
                continue
            for modifier in note.modifiers.get(sentence, ()):
                if modifier.kind == link.kind and modifier.value in link.later_values:
                    return modifier.value
        return None

    def _linked_value(self, note: _Note, draft: _Draft) -> str | None:
        link = self.rules.value_links.get(_KINDS[draft.kind])
        if link is None or (link.concepts is not None and draft.concept not in link.concepts):
            return None
        modifiers = note.modifiers.get(draft.sentence)
        if not modifiers:
            return None  # most sentences have none: no list to build
        candidates = [m for m in modifiers if m.kind == link.kind and (link.values is None or m.value in link.values)]
        candidates = (
            [m for m in candidates if m.value in link.preferred_values]
            or [m for m in candidates if m.value not in link.fallback_values]
            or candidates
        )
        if not candidates:
            return None
        best = min(candidates, key=lambda m: _distance(draft.start, draft.end, m.start, m.end))
        if link.max_chars is not None and _distance(draft.start, draft.end, best.start, best.end) > link.max_chars:
            return None
        return best.value

    # -- output ----------------------------------------------------------------------------------------------

    def _freeze(self, note: _Note, draft: _Draft, text: str) -> Finding:
        sentence_start, sentence_end = note.sentence_chars[draft.sentence]
        section = note.section_of(draft.start_token)
        return Finding(
            kind=_KINDS[draft.kind],
            text=text[draft.start : draft.end],
            start=draft.start,
            end=draft.end,
            sentence_start=min(sentence_start, draft.start),
            sentence_end=max(sentence_end, draft.end),
            section=section,
            assertion=draft.assertion,
            assertion_cause=draft.cause,
            stance=self._stances.stance(_KINDS[draft.kind], draft.assertion, draft.cause, section),
            concept=draft.concept,
            value=draft.value,
            levels=draft.levels,
            segments=draft.segments,
            region=draft.region,
            region_source=draft.region_source,
            rule=draft.rule,
        )


def release_stage_data(doc: Doc, targets_key: str) -> None:
    """Drop what only the stages needed and cannot be serialized: the raw target spans (their helper labels too)
    with medSpaCy's rule objects on them, ConText's graph of spans, the sections' assertions and the cached note
    text. ConText's modifiers and flags stay, shared by the finding spans of the same words (`span._.is_negated`,
    `span._.modifiers`)."""
    if targets_key in doc.spans:
        del doc.spans[targets_key]
    for key in [k for k in doc.user_data if isinstance(k, tuple) and len(k) == 4 and k[1] in _STAGE_VALUES]:
        del doc.user_data[key]
    if Doc.has_extension("context_graph"):
        doc._.context_graph = None
    doc._.notecoder_section_assertions = None
    forget_note_text(doc)


def _finding_of(span: Span) -> Finding | None:
    return next(
        (
            f
            for f in span.doc._.notecoder_findings
            if f.start == span.start_char and f.end == span.end_char and f.kind == span.label_
        ),
        None,
    )


def _attribute(name: str):
    return lambda span: getattr(_finding_of(span), name, None)


# a Finding in doc.user_data as msgpack stores it (DocBin, doc.to_bytes, nlp.pipe with n_process): its fields in
# order, so that no decoder of another library (medSpaCy's reads any dict with a "section" key) takes it for its own
_FIELDS = tuple(Finding.model_fields)
_TAG = "notecoder.Finding"


@srsly.msgpack_encoders("notecoder_finding")
def _encode_finding(obj, chain=None):
    if isinstance(obj, Finding):
        fields = obj.model_dump(mode="json")
        return {_TAG: [fields[name] for name in _FIELDS]}
    return obj if chain is None else chain(obj)


@srsly.msgpack_decoders("notecoder_finding")
def _decode_finding(obj, chain=None):
    if isinstance(obj, dict) and _TAG in obj:
        return Finding.model_validate(dict(zip(_FIELDS, obj[_TAG], strict=True)))
    return obj if chain is None else chain(obj)


# notecoder's own names, registered whatever a host did with them (`force`: the names are notecoder's)
Doc.set_extension(FINDINGS_EXTENSION, default=(), force=True)  # stored; a list once read back from bytes
Span.set_extension(FINDING_EXTENSION, getter=_finding_of, force=True)
for _name in FINDING_ATTRIBUTES:
    Span.set_extension(f"{FINDING_EXTENSION}_{_name}", getter=_attribute(_name), force=True)
# the short names of earlier releases, only where no one else took them: nothing of notecoder's reads them
if not Doc.has_extension("findings"):
    Doc.set_extension("findings", getter=lambda doc: tuple(doc._.notecoder_findings))
if not Span.has_extension("finding"):
    Span.set_extension("finding", getter=_finding_of)
for _name in FINDING_ATTRIBUTES:
    if not Span.has_extension(f"finding_{_name}"):
        Span.set_extension(f"finding_{_name}", getter=_attribute(_name))


@Language.factory(
    "notecoder_findings",
    assigns=[f"doc._.{FINDINGS_EXTENSION}", "doc.spans", "doc.ents"],
    requires=["doc.spans", f"doc._.{SECTIONS_EXTENSION}", f"doc._.{SECTION_ASSERTIONS_EXTENSION}"],
    default_config={"rules": None, "targets_key": TARGETS_KEY, "span_key": FINDINGS_KEY, "keep_targets": False},
)
def make_findings(
    nlp: Language, name: str, rules: str | None, targets_key: str, span_key: str, keep_targets: bool
) -> FindingBuilder:
    """`rules`: a findings rules file instead of the package's; `keep_targets`: leave the raw target spans and
    ConText's graph on the Doc (medSpaCy's `visualize_dep` reads the graph; such a Doc does not serialize)."""
    return FindingBuilder(nlp, rules, targets_key, span_key, keep_targets)
