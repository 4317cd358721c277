"""Context: medSpaCy's ConText with its default rules plus notecoder's (`rules.json`).

ConText builds one graph per note, comparing every modifier with every other and with every target. A modifier's
scope never leaves its sentence (no global `max_scope` is set), so `SentenceConText` builds the same graph one
sentence at a time, and only for sentences that hold a target: the same edges, a fraction of the comparisons.
One difference, on purpose: a modifier inside a finding's own words ("moist with no erythema" as one finding) is
dropped, as NegEx annotates; stock ConText drops it only when told to prune on any target, result words included.

ConText's defaults spell many rules as token patterns ("rule (the patient) out"); spaCy's Matcher tests every
token against every such pattern, which made ConText the slowest stage. Patterns built only from lower-case
words and optional tokens are expanded here into the literal phrases they match, which the PhraseMatcher finds
in one hashed pass. The rules and what they match are unchanged.

ConText's graph compares each cue with every other cue and every target of its sentence: quadratic in a sentence
with thousands of cues ("no neck pain" repeated with no full stop, a flattened export). A sentence with more than
`CROWDED_CUES` cues is taken in windows of `WINDOW_TOKENS` tokens: each window's targets see the cues of their own
window and its two neighbours, so a cue still reaches what stands within a window of it, and the work is linear."""

import notecoder.medspacy_import  # noqa: F401  (medSpaCy without its process-wide warnings filter)

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable

from medspacy.common.medspacy_matcher import MedspacyMatcher
from medspacy.context import ConText, ConTextGraph, ConTextModifier, ConTextRule
from medspacy.context.context import DEFAULT_ATTRIBUTES
from spacy.language import Language
from spacy.tokens import Doc, Span

from notecoder.context.rules import ContextRules, medspacy_context_rules
from notecoder.doc_keys import MODIFIERS_EXTENSION, TARGETS_KEY
from notecoder.overlaps import prune_overlapping
from notecoder.rules_disk import SavedRules
from notecoder.sentences.bounds import sentence_bounds
from notecoder.span_values import plain_extension, set_span_value, span_value
from notecoder.stance import stance_rules
from notecoder.targets import CONTEXT_KINDS, MODIFIER_KINDS, quiet_matchers

Span.set_extension(MODIFIERS_EXTENSION, default=(), force=True)

CROWDED_CUES = 48
WINDOW_TOKENS = 64


