"""Tokenizer adjustments for note exports: MTSamples and other flattened exports glue a comma to the next word
(",FHX", "Valsalva.,I"), which hides headers and words from every rule unless the comma is its own token."""

from spacy.language import Language
from spacy.util import compile_infix_regex, compile_prefix_regex

_COMMA_BEFORE_WORD = r",(?=[^\d\s])"
_PERIOD_BEFORE_COMMA = r"\.(?=,)"


def adapt_tokenizer(nlp: Language) -> None:
    nlp.tokenizer.prefix_search = compile_prefix_regex([*(nlp.Defaults.prefixes or ()), _COMMA_BEFORE_WORD]).search
    nlp.tokenizer.infix_finditer = compile_infix_regex(
        [*(nlp.Defaults.infixes or ()), _COMMA_BEFORE_WORD, _PERIOD_BEFORE_COMMA]
    ).finditer
