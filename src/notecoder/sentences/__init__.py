"""Sentences: a rule-based splitter for clinical notes, on token attribute arrays."""

from notecoder.sentences.component import ClinicalSentenceSplitter, make_sentences
from notecoder.sentences.rules import SentenceRules, sentence_rules

__all__ = ["ClinicalSentenceSplitter", "SentenceRules", "make_sentences", "sentence_rules"]