class SentenceConText(ConText, SavedRules[ContextRules]):
    """medSpaCy's ConText (its rules, `add`, flags and extensions), whose graph is built one sentence at a time.

    Only medSpaCy's public API is used: its rules go through `ConText.add` (which gives each rule the global
    allowed, excluded and terminating types) and, from there, into a `MedspacyMatcher` of this component's own
    (`matcher`); each sentence's graph is a `ConTextGraph` of `ConTextModifier`s. `__call__` takes the place of
    `ConText.__call__`, whose steps it repeats per sentence: `UPSTREAM` pins the medSpaCy code it mirrors, and a test
    fails when a medSpaCy release changes any of it."""

    rules_package = "notecoder.context"
    rules_model = ContextRules

    def __init__(self, nlp: Language, name: str, rules: str | None = None, span_key: str = TARGETS_KEY) -> None:
        self._settings = (nlp, name, span_key)
        self._load_rules(rules)

    def _build(self, rules: ContextRules) -> None:
        """medSpaCy's ConText takes its terminating types when it is made and cannot drop a rule: made anew."""
        nlp, name, span_key = self._settings
        ConText.__init__(
            self,
            nlp,
            name=name,
            rules=None,
            input_span_type="group",
            span_group_name=span_key,
            excluded_types=set(MODIFIER_KINDS),
            prune_on_modifier_overlap=False,  # the matcher's overlaps are pruned in `__call__`, the same way, faster
            terminating_types={k: list(v) for k, v in rules.terminating_types.items()},
        )
        self.matcher = MedspacyMatcher(nlp, name=name, phrase_matcher_attr="LOWER", prune=False)
        """The rules' matcher, this component's own: ConText keeps its own private."""
        self._token_rules = False
        self.add(medspacy_context_rules(rules, self.DEFAULT_RULES_FILEPATH))
        # medSpaCy's flags for its own categories, and for the stance classes' others (REJECTED is negated)
        self.context_attributes_mapping = {**DEFAULT_ATTRIBUTES, **stance_rules().context_attributes()}
        self._whole_sentence = frozenset(rules.whole_sentence)
        self._glued = {  # the same rule, reaching forward (as `add` gave it its allowed, excluded and ending types)
            rule.literal: ConTextRule(
                rule.literal,
                rule.category,
                direction="FORWARD",
                allowed_types=rule.allowed_types,
                excluded_types=rule.excluded_types,
                max_scope=rule.max_scope,
                max_targets=rule.max_targets,
                terminated_by=rule.terminated_by,
            )
            for rule in self.rules
            if rule.literal in rules.glued_forward and rule.pattern is None
        }

    def add(self, rules: ConTextRule | Iterable[ConTextRule]) -> None:
        """`ConText.add`, the rules then matched by this component's matcher too."""
        rules = [rules] if isinstance(rules, ConTextRule) else list(rules)
        ConText.add(self, rules)
        self.matcher.add(rules)
        # spaCy's token Matcher warns (W036) on every call while it holds no pattern: silenced only then
        self._token_rules = self._token_rules or any(isinstance(rule.pattern, list) for rule in rules)

    def _matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        if self._token_rules:
            return self.matcher(doc)
        with quiet_matchers():
            return self.matcher(doc)

    def __call__(self, doc: Doc, targets: str | None = None) -> Doc:
        # read once: a span group makes a new Span (and Tokens for its bounds) each time it is iterated
        if targets:
            spans = list(getattr(doc._, targets))
        else:
            spans = list(doc.spans[self.span_group_name]) if self.span_group_name in doc.spans else []
        starts, _ = sentence_bounds(doc)
        targets_by_sentence = defaultdict(list)
        for span in spans:
            if span.label_ in CONTEXT_KINDS:
                targets_by_sentence[bisect_right(starts, span.start)].append(span)
        rule_map, strings = self.matcher.rule_map, self.nlp.vocab.strings
        matches_by_sentence = defaultdict(list)
        matches = prune_overlapping(self._matches(doc))
        for match_id, start, end in matches:
            sentence = bisect_right(starts, start)
            if sentence in targets_by_sentence:
                matches_by_sentence[sentence].append((match_id, start, end))
        all_modifiers, edges = [], []
        for sentence, matches in matches_by_sentence.items():
            first, last = starts[sentence - 1], starts[sentence] if sentence < len(starts) else len(doc)
            for found, cues in _windows(targets_by_sentence[sentence], matches):
                # a cue inside a finding's own words ("moist with no erythema") does not modify it
                graph = ConTextGraph(prune_on_modifier_overlap=True)
                graph.targets = found
                inside = {i for target in found for i in range(target.start, target.end)}
                graph.modifiers = [
                    ConTextModifier(rule, start, end, doc, *_scope(rule, start, end, first, last))
                    for match_id, start, end in cues
                    for rule in (self._glued_rule(doc, rule_map[strings[match_id]], end),)
                    # a terminating word inside a finding ("neurologic examination") ends no other cue's scope
                    if not (rule.direction.upper() == "TERMINATE" and inside.issuperset(range(start, end)))
                ]
                all_modifiers += graph.modifiers
                whole = [(m, m.scope_span) for m in graph.modifiers if m.category in self._whole_sentence]
                graph.update_scopes()
                for modifier, (scope_start, scope_end) in whole:  # no other cue ends their scope
                    modifier.update_scope(doc[scope_start:scope_end])
                graph.apply_modifiers()
                edges += graph.edges
        medspacys = plain_extension(Span, "modifiers")  # medSpaCy's own name: written unless a host took it
        for target, modifier in edges:
            modifiers = (*span_value(target, MODIFIERS_EXTENSION), modifier)
            set_span_value(target, MODIFIERS_EXTENSION, modifiers)
            if medspacys:
                set_span_value(target, "modifiers", modifiers)
        if self.context_attributes_mapping:
            self.set_context_attributes(edges)
        doc._.context_graph = ConTextGraph(targets=spans, modifiers=all_modifiers, edges=edges)
        return doc

    def _glued_rule(self, doc: Doc, rule: ConTextRule, end: int) -> ConTextRule:
        """A glued cue's forward rule when it is written against the next word ("?L4-5"), else the rule."""
        glued = self._glued.get(rule.literal)
        if glued is None or end >= len(doc) or doc[end - 1].whitespace_ or not doc[end].text[:1].isalnum():
            return rule
        return glued


