"""Rules ship as data: each file validates, rejects what it does not know, and loads into the pipeline."""

import json
from pathlib import Path

import pytest
from pydantic import ValidationError
from spacy.language import Language

import notecoder
from notecoder.context import context_rules, literal_forms, medspacy_context_rules
from notecoder.findings import FindingRules, finding_rules
from notecoder.levels import RegionVocabulary, vocabulary
from notecoder.pipeline import PIPELINE
from notecoder.sections import SectionRules, section_rules
from notecoder.sentences import SentenceRules, sentence_rules
from notecoder.stance import stance_rules
from notecoder.targets import TargetRules, target_rules


def test_every_rule_file_loads():
    assert vocabulary().region_words
    assert target_rules().groups
    assert section_rules().sections
    assert sentence_rules().abbreviations
    assert finding_rules().kind_assertions
    assert stance_rules().classes


@pytest.mark.parametrize(
    ("model", "loaded"),
    [
        (RegionVocabulary, vocabulary),
        (TargetRules, target_rules),
        (SectionRules, section_rules),
        (SentenceRules, sentence_rules),
        (FindingRules, finding_rules),
    ],
)
def test_unknown_keys_are_rejected(model, loaded):
    data = json.loads(loaded().model_dump_json())
    data["colour"] = "blue"
    with pytest.raises(ValidationError, match="colour"):
        model.model_validate(data)


def test_a_phrase_in_two_groups_is_rejected():
    data = json.loads(target_rules().model_dump_json())
    first, second = [g for g in data["groups"] if g["phrases"]][:2]
    second["phrases"] = [*second["phrases"], first["phrases"][0]]
    with pytest.raises(ValidationError, match="is in both"):
        TargetRules.model_validate(data)


def test_a_broken_regex_is_rejected():
    data = json.loads(target_rules().model_dump_json())
    group = next(g for g in data["groups"] if g["regex"])
    group["regex"][0]["pattern"] = "(unclosed"
    with pytest.raises(ValidationError, match="does not compile"):
        TargetRules.model_validate(data)


def test_concept_levels_are_readable():
    from notecoder.levels import parse_levels

    for concept, levels in finding_rules().concept_levels.items():
        assert parse_levels(levels) is not None, concept


def test_context_rules_keep_medspacy_defaults_and_add_ours():
    nlp = notecoder.load()
    rules = medspacy_context_rules(context_rules(), nlp.get_pipe("notecoder_context").DEFAULT_RULES_FILEPATH)
    literals = {r.literal for r in rules}
    assert {"no evidence", "denies", "mother", "history of", "consider", "ruled out"} <= literals
    assert all(r.pattern is None or isinstance(r.pattern, list) for r in rules)


def test_one_context_rule_per_phrase_and_ours_win():
    """Two rules on one phrase both match it, and the overlap pruning kept whichever hashed first: adding any rule
    could flip a negation elsewhere. Ours replace medSpaCy's spelling of the same phrase."""
    nlp = notecoder.load()
    rules = medspacy_context_rules(context_rules(), nlp.get_pipe("notecoder_context").DEFAULT_RULES_FILEPATH)
    phrases = [r.literal.lower() for r in rules if r.pattern is None]
    assert len(phrases) == len(set(phrases))
    resolved = next(r for r in rules if r.literal.lower() == "resolved")
    assert resolved.direction.upper() == "BACKWARD"  # ours; medSpaCy's looks forward
    evaluate = [r for r in rules if r.literal.lower() == "evaluate for"]
    assert [r.category for r in evaluate] == ["POSSIBLE_EXISTENCE"]  # ours; medSpaCy's negates


@pytest.mark.parametrize(
    ("pattern", "forms"),
    [
        (
            [{"LOWER": "rule"}, {"LOWER": {"IN": ["him", "her"]}, "OP": "?"}, {"LOWER": "out"}],
            ["rule her out", "rule him out", "rule out"],
        ),
        ([{"LOWER": "no"}], ["no"]),
        ([{"LIKE_NUM": True}, {"LOWER": "history"}], None),
        ([{"LOWER": "a"}, {"LOWER": "b", "OP": "*"}], None),
    ],
)
def test_token_patterns_expand_to_the_phrases_they_match(pattern, forms):
    assert literal_forms(pattern) == forms


def test_every_shipped_context_pattern_is_a_phrase_list():
    """One token pattern the phrase matcher cannot hold puts every note through spaCy's token Matcher as well (a
    third of ConText's time): a shipped rule writes its words with LOWER, IN and '?' only."""
    token_rules = [
        rule["literal"]
        for rule in context_rules().context_rules
        if isinstance(rule.get("pattern"), list) and literal_forms(rule["pattern"]) is None
    ]
    assert token_rules == []


