"""Tokenizer adjustments for note exports: MTSamples and other flattened exports glue a comma to the next word
(",FHX", "Valsalva.,I", "IMPRESSION:,1."), and text pasted from EHRs carries zero-width characters ("pain\u200b");
either hides a word from every rule unless it is split off as its own token."""

from spacy.language import Language
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

_COMMA_BEFORE_WORD = r",(?=[^\d\s])"
_PERIOD_BEFORE_COMMA = r"\.(?=,)"
_COLON_COMMA = r":(?=,)|(?<=:),"
_ZERO_WIDTH = r"[\u200b\u200c\u200d\u2060\ufeff]"


def adapt_tokenizer(nlp: Language) -> None:
    nlp.tokenizer.prefix_search = compile_prefix_regex(
        [*(nlp.Defaults.prefixes or ()), _COMMA_BEFORE_WORD, _ZERO_WIDTH]
    ).search
    nlp.tokenizer.suffix_search = compile_suffix_regex([*(nlp.Defaults.suffixes or ()), _ZERO_WIDTH]).search
    nlp.tokenizer.infix_finditer = compile_infix_regex(
        [*(nlp.Defaults.infixes or ()), _COMMA_BEFORE_WORD, _PERIOD_BEFORE_COMMA, _COLON_COMMA, _ZERO_WIDTH]
    ).finditer
