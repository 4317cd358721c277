"""Tokenizer adjustments for note exports: MTSamples and other flattened exports glue a comma to the next word
(",FHX", "Valsalva.,I", "IMPRESSION:,1."), and text pasted from EHRs carries zero-width characters ("pain\u200b");
either hides a word from every rule unless it is split off as its own token. Work per token stays linear: see
`token_searches`."""

import re
from collections.abc import Callable
from typing import Any

from spacy.attrs import LIKE_URL
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

from notecoder.doctext import remember_note_text
from notecoder.token_searches import HeadSearch, TailSearch, linear_like_url, linear_url_match

_COMMA_BEFORE_WORD = r",(?=[^\d\s])"
_PERIOD_BEFORE_COMMA = r"\.(?=,)"
_COLON_COMMA = r":(?=,)|(?<=:),"
_ZERO_WIDTH = r"[\u200b\u200c\u200d\u2060\ufeff]"


class NoteTokenizer(Tokenizer):
    """spaCy's English tokenizer with the note-export affixes; loading a saved pipeline keeps the linear searches
    (spaCy's own loader would put back the plain regexes)."""

    prefix_search: Any  # spaCy's Cython properties, untyped
    suffix_search: Any
    url_match: Any

    def __call__(self, text: str) -> Doc:
        self._cache_chunks(text)
        return remember_note_text(super().__call__(text), text)

    def _cache_chunks(self, text: str) -> None:
        """spaCy caches how it split a chunk of text (a run between spaces) only until the first special case of
        a document ("p.o.", "Dr.", "'s": its has_special flag is set for the rest of the document; tokenizer.pyx
        `_save_cached`), so past the first one in a note every word was split again, note after note. Each chunk
        not seen before is tokenized once on its own before the note, which caches it; the note is then split by
        lookups, into the same tokens.

        The chunks seen are kept for the tokenizer's life, like spaCy's own cache and vocabulary (a `Coder`
        rebuilds its pipeline every `pipeline.RECYCLE_AFTER` notes)."""
        seen = self.__dict__.setdefault("_chunks_seen", set())
        chunks = text.split()
        if seen.issuperset(chunks):
            return  # the usual case once a pipeline has run a while: no set of the note's chunks is built
        new = set(chunks).difference(seen)
        seen.update(new)
        for chunk in new:
            Tokenizer.__call__(self, chunk)

    def from_bytes(self, bytes_data: bytes, *, exclude=tuple()) -> "NoteTokenizer":
        super().from_bytes(bytes_data, exclude=exclude)
        self.prefix_search = HeadSearch(re.compile(_pattern(self.prefix_search))).search
        self.suffix_search = TailSearch(re.compile(_pattern(self.suffix_search))).search
        self.url_match = linear_url_match(self.url_match)
        return self

    def _flush_cache(self) -> None:
        """spaCy empties its cache whenever a rule or search changes: the chunks seen are forgotten with it."""
        self.__dict__.pop("_chunks_seen", None)
        super()._flush_cache()


def _pattern(search: Any) -> str:
    """The regex behind a tokenizer search, as spaCy reads it to save the tokenizer."""
    return search.__self__.pattern


@registry.tokenizers("notecoder.NoteTokenizer.v1")
def create_tokenizer() -> Callable[[Language], NoteTokenizer]:
    def create(nlp: Language) -> NoteTokenizer:
        defaults = nlp.Defaults
        nlp.vocab.lex_attr_getters[LIKE_URL] = linear_like_url()  # type: ignore[attr-defined]  # vocab.pyi omits it
        return NoteTokenizer(
            nlp.vocab,
            rules=defaults.tokenizer_exceptions,
            prefix_search=HeadSearch(
                compile_prefix_regex([*(defaults.prefixes or ()), _COMMA_BEFORE_WORD, _ZERO_WIDTH])
            ).search,
            suffix_search=TailSearch(compile_suffix_regex([*(defaults.suffixes or ()), _ZERO_WIDTH])).search,
            infix_finditer=compile_infix_regex(
                [*(defaults.infixes or ()), _COMMA_BEFORE_WORD, _PERIOD_BEFORE_COMMA, _COLON_COMMA, _ZERO_WIDTH]
            ).finditer,
            token_match=defaults.token_match,
            url_match=linear_url_match(defaults.url_match),
        )

    return create
