"""The spaCy pipeline: tokenizer -> sections -> sentences -> targets -> context -> findings -> stance."""

import notecoder.medspacy_import  # noqa: F401  (medSpaCy without its process-wide warnings filter)

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy import util
from spacy.language import Language
from spacy.vocab import Vocab
from thinc.api import Config

from notecoder import __version__, context, findings, sections, sentences, stance, targets  # noqa: F401  (the factories)
from notecoder.rules_check import check_shipped_rules
from notecoder.tokenizer import create_tokenizer  # noqa: F401  (registers notecoder.NoteTokenizer.v1)

PIPELINE = (
    "notecoder_sections",
    "notecoder_sentences",
    "notecoder_targets",
    "notecoder_context",
    "notecoder_findings",
    "notecoder_stance",
)
MAX_NOTE_CHARS = 5_000_000


TOKENIZER = {"@tokenizers": "notecoder.NoteTokenizer.v1"}
META_FILE = Path(__file__).with_name("meta.json")
"""The pipeline's meta, where spaCy looks for a pipeline package's (`spacy info notecoder`)."""


def pipeline_config() -> Config:
    """The spaCy config of notecoder's pipeline: its tokenizer and its components with their defaults."""
    return Config(
        {
            "nlp": {"lang": "en", "pipeline": list(PIPELINE), "tokenizer": TOKENIZER},
            "components": {name: {"factory": name} for name in PIPELINE},
        }
    )


def load(
    *,
    vocab: Vocab | bool = True,
    disable: str | Iterable[str] = (),
    enable: str | Iterable[str] = (),
    exclude: str | Iterable[str] = (),
    config: dict[str, Any] | Config | None = None,
) -> Language:
    """A fresh `Language` with notecoder's components; `doc._.notecoder_findings` holds the typed findings.

    The `load()` of a spaCy pipeline package, so `spacy.load("notecoder", ...)` calls it with spaCy's options:
    `disable`, `enable`, `exclude` (component names), `vocab` (a Vocab to share), `config` (overrides, nested or in
    dot notation: `{"components.notecoder_sections.rules": "my_sections.json"}`).

    A spaCy pipeline like any other: `nlp.to_disk(path)` then `spacy.load(path)` rebuilds it in another process
    (the components and the tokenizer are entry points of the installed package)."""
    check_shipped_rules()
    settings = pipeline_config()
    if config:
        settings = util.load_config_from_str(settings.to_str(), overrides=util.dict_to_dot(config, for_overrides=True))
    meta = {**srsly.read_json(META_FILE), "version": __version__, "requirements": [f"notecoder=={__version__}"]}
    nlp = util.load_model_from_config(
        settings, meta=meta, vocab=vocab, disable=disable, enable=enable, exclude=exclude, auto_fill=True
    )
    nlp.max_length = MAX_NOTE_CHARS
    return nlp


RECYCLE_AFTER = 10_000
"""Notes coded with one pipeline before a `Coder` rebuilds it: spaCy keeps every new string (an MRN, a date) in its
vocabulary for good, so a long batch of notes full of identifiers would grow without bound (335 -> 978 MB over
30,000 such notes); a rebuild costs about a second."""
