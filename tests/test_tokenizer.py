"""The note tokenizer caches what spaCy's tokenizer leaves uncached; the tokens must not depend on it."""

import notecoder
from notecoder.pipeline import load as build

NOTE = (
    "Seen by Dr. Smith, 10 a.m. HPI: 54 y/o F w/ neck pain x 3 months, can't turn her head; "
    "ibuprofen 600 mg p.o. b.i.d. without relief.\nA/P: C5-6 facet syndrome (cervical), PT 2x/wk.,FHX: none."
)
OTHERS = [
    "Dr. Jones: lumbar radiculopathy L5, she's had 6 weeks of PT; naproxen p.o. daily.",
    "Neck pain, facet syndrome at C5-6; can't sleep. Ibuprofen 600 mg without relief, 10 a.m. visit.",
]


def tokens(doc):
    return [(t.text, t.whitespace_, t.idx, t.norm_, t.is_space) for t in doc]


def test_a_notes_tokens_do_not_depend_on_the_notes_before_it():
    fresh, used = build(), build()
    for text in OTHERS * 3:
        used(text)
    assert tokens(used.make_doc(NOTE)) == tokens(fresh.make_doc(NOTE))
    assert [f.model_dump() for f in used(NOTE)._.findings] == [f.model_dump() for f in fresh(NOTE)._.findings]


def test_words_after_a_special_case_are_split_once_not_per_note():
    """spaCy stops caching at a document's first special case ("Dr."): every later word was split again in the
    next note. Counted by the calls to the suffix search, which a cached word does not need."""
    tokenizer = build().tokenizer
    search, calls = tokenizer.suffix_search, []
    tokenizer.suffix_search = lambda string: calls.append(string) or search(string)
    text = "Dr. Smith: neck pain radiating to the right arm, worse with rotation, since March."
    tokenizer(text)
    calls.clear()
    tokenizer(text)
    assert calls == []


def test_extract_gives_the_same_result_the_second_time():
    assert notecoder.extract(NOTE) == notecoder.extract(NOTE)
