"""Rule-based sentence splitter for clinical notes: periods (not after abbreviations), flattened '.,' joins, line
breaks, section titles and numbered lists. PyRuSH is accurate but dominates run time; this is one pass over the
tokens."""


import json
from functools import cache
from importlib.resources import files

from pydantic import BaseModel, ConfigDict
from spacy.language import Language
from spacy.tokens import Doc

_TERMINALS = frozenset({".", "?", "!"})


class SentenceRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int
    about: str = ""
    abbreviations: frozenset[str]
    closers: frozenset[str]


@cache
def sentence_rules() -> SentenceRules:
    raw = files(__package__).joinpath("rules.json").read_text(encoding="utf-8")
    return SentenceRules.model_validate(json.loads(raw))


class ClinicalSentenceSplitter:
    def __init__(self, rules: SentenceRules) -> None:
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        starts = self.boundaries(doc)
        for i, token in enumerate(doc):
            token.is_sent_start = starts[i]
        return doc

    def boundaries(self, doc: Doc) -> list[bool]:
        rules = self.rules
        n = len(doc)
        starts = [False] * n
        starts[0] = True
        pending = None  # None, "hard" (next content token starts) or "soft" (a line break)
        for i, token in enumerate(doc):
            text = token.text
            if token.is_space:
                breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
                if breaks >= 2:
                    pending = "hard"
                elif breaks == 1 and pending is None:
                    pending = "soft"
                continue
            if pending is not None and text not in rules.closers:
                if pending == "hard" or not text[0].islower():
                    starts[i] = True
                pending = None
            elif pending == "soft":
                pending = None
            if text in _TERMINALS and not self._abbreviation(doc, i) and not (i > 0 and starts[i - 1] and doc[i - 1].is_digit):
                pending = "hard"
            elif text == ":" and i > 0 and doc[i - 1].is_upper and doc[i - 1].is_alpha and len(doc[i - 1]) > 1:
                # "EXTREMITIES:" run into text: the header starts a sentence and so does what follows it.
                j = i - 1
                while j > 0 and doc[j - 1].is_upper and doc[j - 1].is_alpha and i - j < 4:
                    j -= 1
                starts[j] = True
                pending = "hard"
            elif self._list_number(doc, i):
                starts[i] = True
        for section in doc._.sections:
            if section.category is None:
                continue
            starts[section.title_start] = True
            body = self._first_content(doc, section.title_end)
            if body is not None:
                starts[body] = True
        return starts

    def _abbreviation(self, doc: Doc, i: int) -> bool:
        if i == 0 or doc[i].text != ".":
            return False
        before = doc[i - 1]
        if before.whitespace_:
            return False
        if len(before.text) == 1 and before.is_alpha and before.is_upper:
            return True  # an initial: "J. Smith"
        return before.lower_ in self.rules.abbreviations

    def _list_number(self, doc: Doc, i: int) -> bool:
        token = doc[i]
        if i == 0 or not token.is_digit or len(token.text) > 2 or i + 2 >= len(doc):
            return False
        mark, word = doc[i + 1], doc[i + 2]
        if mark.text == ")":
            return word.is_alpha
        return mark.text == "." and word.is_alpha and word.is_title and not doc[i - 1].is_digit

    def _first_content(self, doc: Doc, i: int) -> int | None:
        while i < len(doc) and (doc[i].is_space or doc[i].is_punct):
            i += 1
        return i if i < len(doc) else None


@Language.factory("notecoder_sentences", assigns=["token.is_sent_start"], requires=["doc._.sections"])
def make_sentences(nlp: Language, name: str) -> ClinicalSentenceSplitter:
    return ClinicalSentenceSplitter(sentence_rules())