UPSTREAM = {
    "ConText.__call__": (ConText.__call__, "37a03a8d2e20c45217a3bba5c3ac6c6081bba89fcbea5860255f8ad0b0bea16f"),
    "ConText.add": (ConText.add, "a675e8653ff76195dc09e6f27fc0e289c22b34f86bd1908b6182ff73ff4fe5d4"),
    "ConTextModifier": (ConTextModifier, "42ba895b474aebeddb7d4d05e2f52bde93ed8e60594cd8733f3ec5de03120aab"),
    "ConTextGraph": (ConTextGraph, "47e38200fc41f47bdfa8638275de33dcf662aef7f3abf8ea2f9f016047f822ad"),
    "MedspacyMatcher": (MedspacyMatcher, "93ae6ffcced77086e4107f1fbc41cef569c3c7ddf399479963ec0f3f6768cf3f"),
}
"""The medSpaCy code `SentenceConText` mirrors or builds on, by the SHA-256 of its source in medSpaCy 1.3.1:
`ConText.__call__` (repeated per sentence in `SentenceConText.__call__`), how `ConTextModifier` sets its scope
(`_scope`), how `ConTextGraph` limits scopes and links targets, and `MedspacyMatcher`'s matching. A medSpaCy release
that changes any of them fails `upstream_changes()`'s test: carry the change over here, then pin the new source."""


def upstream_changes() -> list[str]:
    """The names in `UPSTREAM` whose medSpaCy source is no longer the one pinned."""
    import hashlib
    import inspect

    return [
        name
        for name, (code, pinned) in UPSTREAM.items()
        if hashlib.sha256(inspect.getsource(code).encode()).hexdigest() != pinned
    ]


@Language.factory(
    "notecoder_context",
    assigns=["span._.is_negated"],
    requires=["token.is_sent_start"],
    default_config={"rules": None, "span_key": TARGETS_KEY},
)
def make_context(nlp: Language, name: str, rules: str | None, span_key: str) -> SentenceConText:
    """`rules`: a ConText rules file to add to medSpaCy's defaults instead of the package's; `span_key`: the span
    group of the targets."""
    return SentenceConText(nlp, name, rules, span_key)


def _windows(targets: list, matches: list[tuple[int, int, int]]) -> list[tuple[list, list[tuple[int, int, int]]]]:
    """One sentence's targets with the cues that may modify them: all of them together, or in windows when the
    sentence is crowded with cues."""
    if len(matches) <= CROWDED_CUES:
        return [(targets, matches)]
    cues_by_window = defaultdict(list)
    for match in matches:
        cues_by_window[match[1] // WINDOW_TOKENS].append(match)
    targets_by_window = defaultdict(list)
    for target in targets:
        targets_by_window[target.start // WINDOW_TOKENS].append(target)
    return [
        (found, [cue for near in (window - 1, window, window + 1) for cue in cues_by_window.get(near, ())])
        for window, found in sorted(targets_by_window.items())
    ]


def _scope(rule, start: int, end: int, first: int, last: int) -> tuple[int, int]:
    """A cue's scope as ConTextModifier sets it (its sentence in the rule's direction, cut to the rule's max_scope),
    from the sentence bounds already known: ConTextModifier finds them through `Token.sent`, which walks the sentence
    from the token, once per cue."""
    direction, most = rule.direction.lower(), rule.max_scope
    scope_start = end if direction == "forward" else first
    scope_end = start if direction == "backward" else last
    if most is not None:
        if direction != "forward":
            scope_start = max(scope_start, start - most)
        if direction != "backward":
            scope_end = min(scope_end, end + most)
    return scope_start, scope_end
