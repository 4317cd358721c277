"""notecoder's pipeline with medSpaCy's own ConText in the place of `SentenceConText`: stock `ConText.__call__` over
the whole note, with the same rules, flags and targets; what the per-sentence graph must agree with. Built from
medSpaCy's public API only (`ConText(...)`, `ConText.add`, `ConText.rules`)."""

from medspacy.context import ConText
from spacy.language import Language

from notecoder.context import SentenceConText
from notecoder.doc_keys import MODIFIERS_EXTENSION
from notecoder.pipeline import load
from notecoder.span_values import set_span_value

FACTORY = "notecoder_test_stock_context"


class StockConText(ConText):
    def __call__(self, doc, targets=None):
        doc = super().__call__(doc, targets)
        for target in doc.spans[self.span_group_name]:  # where notecoder's findings stage reads them
            set_span_value(target, MODIFIERS_EXTENSION, target._.modifiers)
        return doc


@Language.factory(FACTORY)
def make_stock_context(nlp: Language, name: str) -> StockConText:
    ours = SentenceConText(nlp, name)
    stock = StockConText(
        nlp,
        name=name,
        rules=None,
        input_span_type="group",
        span_group_name=ours.span_group_name,
        excluded_types=ours.excluded_types,
        terminating_types=ours.terminating_types,
        prune_on_modifier_overlap=True,  # stock ConText prunes overlapping cues in its matcher (ours in `__call__`)
    )
    stock.add(ours.rules)  # as ConText.add left them: global types and terminations given
    stock.context_attributes_mapping = ours.context_attributes_mapping
    return stock


def stock_pipeline() -> Language:
    nlp = load()
    nlp.replace_pipe("notecoder_context", FACTORY)
    assert isinstance(nlp.get_pipe("notecoder_context"), StockConText)
    return nlp
