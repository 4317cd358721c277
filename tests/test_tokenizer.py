"""The note tokenizer caches what spaCy's tokenizer leaves uncached; the tokens must not depend on it."""

from pathlib import Path

from spacy.lang import lex_attrs
from spacy.lang.tokenizer_exceptions import URL_MATCH

import notecoder
from notecoder.pipeline import load as build
from notecoder.token_searches import linear_like_url, linear_url_match

SAMPLES = Path(notecoder.__file__).parent / "data" / "samples"

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


# Runs of marks that spaCy strips one affix per step, each step copying the rest of the token
RUNS = {
    "brackets in turn": "()" * 3000,
    "brackets the other way": ")(" * 3000,
    "two kinds of bracket": "[(" * 3000 + "x",
    "crossed brackets": "x" + "([)]" * 1500,
    "a two-letter suffix": "x" + "'s" * 3000,
    "periods and commas": ".," * 3000,
    "colons and at signs": ":@" * 3000,
    "periods and colons": ".:" * 3000,
}


def stock_like(tokenizer):
    """The same tokenizer with the plain regexes: every search scans the whole token."""
    tokenizer.prefix_search = tokenizer.prefix_search.__self__.compiled.search
    tokenizer.suffix_search = tokenizer.suffix_search.__self__.compiled.search
    tokenizer.url_match = URL_MATCH
    return tokenizer


def sample_notes() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt"))]


def test_ordinary_notes_split_as_with_the_plain_regexes():
    texts = [NOTE, *OTHERS, *sample_notes(), "((C5-6))", "Valsalva.,I ... end....", "see www.nih.gov/x (2019)."]
    nlp, plain = build(), stock_like(build().tokenizer)
    for text in texts:
        assert tokens(nlp.make_doc(text)) == tokens(plain(text))


def test_a_long_run_of_marks_is_a_few_tokens_in_a_few_steps():
    tokenizer = build().tokenizer
    prefix, suffix, calls = tokenizer.prefix_search, tokenizer.suffix_search, []
    tokenizer.prefix_search = lambda string: calls.append(string) or prefix(string)
    tokenizer.suffix_search = lambda string: calls.append(string) or suffix(string)
    for name, text in RUNS.items():
        calls.clear()
        doc = tokenizer(text)
        assert "".join(t.text_with_ws for t in doc) == text, name
        assert len(doc) <= 3, name
        assert len(calls) <= 6, name  # a few steps, each a prefix and a suffix search (spaCy: one per mark)


def test_a_saved_tokenizer_keeps_the_linear_searches():
    nlp = build()
    loaded = build()
    loaded.tokenizer.from_bytes(nlp.tokenizer.to_bytes())
    for text in RUNS.values():
        assert tokens(loaded.make_doc(text)) == tokens(nlp.make_doc(text))
    assert loaded.tokenizer.url_match.__self__.pattern != URL_MATCH.__self__.pattern


def test_the_linear_url_match_and_like_url_agree_with_spacys():
    words = [
        "http://example.com", "https://user:pass@example.com:8080/a?b#c", "user@example.com", "a:b@c.org",
        "www.nih.gov", "nih.gov/", "example.co.uk", "C5-6", "p.o.", "10:30", "x:y:z@host.io", "mailto:a@b.com",
        "ftp://10.1.2.3/x", "::@@", ".:.:", "a.b", "192.168.0.1", "e.g.", "q.i.d.", "http:", "x@y", "a@b.c:",
    ]  # fmt: skip
    url_match = linear_url_match(URL_MATCH)
    like_url = linear_like_url()
    for word in words:
        assert bool(url_match(word)) == bool(URL_MATCH(word)), word
        assert like_url(word) == lex_attrs.like_url(word), word
    assert url_match.__self__.pattern != URL_MATCH.__self__.pattern  # spaCy's pattern still has the slow part


def test_findings_around_a_run_of_brackets_keep_their_spans():
    note = "Assessment: cervical facet syndrome C5-6. " + "()" * 3000 + " No radiculopathy. Neck pain."
    plain = "Assessment: cervical facet syndrome C5-6. No radiculopathy. Neck pain."
    found = notecoder.extract(note).findings
    assert all(note[f.start : f.end] == f.text for f in found)
    expected = notecoder.extract(plain).findings
    assert [(f.kind, f.text, f.assertion) for f in found] == [(f.kind, f.text, f.assertion) for f in expected]
