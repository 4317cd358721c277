"""Target rules (`rules.json`): phrases, exact-case words and regexes by finding kind and concept, the phrases the
official tabular adds, and the forms a scanned note misreads. Each rule's metadata says which finding kind and
concept it is, or which modifier (result, response, timing, exclusion)."""

import copy
import re
from functools import cache
from typing import Literal

from pydantic import Field, field_validator, model_validator

from notecoder.levels import LEVEL_PATTERN, ORDINAL_PATTERN, vocabulary
from notecoder.mapper.icd import condition_terms
from notecoder.misreadings import misread_forms
from notecoder.number_words import COUNTED
from notecoder.result import FindingKind
from notecoder.rules_file import RulesFile, RulesModel, raw_rules, rules_where, validate_rules
from notecoder.word_forms import plural

MODIFIER_KINDS = ("result", "response", "timing", "exclusion")
FINDING_KINDS = frozenset(k.value for k in FindingKind)
REFERENCE_KIND = "reference"
"""Words that point back at a diagnosis ("that diagnosis"): ConText reads them as it reads findings, so a stance
said of one in a later sentence reaches the diagnosis it names."""
CONTEXT_KINDS = FINDING_KINDS | {REFERENCE_KIND}
Kind = Literal[
    "spinal_level", "condition", "imaging", "neuro_exam", "conservative_care", "symptom", "trauma", "chronicity",
    "result", "response", "timing", "exclusion", "reference",
]  # fmt: skip


