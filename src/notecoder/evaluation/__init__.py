"""Evaluation against an annotated corpus (`corpora/`): read it, score the pipeline on it, report the figures."""

from notecoder.evaluation.gold import SPLITS, GoldNote, GoldSpan, read_corpus
from notecoder.evaluation.scores import PRF, Evaluation, as_gold, evaluate, format_report, score_note

__all__ = [
    "PRF",
    "SPLITS",
    "Evaluation",
    "GoldNote",
    "GoldSpan",
    "as_gold",
    "evaluate",
    "format_report",
    "read_corpus",
    "score_note",
]
