"""Targets: notecoder's phrase rules matched as medSpaCy's TargetMatcher matches them, plus exact-case words and
regexes run once over the text. Every matched span goes into one span group (`doc_keys.TARGETS_KEY`)."""

import notecoder.medspacy_import  # noqa: F401  (medSpaCy without its process-wide warnings filter)

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
from medspacy.target_matcher import TargetRule
from spacy.attrs import IS_SPACE, LENGTH, LOWER, SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from notecoder.doc_keys import TARGET_RULE_EXTENSION, TARGETS_KEY
from notecoder.doctext import note_text
from notecoder.overlaps import prune_overlapping
from notecoder.result import FindingKind
from notecoder.rules_disk import SavedRules
from notecoder.span_values import set_span_value, span_value
from notecoder.targets.prefilter import with_first_characters
from notecoder.targets.rules import TargetGroup, TargetRules, expanded_rules
from notecoder.targets.spelling import Spelling

_RESPONSE = "response"

MATCH_TEXT = "notecoder_match_text"
"""A regex finding's whole match when its span is a part of it ('VAS 8/10 ... now (?P<span>4/10)')."""
Span.set_extension(MATCH_TEXT, default=None, force=True)
Span.set_extension(TARGET_RULE_EXTENSION, default=None, force=True)
"""Each raw target's rule, in notecoder's name: medSpaCy's `span._.target_rule` may be a host program's."""

AnchorHits = dict[str | tuple, list[tuple[int, int]]]
"""A note's anchor occurrences by anchor (a string, or "re:" and a pattern), and the windows around them by a rule's
anchors and reach (`CompiledRegex.windows_key`): found once for every rule."""
_ANCHOR_WINDOW = 60  # characters a match may start before its anchor (and, unless its rule says, end after it)
_WRAP_REACH = 10  # tokens either side of a line break: longer than any phrase rule
_SPELT_KEPT = 1 << 16  # long words whose spelling is remembered, a process's vocabulary of them


def rule_metadata(group: TargetGroup) -> dict[str, str | None]:
    return {"concept": group.concept, "value": group.value, "qualifier": group.qualifier}


def medspacy_rules(rules: TargetRules) -> list[TargetRule]:
    """Phrase rules for medSpaCy's TargetMatcher (cased and regex rules run in `TargetStage`)."""
    return [
        TargetRule(literal=phrase, category=group.kind, metadata=rule_metadata(group))
        for group in rules.groups
        for phrase in group.phrases
    ]


def cased_rules(rules: TargetRules) -> list[TargetRule]:
    return [
        TargetRule(literal=word, category=group.kind, metadata=rule_metadata(group))
        for group in rules.groups
        for word in group.cased
    ]


@dataclass(frozen=True)
class CompiledRegex:
    pattern: re.Pattern[str]
    anchors: tuple[str, ...]
    rule: TargetRule
    anchor_patterns: tuple[re.Pattern[str], ...] = ()
    after_anchor: int = _ANCHOR_WINDOW

    def finditer(
        self, text: str, lower: str, seen: AnchorHits, grams: "NoteGrams | None" = None
    ) -> Iterator[re.Match[str]]:
        """Matches of the pattern, tried only in windows around anchors when the rule has anchors.

        `lower` is `text.lower()`; plain substring search in it costs far less than any regex scan. `seen` holds
        the note's anchor hits already looked for: several rules share an anchor ("since", "ago"). `grams`, those
        of `lower`, rule out most anchors a note lacks without a search."""
        if not (self.anchors or self.anchor_patterns) or len(lower) != len(text):
            yield from self.pattern.finditer(text)
            return
        windows = seen.get(self.windows_key)
        if windows is None:
            anchors: tuple[str | re.Pattern[str], ...] = (*self.anchors, *self.anchor_patterns)
            hits = [hit for anchor in anchors for hit in _hits(anchor, lower, seen, grams)]
            windows = seen[self.windows_key] = _windows(sorted(hits), text, self.after_anchor)
        for low, high in windows:
            yield from self.pattern.finditer(text, low, high)

    @cached_property
    def span_group(self) -> str | int:
        """The group a match's span is: "span" when the pattern names one (its context is not the finding), else
        the whole match."""
        return "span" if "span" in self.pattern.groupindex else 0

    @cached_property
    def windows_key(self) -> tuple:
        """Rules with the same anchors and reach ("ago", "since") search the same windows of a note."""
        return (self.anchors, tuple(p.pattern for p in self.anchor_patterns), self.after_anchor)


