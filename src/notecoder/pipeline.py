"""The spaCy pipeline: tokenizer -> sections -> sentences -> targets -> context -> findings."""

import warnings
from functools import cache

import medspacy  # noqa: F401  (registers medSpaCy's span and doc extensions)
import spacy
from loguru import logger
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

# PyRuSH and medSpaCy log through loguru at DEBUG per document; notes must never reach a log.
logger.remove()
# medSpaCy always runs spaCy's token Matcher, which warns on every document when no token pattern is loaded.
warnings.filterwarnings("ignore", message=r"\[W036\]")


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
