"""The spaCy pipeline: tokenizer -> sections -> sentences -> targets -> context -> findings."""

import notecoder.medspacy_import  # noqa: F401  (medSpaCy without its process-wide warnings filter)

import gc
from functools import cache

import spacy
from spacy.language import Language

from notecoder import __version__, context, findings, sections, sentences, targets  # noqa: F401  (the factories)
from notecoder.rules_check import check_shipped_rules
from notecoder.tokenizer import create_tokenizer  # noqa: F401  (registers notecoder.NoteTokenizer.v1)

PIPELINE = (
    "notecoder_sections",
    "notecoder_sentences",
    "notecoder_targets",
    "notecoder_context",
    "notecoder_findings",
)
MAX_NOTE_CHARS = 5_000_000


TOKENIZER = {"@tokenizers": "notecoder.NoteTokenizer.v1"}


def load() -> Language:
    """A fresh `Language` with notecoder's components; `doc._.notecoder_findings` holds the typed findings.

    A spaCy pipeline like any other: `nlp.to_disk(path)` then `spacy.load(path)` rebuilds it in another process
    (the components and the tokenizer are entry points of the installed package)."""
    check_shipped_rules()
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": TOKENIZER}})
    nlp.max_length = MAX_NOTE_CHARS
    nlp.meta.update(
        name="notecoder",
        version=__version__,
        description="ICD-10-CM M53.x dorsopathy findings, with evidence spans and assertions, from clinical notes",
        license="MIT",
        requirements=[f"notecoder=={__version__}"],
    )
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