class NoteGrams:
    """The character triples of a note's lower-cased text, each character folded to the low 5 bits of its code
    point: an anchor with a triple the note lacks does not occur in it, and is not searched for.

    Each `str.find` of an absent anchor reads the whole note (about 1 ns a character): with some sixty anchors, most
    absent from any one note, that was a fifth of the targets stage. Folding only merges characters, so a lookup
    can wrongly say a triple is there (the anchor is then searched for, as before), never that it is not."""

    def __init__(self, lower: str) -> None:
        if lower.isascii():
            points = np.frombuffer(lower.encode("ascii"), np.uint8).astype(np.intp)
        else:  # one 32-bit unit per character, as the string indexes them
            points = np.frombuffer(lower.encode("utf-32-le", "surrogatepass"), np.uint32).astype(np.intp)
        points &= 31
        codes = points[:-2] << 10
        codes |= points[1:-1] << 5
        codes |= points[2:]
        triples = np.zeros(1 << 15, np.bool_)
        triples[codes] = True
        self._triples = triples.tobytes()

    def may_hold(self, anchor: str) -> bool:
        """False only when `anchor` does not occur in the note (an anchor of one or two characters: always True)."""
        triples = self._triples
        for code in _triple_codes(anchor):
            if not triples[code]:
                return False
        return True


@lru_cache(maxsize=4096)
def _triple_codes(anchor: str) -> tuple[int, ...]:
    folded = [ord(c) & 31 for c in anchor]
    return tuple((a << 10) | (b << 5) | c for a, b, c in zip(folded, folded[1:], folded[2:], strict=False))


def _hits(
    anchor: str | re.Pattern[str], lower: str, seen: AnchorHits, grams: NoteGrams | None = None
) -> list[tuple[int, int]]:
    key = anchor if isinstance(anchor, str) else f"re:{anchor.pattern}"
    found = seen.get(key)
    if found is None:
        if isinstance(anchor, str):
            found = []
            at = lower.find(anchor) if grams is None or grams.may_hold(anchor) else -1
            while at >= 0:
                found.append((at, at + len(anchor)))
                at = lower.find(anchor, at + 1)
        else:
            found = [match.span() for match in anchor.finditer(lower)]
        seen[key] = found
    return found


def _merged(ranges) -> list[tuple[int, int]]:
    """Overlapping or touching (low, high) ranges, in order, merged."""
    merged: list[list[int]] = []
    for low, high in ranges:
        if merged and low <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return [(low, high) for low, high in merged]


def _windows(hits: list[tuple[int, int]], text: str, after: int) -> list[tuple[int, int]]:
    """Merged character windows around the anchor hits, each ending at a space (a window's end is the end of the
    string to the regex, where a word boundary would always match)."""
    ranges = []
    for start, end in hits:
        high = text.find(" ", end + after)
        ranges.append((max(0, start - _ANCHOR_WINDOW), len(text) if high < 0 else high))
    return _merged(ranges)


def regex_rules(rules: TargetRules) -> list[CompiledRegex]:
    compiled = []
    for group in rules.groups:
        for i, regex in enumerate(group.regex):
            rule = TargetRule(
                f"{group.concept}/regex{i}", group.kind, pattern=regex.pattern, metadata=rule_metadata(group)
            )
            anchor_patterns = tuple(map(re.compile, regex.anchor_patterns))
            pattern = re.compile(with_first_characters(regex.pattern), re.IGNORECASE)
            compiled.append(CompiledRegex(pattern, regex.anchors, rule, anchor_patterns, regex.after_anchor))
    return compiled


