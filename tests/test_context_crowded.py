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