def test_load_returns_the_spacy_pipeline():
    nlp = notecoder.load()
    assert isinstance(nlp, Language)
    assert tuple(nlp.pipe_names) == PIPELINE
    doc = nlp("ASSESSMENT: cervical facet syndrome at C5-6.")
    assert [(f.concept, f.levels) for f in doc._.findings] == [
        ("facet_syndrome", ("C5", "C6")),
        ("level", ("C5", "C6")),
    ]
    assert [s.category for s in doc._.sections] == ["assessment"]
    assert [(s.text, s.label_) for s in doc.spans["notecoder_findings"]] == [
        ("cervical facet syndrome", "condition"),
        ("C5-6", "spinal_level"),
    ]
    assert "notecoder_targets" not in doc.spans  # the raw matches and their helper labels are the stages' own


def test_components_are_registered_factories():
    for name in PIPELINE:
        assert Language.has_factory(name), name


def test_phrases_fit_the_line_wrap_window():
    """Wrapped phrases are re-matched within `_WRAP_REACH` tokens of a break; a longer phrase would be missed."""
    from notecoder.targets.component import _WRAP_REACH

    nlp = notecoder.load()
    longest = max(len(nlp.make_doc(p)) for g in target_rules().groups for p in g.phrases)
    assert longest < _WRAP_REACH


ANCHOR_CHECK_SENTENCES = [
    "Neck pain for 6w, LBP x3m, worse x 10d; low back pain for 2y.",
    "Three weeks of physical therapy; 2 months of chiropractic care; several years of pain.",
    "Pain for the past several weeks, over the last month, 6-month history, 10 yr hx of back pain.",
    "Symptoms started 2 days ago and began about a few weeks ago; onset 3 years ago after an MVC.",
    "Since 2019 and since March; started in early 2020; in 1998 MVA; 2004 fall.",
    "Motor strength 4+/5 in the right EHL; power 5/5; 20/52 and x 3/12.",
    "MRI 03/14/2021: C5-6 and C6 through C7, L4-5, T12-L1, occiput-C1, the third lumbar, fifth and sixth cervical.",
    "Lateral atlanto-axial joint pain; lumbo-sciatic syndrome; sciatica; osteoporotic fracture; pathologic fracture.",
]


def test_anchors_never_hide_a_match():
    """A regex with anchors is tried only near them: it must find exactly what it finds tried everywhere."""
    from notecoder.targets.component import NoteGrams, regex_rules

    corpus = Path(__file__).resolve().parents[1] / "corpora" / "gold"
    texts = ANCHOR_CHECK_SENTENCES + [
        json.loads(line)["text"] for split in sorted(corpus.glob("*.jsonl")) for line in split.open(encoding="utf-8")
    ]
    grams = {text: NoteGrams(text.lower()) for text in texts}
    for regex in regex_rules(target_rules()):
        for text in texts:
            everywhere = [m.span() for m in regex.pattern.finditer(text)]
            anchored = [m.span() for m in regex.finditer(text, text.lower(), {})]
            assert anchored == everywhere, regex.rule.literal
            # the anchors a note's character triples rule out are indeed absent
            anchored = [m.span() for m in regex.finditer(text, text.lower(), {}, grams[text])]
            assert anchored == everywhere, regex.rule.literal


def test_note_grams_rule_out_only_absent_anchors():
    """`NoteGrams` says an anchor may occur wherever it does, in any text: ASCII or not, lone surrogates too."""
    import random

    from notecoder.targets.component import NoteGrams, _hits

    rng = random.Random(11)
    alphabet = "abcfx /20?_\u00e9\u0101\U0001f600\udcff"
    anchors = ["", "a", "fx", "abc", "bca", "a/2", "x?_", "\u00e92a", "\U0001f600ab", "b\udcffc", "\u0101bc"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        grams = NoteGrams(text)
        for anchor in anchors:
            assert _hits(anchor, text, {}, grams) == _hits(anchor, text, {}), (text, anchor)


def test_overlap_pruning_is_medspacys():
    """Targets and ConText prune their matchers' overlaps with notecoder's own pass: it must keep exactly what
    medSpaCy's would, in the same order, whatever the matches."""
    import random

    from medspacy.common.util import prune_overlapping_matches

    from notecoder.overlaps import prune_overlapping

    rng = random.Random(7)
    for _ in range(3000):
        starts = [rng.randint(0, 20) for _ in range(rng.randint(0, 14))]
        matches = [(rng.randint(0, 3), s, s + rng.randint(1, 6)) for s in starts]
        assert prune_overlapping(list(matches)) == prune_overlapping_matches(list(matches)), matches