_LIST_LINE_PREFIX = re.compile(
    r"\s*(?:[-*#>\u2022]+|\(?[A-Za-z]?\d{1,3}[.):]?\)?)?\s*(?:[A-Z]\d\d(?:\.[0-9A-Z]{1,4})?\s*[-:\u2013]?\s*)?"
    r"(?:[A-Za-z][A-Za-z /&]{0,30}:\s*)?"
)
"""What may stand before a list line's entry: a bullet or item number ("3.", "Q7"), an ICD code, a short field title
("Dx:", "Primary diagnosis:")."""


def starts_list_line(doc: Doc, start: int) -> bool:
    """Whether token `start` begins its line's entry (only a bullet, number, code or field title before it)."""
    text, at = note_text(doc), doc[start].idx
    return _LIST_LINE_PREFIX.fullmatch(text, text.rfind("\n", 0, at) + 1, at) is not None


def resolve_overlaps(spans: list[Span]) -> list[Span]:
    """Overlaps resolve to the longest span, except that a duration or onset may overlap what it dates:
    "since a fall" is both when the pain began and a fall. A duration inside a treatment's response ("relief for a
    day or two") is how long the relief lasted, not how long the condition has."""
    timing = [s for s in spans if s.label_ == FindingKind.CHRONICITY]
    others = longest_first([s for s in spans if s.label_ != FindingKind.CHRONICITY])
    responses = [(s.start, s.end) for s in others if s.label_ == _RESPONSE]
    if responses:
        timing = [s for s in timing if not any(a <= s.start and s.end <= b for a, b in responses)]
    return sorted(others + longest_first(timing), key=lambda s: (s.start, s.end))


def longest_first(spans: list[Span]) -> list[Span]:
    """Overlapping matches resolve to the longest (then the earliest): "neck pain" wins over "neck"."""
    taken: set[int] = set()
    kept = []
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.start)):
        tokens = range(span.start, span.end)
        if not taken.intersection(tokens):
            taken.update(tokens)
            kept.append(span)
    kept.sort(key=lambda s: (s.start, s.end))
    return kept


