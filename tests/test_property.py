"""Whatever the text, extract() returns and every span is exact."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import notecoder

CLINICAL_WORDS = st.sampled_from(
    ["C5-6", "C7-T1", "L5-S1", "occiput-C1", "neck pain", "facet syndrome", "no", "denies", "MRI", ":", ".,", "\n",
     "history of", "mother with", "5/5", "x 3 months", "PT", "failed", "cervicothoracic junction", "instability",
     "if", "consider", "Spurling's", "negative", "-", "/", "(", ")", "ASSESSMENT:", "A/P:", "2+", "\r\n", "  "]
)  # fmt: skip
NOTE_LIKE = st.lists(st.one_of(CLINICAL_WORDS, st.text(max_size=8)), max_size=60).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), NOTE_LIKE))
def test_extract_never_raises_and_spans_are_exact(text):
    result = notecoder.extract(text)
    for finding in result.findings:
        assert text[finding.start : finding.end] == finding.text
        assert finding.sentence_start <= finding.start <= finding.end <= finding.sentence_end
