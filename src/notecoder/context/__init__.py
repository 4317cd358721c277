"""Context: medSpaCy's ConText with its default rules plus notecoder's, one sentence at a time."""

from notecoder.context.component import SentenceConText, make_context
from notecoder.context.rules import ContextRules, context_rules, literal_forms, medspacy_context_rules

__all__ = [
    "ContextRules",
    "SentenceConText",
    "context_rules",
    "literal_forms",
    "make_context",
    "medspacy_context_rules",
]