@contextmanager
def quiet_matchers() -> Iterator[None]:
    """medSpaCy runs spaCy's token Matcher even when that holds no pattern (phrase rules only), and spaCy warns of it
    (W036): silenced inside our calls only, never in the host program."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"\[W036\]")
        yield


class TargetStage(SavedRules[TargetRules]):
    """Phrase rules matched as medSpaCy's TargetMatcher matches them, plus regex rules run once over the text.

    medSpaCy's RegexMatcher rebuilds the document text for every pattern; with levels, durations and timing
    expressed as regexes that alone cost more than the rest of the pipeline."""

    rules_package = "notecoder.targets"
    rules_model = TargetRules

    def __init__(self, nlp: Language, name: str, rules: str | None = None, span_key: str = TARGETS_KEY) -> None:
        self.nlp, self.name, self.span_key = nlp, name, span_key
        self._load_rules(rules)

    def _validated(self, raw: dict, where: str) -> TargetRules:
        return expanded_rules(raw, where)

    def _build(self, rules: TargetRules) -> None:
        nlp = self.nlp
        # medSpaCy's TargetMatcher holds its rules in a MedspacyMatcher of its own (private), whose token Matcher,
        # holding none of these phrase rules, would warn (W036) on every note: the phrases go straight into a
        # PhraseMatcher, as MedspacyMatcher adds them (the lower-cased literal, under "<category>_<n>"), so that
        # only the matches kept after pruning become Spans
        strings = nlp.vocab.strings
        self._phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._phrase_rules: dict[int, tuple[TargetRule, int]] = {}
        # a phrase can be broken by a line wrap only between two of its own words: the words of phrases longer
        # than one token, by their lower-case hash (the attribute medSpaCy's phrase matcher compares); the words a
        # misspelling may stand for are those of the `misspelt_kinds` phrases
        wrap_words: set[int] = set()
        spelt_words: list[str] = []
        listed = {(g.concept, p) for g in rules.groups if g.line_start for p in g.phrases}
        self._line_start: set[int] = set()
        for i, rule in enumerate(medspacy_rules(rules)):
            key = f"{rule.category}_{i}"
            self._phrase_rules[strings.add(key)] = (rule, strings.add(rule.category))
            listed_here = (rule.metadata["concept"], rule.literal) in listed
            if listed_here:
                self._line_start.add(strings[key])
            phrase = nlp.tokenizer(rule.literal.lower())
            self._phrases.add(key, [phrase])
            # a list line's entry does not wrap; its comma would send every break beside a comma to be matched again
            if len(phrase) > 1 and not listed_here:
                wrap_words.update(t.lower for t in phrase)
            if rule.category in rules.misspelt_kinds:
                spelt_words.extend(t.lower_ for t in phrase)
        self._phrase_words = frozenset(wrap_words)
        self._spelling: Spelling | None = None
        self._spelt: dict[int, str | None] = {}  # by the word's lower-case hash: a note's long words recur
        if rules.misspelt_min_letters is not None:
            same = [[form for form in forms if " " not in form] for forms in rules.equivalents]
            self._spelling = Spelling(spelt_words, rules.misspelt_min_letters, rules.ocr_misreadings, same=same)
        # spaCy's token Matcher costs a pass per pattern; exact-case words ("PT", "HA") need only a hash lookup
        self.cased = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.cased_rules: dict[int, TargetRule] = {}
        for rule in cased_rules(rules):
            name = f"cased/{rule.literal}"
            self.cased_rules[nlp.vocab.strings.add(name)] = rule
            self.cased.add(name, [nlp.make_doc(rule.literal)])
        self.regexes = regex_rules(rules)

    def __call__(self, doc: Doc) -> Doc:
        spans = self._matched(doc) + self._wrapped(doc) + self._misspelt(doc)
        for key, start, end in self.cased(doc):
            rule = self.cased_rules[key]
            span = Span(doc, start, end, label=rule.category)
            set_span_value(span, TARGET_RULE_EXTENSION, rule)
            spans.append(span)
        text = note_text(doc)
        lower, seen = text.lower(), AnchorHits()
        grams = NoteGrams(lower) if len(lower) == len(text) else None  # else every regex scans the whole text
        for regex in self.regexes:
            for match in regex.finditer(text, lower, seen, grams):
                start, end = match.span(regex.span_group)
                found = doc.char_span(start, end, label=regex.rule.category, alignment_mode="expand")
                if found is not None:
                    set_span_value(found, TARGET_RULE_EXTENSION, regex.rule)
                    if regex.span_group:  # the context the span needed, for a value read from all of it
                        set_span_value(found, MATCH_TEXT, match.group(0))
                    spans.append(found)
        doc.spans[self.span_key] = resolve_overlaps(spans)
        return doc

    def _matched(self, doc: Doc) -> list[Span]:
        """The phrase matches as medSpaCy's TargetMatcher gives them: overlaps pruned, each with its rule."""
        spans = []
        matches = self._phrases(doc)
        if self._line_start:
            matches = [m for m in matches if m[0] not in self._line_start or starts_list_line(doc, m[1])]
        for match_id, start, end in prune_overlapping(matches):
            rule, label = self._phrase_rules[match_id]
            span = Span(doc, start, end, label=label)
            set_span_value(span, TARGET_RULE_EXTENSION, rule)
            spans.append(span)
        return spans

    def _misspelt(self, doc: Doc) -> list[Span]:
        """Phrases with a long word misspelt ("zygapohyseal jt pain"): the words around each misspelling are matched
        again with the word it stands for; the span is the note's own words."""
        spelling = self._spelling
        if spelling is None:
            return []
        sizes = doc.to_array([LENGTH, LOWER])
        long = np.flatnonzero(sizes[:, 0] >= spelling.shortest)
        keys = sizes[long, 1]
        fixed: dict[int, str] = {}
        for key in np.unique(keys).tolist():
            if key not in self._spelt:
                if len(self._spelt) > _SPELT_KEPT:
                    self._spelt.clear()
                self._spelt[key] = spelling.corrected(doc.vocab.strings[key])
            if (word := self._spelt[key]) is not None:
                fixed[key] = word
        if not fixed:
            return []
        fixes = {i: fixed[key] for i, key in zip(long.tolist(), keys.tolist(), strict=True) if key in fixed}
        spans = []
        for low, high in _merged((i - _WRAP_REACH, i + _WRAP_REACH + 1) for i in fixes):
            tokens = list(doc[max(0, low) : min(len(doc), high)])
            words = [fixes.get(t.i, t.text) for t in tokens]
            for own, _ in self._matched_again(doc, tokens, words, [bool(t.whitespace_) for t in tokens]):
                if any(i in fixes for i in range(own.start, own.end)):
                    spans.append(own)
        return spans

    def _matched_again(
        self, doc: Doc, tokens: list[Token], words: list[str], spaces: list[bool]
    ) -> Iterator[tuple[Span, int]]:
        """The phrases of the note's `tokens` written as `words` (a line break left out, a misspelling put right),
        each as a span of the note's own tokens, with the number of words it matched."""
        for span in self._matched(Doc(doc.vocab, words=words, spaces=spaces)):
            own = Span(doc, tokens[span.start].i, tokens[span.end - 1].i + 1, label=span.label_)
            set_span_value(own, TARGET_RULE_EXTENSION, span_value(span, TARGET_RULE_EXTENSION))
            yield own, len(span)

    def _wrapped(self, doc: Doc) -> list[Span]:
        """Phrases broken by a line wrap ("uncovertebral\\nhypertrophy"): spaCy makes the break a token, so the
        tokens around each break inside a sentence are matched again without it."""
        flags = doc.to_array([IS_SPACE, SENT_START, LOWER])
        space = flags[:, 0] == 1
        breaks = np.flatnonzero(space[:-1] & (flags[1:, 1].astype(np.int64) != 1))
        if not len(breaks):
            return []
        removed = set(breaks.tolist())
        # a break worth matching across has a phrase word on each side (or another break: kept, to be safe)
        lower, words = flags[:, 2].tolist(), self._phrase_words
        wrapped = [
            i
            for i in breaks.tolist()
            if 0 < i < len(doc) - 1
            and (lower[i - 1] in words or space[i - 1])
            and (lower[i + 1] in words or space[i + 1])
        ]
        spans = []
        for low, high in _merged((i - _WRAP_REACH, i + _WRAP_REACH + 1) for i in wrapped):
            kept = [t for t in doc[max(0, low) : min(len(doc), high)] if t.i not in removed]
            spaces = [bool(t.whitespace_) or t.i + 1 in removed for t in kept]
            for own, size in self._matched_again(doc, kept, [t.text for t in kept], spaces):
                if len(own) > size:  # it spans a removed break: a match the note's own tokens could not give
                    spans.append(own)
        return spans


@Language.factory("notecoder_targets", assigns=["doc.spans"], default_config={"rules": None, "span_key": TARGETS_KEY})
def make_targets(nlp: Language, name: str, rules: str | None, span_key: str) -> TargetStage:
    """`rules`: a target rules file to use instead of the package's; `span_key`: the span group of the matches."""
    return TargetStage(nlp, name, rules, span_key)
