"""The spaCy pipeline: tokenizer -> sections -> sentences -> targets -> context -> findings."""

import notecoder.medspacy_import  # noqa: F401  (medSpaCy without its process-wide warnings filter)

import gc
from functools import cache

import spacy
from spacy.language import Language

from notecoder import context, findings, sections, sentences, targets  # noqa: F401  (register the factories)
from notecoder.tokenizer import adapt_tokenizer

PIPELINE = (
    "notecoder_sections",
    "notecoder_sentences",
    "notecoder_targets",
    "notecoder_context",
    "notecoder_findings",
)
MAX_NOTE_CHARS = 5_000_000


def load() -> Language:
    """A fresh `Language` with notecoder's components; `doc._.findings` holds the typed findings."""
    nlp = spacy.blank("en")
    nlp.max_length = MAX_NOTE_CHARS
    adapt_tokenizer(nlp)
    for name in PIPELINE:
        nlp.add_pipe(name)
    return nlp


@cache
def shared() -> Language:
    """The process-wide pipeline `extract()` uses; building it takes about a second."""
    return load()


RECYCLE_AFTER = 10_000
"""Notes coded with one pipeline before it is rebuilt: spaCy keeps every new string (an MRN, a date) in its
vocabulary for good, so a long batch of notes full of identifiers would grow without bound (335 -> 978 MB over
30,000 such notes); a rebuild costs about a second."""
_coded = 0


def ready() -> Language:
    """The shared pipeline, rebuilt first when it has coded RECYCLE_AFTER notes."""
    global _coded
    if _coded >= RECYCLE_AFTER:
        shared.cache_clear()
        gc.collect()  # the old pipeline's objects hold reference cycles: free them now, not at some later pass
        _coded = 0
    return shared()


def for_note() -> Language:
    """The pipeline for the next note, counted towards its recycling."""
    global _coded
    nlp = ready()
    _coded += 1
    return nlp
