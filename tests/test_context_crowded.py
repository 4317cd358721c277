"""A sentence crowded with ConText cues (a flattened export, a template's negation list with no full stop) is taken
in windows so that ConText stays linear: what it asserts is still what medSpaCy's ConText asserts."""

from notecoder.context.component import CROWDED_CUES
from notecoder.pipeline import load
from tests.stock_context import stock_pipeline

ROUND = "no neck pain, denies arm numbness, possible cervical radiculopathy, history of lumbar strain, "


def assertions(nlp, text):
    return [(f.text, f.start, f.assertion.value) for f in nlp(text)._.notecoder_findings]


def test_a_crowded_sentence_asserts_what_stock_context_asserts():
    text = "Pt states " + ROUND * 16 + "and reports low back pain since Monday."
    ours = assertions(load(), text)
    assert len(ours) > CROWDED_CUES  # a cue before each finding: crowded, taken in windows
    assert ours == assertions(stock_pipeline(), text)
    assert ("low back pain", text.index("low back pain"), "present") in ours


def test_a_long_negation_list_with_no_full_stop_is_negated_to_the_end():
    text = "no neck pain " * 800
    found = assertions(load(), text)
    assert len(found) == 800 and {a for _, _, a in found} == {"negated"}


def test_sentence_context_uses_medspacys_public_api_and_pins_what_it_mirrors():
    """`SentenceConText` reads no private attribute of medSpaCy; what it repeats of medSpaCy's code is pinned by the
    source's hash, so a medSpaCy release that changes that code fails here, naming it, instead of drifting."""
    from notecoder.context.component import SentenceConText, upstream_changes

    assert upstream_changes() == [], "medSpaCy changed code SentenceConText mirrors: carry it over, pin it anew"
    pipe = load().get_pipe("notecoder_context")
    assert isinstance(pipe, SentenceConText)
    assert len(pipe.matcher.rules) == len(pipe.rules)  # ConText.add and our matcher hold the same rules
    assert pipe.prune_on_modifier_overlap is False
    import inspect

    import notecoder.context.component as context
    import notecoder.targets.component as targets

    for module in (context, targets):
        assert "__matcher" not in inspect.getsource(module) and "_scope_start" not in inspect.getsource(module)


def test_rules_added_through_the_component_are_matched():
    from medspacy.context import ConTextRule

    nlp = load()
    text = "Zorbly neck pain."
    assert assertions(nlp, text)[0][2] == "present"
    nlp.get_pipe("notecoder_context").add(ConTextRule("zorbly", "NEGATED_EXISTENCE", direction="FORWARD"))
    assert assertions(nlp, text)[0][2] == "negated"
