"""The words around a diagnosis mention, as the stance model reads them.

The mention's own words are left out and every other diagnosis in reach is one placeholder word (`OTHER`), so the
model learns how authors speak of a diagnosis, not which diagnoses they doubt: "I do not think this is <dx>" reads
the same whatever the diagnosis. Words are lower case with digits as 0. Each feature keeps the tokens of its first
occurrence, so the words that weighed most can be shown as the cue."""

import re
from bisect import bisect_right
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from spacy.tokens import Doc

from notecoder.result import Finding, FindingKind
from notecoder.sentences.bounds import sentence_bounds

OTHER = "<dx>"
NEAR = 4
"""Tokens each side of the mention that also count as near ("not <dx>", "<dx> ?")."""

FUNCTION_WORDS = frozenset(
    "the a an of in to for with on at and or by as from he she his her it its is was be this that . , ; : - ( )".split()
)
"""Words that alone say nothing of a stance and weigh as noise in a small model; in a pair they may ("of <dx>")."""

_DIGITS = re.compile(r"\d+")

Features = dict[str, tuple[int, int]]
"""Feature name -> the token span (start, end) of its first occurrence."""


class Words(Sequence[str]):
    """A note's words as the model reads them, made on first use: the model reads a few sentences of a note."""

    def __init__(self, doc: Doc) -> None:
        self._doc = doc
        self._made: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self._doc)

    def __getitem__(self, i):  # the features read single words only
        word = self._made.get(i)
        if word is None:
            word = self._made[i] = _DIGITS.sub("0", self._doc[i].lower_)
        return word


def mention_features(
    words: Sequence[str],
    sentence_starts: Sequence[int],
    mention: tuple[int, int],
    others: Sequence[tuple[int, int]],
    named_with: AbstractSet[int] = frozenset(),
) -> Features:
    """The features of the mention's token span `mention`: the words before and after it in its sentence (all of
    them, and the nearest apart), the next sentence's (a stance said after: "I do not agree with that").
    `others`: the token spans of the note's other diagnosis mentions; `named_with`: tokens that name a level or a
    region, which are a diagnosis's words, not the author's stance ("of the lumbar spine"). Not the section: the
    snippets it learns from have none, so a section-less note would look like theirs; a section's stance is the
    rules'."""
    start, end = mention
    sentence = bisect_right(sentence_starts, start) - 1
    first = sentence_starts[sentence]
    last = sentence_starts[sentence + 1] if sentence + 1 < len(sentence_starts) else len(words)
    after = sentence_starts[sentence + 2] if sentence + 2 < len(sentence_starts) else len(words)
    near = [(s, e) for s, e in others if e > first and s < after]
    other_tokens = {i for s, e in near for i in range(s, e)}
    owned = _owned_by_others(mention, near, first, after) | named_with
    features: Features = {}
    left = _sequence(words, range(first, start), other_tokens, owned)
    right = _sequence(words, range(end, last), other_tokens, owned)
    _grams(features, "L", left)
    _grams(features, "R", right)
    _grams(features, "LN", left[-NEAR:], bigrams=False)
    _grams(features, "RN", right[:NEAR], bigrams=False)
    if last < after:
        _grams(features, "N", _sequence(words, range(last, after), other_tokens, owned))
    return features


def _owned_by_others(
    mention: tuple[int, int], others: Sequence[tuple[int, int]], first: int, after: int
) -> AbstractSet[int]:
    """The tokens nearer another diagnosis mention than this one (a tie is this one's): as ConText's scope ends at
    the next target, a cue beside another diagnosis ("X; I find no evidence of <dx>") speaks of that one. On a line,
    what another mention owns is everything from the midpoint between the two outward."""
    start, end = mention
    owned: set[int] = set()
    for other_start, other_end in others:
        if other_start >= end:  # after the mention: token i is nearer when other_start - i < i - end + 1
            owned.update(range(max((other_start + end - 1) // 2 + 1, first), after))
        elif other_end <= start:  # before it: nearer when i - other_end + 1 < start - i
            owned.update(range(first, min((start + other_end) // 2, after)))
    return owned


def _sequence(
    words: Sequence[str], tokens: range, others: set[int], owned: AbstractSet[int] = frozenset()
) -> list[tuple[str, int, int]]:
    """The words of `tokens`, each other diagnosis one `OTHER`, without the words another diagnosis owns."""
    out: list[tuple[str, int, int]] = []
    for i in tokens:
        if i in owned and i not in others:
            continue
        if i in others:
            if out and out[-1][0] == OTHER and out[-1][2] == i:
                out[-1] = (OTHER, out[-1][1], i + 1)
                continue
            out.append((OTHER, i, i + 1))
        elif not words[i].isspace():
            out.append((words[i], i, i + 1))
    return out


def _grams(features: Features, prefix: str, sequence: list[tuple[str, int, int]], bigrams: bool = True) -> None:
    for i, (word, start, end) in enumerate(sequence):
        if word not in FUNCTION_WORDS:
            features.setdefault(f"{prefix}:{word}", (start, end))
        if bigrams and i:
            before, before_start, _ = sequence[i - 1]
            features.setdefault(f"{prefix}:{before} {word}", (before_start, end))


class Mentions:
    """A note's diagnosis mentions as token spans, and the words the model reads around each."""

    def __init__(self, doc: Doc, findings: Sequence[Finding], kinds: AbstractSet[FindingKind]) -> None:
        self.indices = [i for i, f in enumerate(findings) if f.kind in kinds]
        self.spans = {i: token_span(doc, findings[i]) for i in self.indices}
        self._named_with = {
            token for f in findings if f.kind == FindingKind.SPINAL_LEVEL for token in range(*token_span(doc, f))
        }
        self._words = Words(doc)
        self._starts = sentence_bounds(doc)[0]

    def features(self, i: int) -> Features:
        """The features of finding `i`, one of the mentions."""
        others = [self.spans[j] for j in self.indices if j != i]
        return mention_features(self._words, self._starts, self.spans[i], others, self._named_with)


def token_span(doc: Doc, finding: Finding) -> tuple[int, int]:
    span = doc.char_span(finding.start, finding.end, alignment_mode="expand")
    return (span.start, span.end) if span is not None else (0, 0)