class RegexRule(RulesModel):
    pattern: str
    anchors: tuple[str, ...] = ()
    """Lower-case strings, one of which must occur nearby for `pattern` to be tried; none (and no
    `anchor_patterns`): tried everywhere."""
    anchor_patterns: tuple[str, ...] = ()
    """Regexes over the lower-cased text whose matches are anchors too, for forms no plain string covers ("6w").
    One regex per leading character class: Python's `re` skips ahead fast only when a pattern's first character
    is known, and an alternation of a word and a digit form scans four times slower than the two apart."""
    after_anchor: int = Field(60, ge=0)
    """How far a match may run past the end of its anchor: less for a rule whose anchor ends it ("3 weeks")."""

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"regex does not compile ({error}): {pattern!r}") from None
        return pattern

    @field_validator("anchor_patterns")
    @classmethod
    def _all_compile(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            cls._compiles(pattern)
        return patterns

    @field_validator("anchors")
    @classmethod
    def _lower_case(cls, anchors: tuple[str, ...]) -> tuple[str, ...]:
        if any(not a or a != a.lower() for a in anchors):
            raise ValueError("anchors are non-empty lower-case strings")
        return anchors


class TargetGroup(RulesModel):
    kind: Kind
    concept: str
    value: str | None = None
    qualifier: Literal["none", "optional", "required"] = "none"
    phrases: tuple[str, ...] = ()
    cased: tuple[str, ...] = ()
    regex: tuple[RegexRule, ...] = ()
    line_start: bool = False
    """Phrases that are a condition only as a list line's entry (the index's "Syndrome, facet"): mid-sentence the
    same words are two things ("paraspinal pain, facet loading positive")."""

    @model_validator(mode="after")
    def _has_patterns(self) -> "TargetGroup":
        if not (self.phrases or self.cased or self.regex):
            raise ValueError(f"target group {self.concept!r} has no phrases, cased tokens or regex")
        return self


class TabularTerms(RulesModel):
    """Phrases for a concept taken from the official tabular: the titles and inclusion terms of `codes`."""

    kind: Kind = "condition"
    concept: str
    qualifier: Literal["none", "optional", "required"] = "optional"
    codes: tuple[str, ...]
    skip: dict[str, str] = {}
    """Terms not taken, each with the reason (another concept's wording, or not the spine in notes)."""


class ResponseWords(RulesModel):
    """A treatment's response in words: a qualifier, up to one filler, a noun ("only transient benefit", "no
    meaningful relief", "little lasting change"), or a verb of effect and an adverb of degree ("helps partly",
    "works every time"): phrases made from the words, added to the response group whose concept each qualifier or
    adverb names."""

    about: str = ""
    nouns: tuple[str, ...]
    fillers: tuple[str, ...]
    qualifiers: dict[str, tuple[str, ...]]
    verbs: tuple[str, ...] = ()
    adverbs: dict[str, tuple[str, ...]] = {}


class TargetRules(RulesFile):
    tabular: tuple[TabularTerms, ...] = ()
    misreadings: tuple[tuple[str, str], ...] = ()
    """Letter groups a scanned note misreads ('m' read as 'rn') or dictation drops ('degenera' heard as 'genera'):
    condition phrases match in those forms too."""
    misread_kinds: tuple[Kind, ...] = ()
    equivalents: tuple[tuple[str, ...], ...] = ()
    """Words or word runs that name the same thing ('disc' and 'disk'; 'facet joint', 'z-joint' and
    'zygapophyseal joint'): condition phrases match with any of a class in place of another."""
    compounds: tuple[tuple[str, str], ...] = ()
    """Combining forms that dictation and typists split off ('cervico' + 'cranial', 'zyg' heard 'zygo'): a
    condition word starting with the first also matches as the second, a space or hyphen, then the rest."""
    response_words: ResponseWords | None = None
    misspelt_min_letters: int | None = None
    """A note's word at least this long, one letter added, left out, changed or swapped from exactly one long word of
    the phrase rules of `misspelt_kinds`, is read as that word ('zygapohyseal'); None reads no misspellings."""
    misspelt_kinds: tuple[Kind, ...] = ()
    ocr_misreadings: tuple[tuple[str, str], ...] = ()
    """Letter groups a faxed page's OCR reads for others ('l' read as '1', 'm' as 'rn'): a note's word of six letters
    or more that is one of the `misspelt_kinds` words with one such misreading is read as that word."""
    reordered_kinds: tuple[Kind, ...] = ()
    """Kinds whose phrases also match head noun first: "syndrome of the facet joints", and "Syndrome, facet" at a
    list line's start."""
    groups: tuple[TargetGroup, ...]

    @model_validator(mode="after")
    def _phrases_are_unique(self) -> "TargetRules":
        seen: dict[str, str] = {}
        for group in self.groups:
            for phrase in group.phrases:
                key = phrase.lower()
                if key in seen:
                    raise ValueError(f"phrase {phrase!r} is in both {seen[key]!r} and {group.concept!r}")
                seen[key] = group.concept
        return self


def target_rules(path: str | None = None) -> TargetRules:
    """The shipped rules (or `path`'s) plus the level vocabulary's region words and their non-spinal look-alikes."""
    return _target_rules(path)


@cache
def _target_rules(path: str | None) -> TargetRules:
    return expanded_rules(raw_rules(__package__, path), rules_where(__package__, path))


def expanded_rules(raw: dict, where: str) -> TargetRules:
    """`raw` (a rules file as written) validated, then again with the groups it generates added."""
    validate_rules(TargetRules, raw, where)
    raw = copy.deepcopy(raw)  # the written rules stay as they are, for a pipeline to save
    vocab = vocabulary()
    level_groups = [
        {"kind": "spinal_level", "concept": "level", "regex": [
            # every level starts with "occ", a region letter and its number ("c5", "l-4", "c0") or a coccygeal segment
            # ("Co1")
            {"pattern": LEVEL_PATTERN, "anchors": ["occ"], "anchor_patterns": [r"[ctls]-?\d", r"co[1-4]"]},
            {"pattern": ORDINAL_PATTERN, "anchors": ["first", "second", "third", "fourth", "fifth", "sixth",
                                                      "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth"]}]},
        {"kind": "spinal_level", "concept": "region",
         "phrases": [w.phrase for w in vocab.region_words if w.standalone]},
        {"kind": "exclusion", "concept": "not_spinal", "phrases": list(vocab.not_spinal.phrases)},
    ]  # fmt: skip
    for group in raw["groups"]:
        for rule in group.get("regex", ()):
            rule["pattern"] = rule["pattern"].replace("{counted}", f"(?:{COUNTED})")
    try:
        raw["groups"] = level_groups + raw["groups"] + tabular_groups(raw)
    except ValueError as error:
        raise ValueError(f"{where} is not valid: {error}") from None
    heads = written_heads(raw)
    add_misread_forms(raw)
    add_word_forms(raw)
    add_word_orders(raw, heads)
    add_response_forms(raw)
    return validate_rules(TargetRules, raw, where)


def add_response_forms(raw: dict) -> None:
    """The response phrases `response_words` makes, each in the response group of its qualifier's value, unless a
    group already writes it."""
    words = raw.get("response_words")
    if not words:
        return
    taken = {p.lower() for group in raw["groups"] for p in group.get("phrases", ())}
    groups = {g["concept"]: g for g in raw["groups"] if g["kind"] == "response"}
    fillers = ("", *(f"{filler} " for filler in words["fillers"]))
    values = set(words["qualifiers"]) | set(words.get("adverbs", {}))
    for value in sorted(values):
        qualifiers, adverbs = words["qualifiers"].get(value, ()), words.get("adverbs", {}).get(value, ())
        made = [f"{q} {f}{n}" for q in qualifiers for f in fillers for n in words["nouns"]]
        made += [f"{verb} {adverb}" for verb in words.get("verbs", ()) for adverb in adverbs]
        new = [phrase for phrase in dict.fromkeys(made) if phrase not in taken]
        groups[value]["phrases"] = [*groups[value]["phrases"], *new]
        taken.update(new)


def add_word_forms(raw: dict) -> None:
    """Each condition phrase also with its words' equivalents, its compounds split and its last word plural: rules
    over words, so a phrase written once matches in every form its words take ("z-joint syndromes" from "facet
    syndrome")."""
    classes = [tuple(tuple(form.split()) for form in group) for group in raw.get("equivalents", ())]
    table = {form: forms for forms in classes for form in forms}
    longest = max((len(form) for form in table), default=0)
    compounds = [tuple(pair) for pair in raw.get("compounds", ())]
    taken = {p.lower() for group in raw["groups"] for p in group.get("phrases", ())}
    for group in raw["groups"]:
        if group["kind"] != "condition" or not group.get("phrases"):
            continue
        forms = []
        for phrase in group["phrases"]:
            for words in _equivalent_forms(tuple(phrase.lower().split()), table, longest):
                for form in (*_split_compounds(words, compounds), *_plurals(words)):
                    if form not in taken:
                        forms.append(form)
                        taken.add(form)
        group["phrases"] = [*group["phrases"], *forms]


def written_heads(raw: dict) -> frozenset[str]:
    """The nouns the phrases of `reordered_kinds` end in as written (not their misread or abbreviated forms), and
    their plurals."""
    kinds = set(raw.get("reordered_kinds", ()))
    ends = (p.lower().split()[-1] for g in raw["groups"] if g["kind"] in kinds for p in g.get("phrases", ()))
    nouns = {word for word in ends if plural(word) is not None}
    several = {form for word in nouns if (form := plural(word)) is not None}
    return frozenset(nouns | several)  # "Instabilities, spinal" lists one or several


def add_word_orders(raw: dict, heads: frozenset[str]) -> None:
    """Each phrase of `reordered_kinds` ending in one of `heads` also with that noun first, as writers order it: "X
    of the Y" anywhere when Y ends in a noun too ("syndrome of the facet joints", from "facet joint syndrome"), and
    the alphabetic index's "X, Y" in a group of its own that only a list line's start keeps ("Syndrome, facet").
    Made from the word forms' phrases, so the rest takes every form ("syndrome of the z-joints"); the head noun
    only as written."""
    kinds = set(raw.get("reordered_kinds", ()))
    taken = {p.lower() for group in raw["groups"] for p in group.get("phrases", ())}
    listed_groups = []
    for group in raw["groups"]:
        if group["kind"] not in kinds or not group.get("phrases") or group.get("line_start"):
            continue
        of_forms, listed = [], []
        for phrase in group["phrases"]:
            words = phrase.lower().split()
            if len(words) < 2 or words[-1] not in heads:
                continue
            head, rest = words[-1], words[:-1]
            listed.append(f"{head}, {' '.join(rest)}")
            several = plural(rest[-1])
            if several is not None:
                of_forms += [f"{head} of the {' '.join(modifier)}" for modifier in (rest, [*rest[:-1], several])]
        of_forms = [f for f in dict.fromkeys(of_forms) if f not in taken]
        taken.update(of_forms)
        group["phrases"] = [*group["phrases"], *of_forms]
        listed = [f for f in dict.fromkeys(listed) if f not in taken]
        taken.update(listed)
        if listed:
            listed_groups.append({**{k: v for k, v in group.items() if k not in ("phrases", "regex", "cased")},
                                  "phrases": listed, "line_start": True})  # fmt: skip
    raw["groups"] = [*raw["groups"], *listed_groups]


_MAX_FORMS = 128


def _equivalent_forms(words: tuple[str, ...], table: dict, longest: int) -> list[tuple[str, ...]]:
    """`words` with every run of them found in `table` replaced by each of its class (the longest run first)."""
    forms: list[tuple[str, ...]] = [()]
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            run = words[i : i + size]
            if run in table:
                forms = [form + other for form in forms for other in table[run]][:_MAX_FORMS]
                i += size
                break
        else:
            forms = [form + (words[i],) for form in forms]
            i += 1
    return forms


def _split_compounds(words: tuple[str, ...], compounds: list[tuple[str, str]]) -> list[str]:
    """The phrase as written, and with one compound word split after its combining form."""
    forms = [" ".join(words)]
    for at, word in enumerate(words):
        for joined, spoken in compounds:
            rest = word[len(joined) :]
            if word.startswith(joined) and len(rest) >= 4 and rest.isalpha():
                for split in (f"{spoken} {rest}", f"{spoken}-{rest}"):
                    forms.append(" ".join((*words[:at], split, *words[at + 1 :])))
    return forms


def _plurals(words: tuple[str, ...]) -> list[str]:
    """The phrase with its last word plural, when that word is a noun by its ending: one condition named at two
    sites reads as it does at one."""
    form = plural(words[-1])
    return [" ".join((*words[:-1], form))] if form else []


def add_misread_forms(raw: dict) -> None:
    """Each phrase of the kinds named also in its misread forms, unless a form is another phrase already."""
    misreadings = [tuple(pair) for pair in raw.get("misreadings", ())]
    kinds = set(raw.get("misread_kinds", ()))
    taken = {p.lower() for group in raw["groups"] for p in group.get("phrases", ())}
    for group in raw["groups"]:
        if group["kind"] not in kinds or not group.get("phrases"):
            continue
        forms = [f for p in group["phrases"] for f in misread_forms(p.lower(), misreadings) if f not in taken]
        forms = list(dict.fromkeys(forms))
        taken.update(forms)
        group["phrases"] = [*group["phrases"], *forms]


def tabular_groups(raw: dict) -> list[dict]:
    """One phrase group per `tabular` entry: the tabular's own wording of the condition, less the terms a group
    written here already holds (the written rule decides) and the ones the entry skips."""
    written = {p.lower() for group in raw["groups"] for p in group.get("phrases", ())}
    groups = []
    for entry in (TabularTerms.model_validate(e) for e in raw.get("tabular", ())):
        terms = [t for code in entry.codes for t in condition_terms(code)]
        unknown = set(entry.skip) - set(terms)
        if unknown:
            raise ValueError(f"tabular entry {entry.concept!r} skips terms its codes do not have: {sorted(unknown)}")
        phrases = list(dict.fromkeys(t for t in terms if t not in written and t not in entry.skip))
        written.update(phrases)
        if phrases:
            groups.append({"kind": entry.kind, "concept": entry.concept, "qualifier": entry.qualifier,
                           "phrases": phrases})  # fmt: skip
    return groups
