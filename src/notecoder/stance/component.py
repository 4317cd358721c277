"""The stance stage: after the findings, the stance model reads the diagnosis mentions no cue class reached.

A rejection, a doubt or a resolution in words no ConText rule holds yet ("I would not put my name to that label")
leaves a diagnosis asserted, and an asserted diagnosis is coded. The model (`model.py`), trained on notes by outside
writers, reads the words around each such mention; where it is confident the mention is not asserted, the finding
takes the class's assertion and an `assertion_cause` of source "model" naming the words that weighed most, so the
coder sees why, as for a cue."""

from functools import cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from notecoder import model_files
from notecoder.doc_keys import FINDINGS_EXTENSION
from notecoder.result import AssertionCause, Finding, Stance
from notecoder.stance.features import Mentions
from notecoder.stance.model import MODEL_NAME, StanceModel
from notecoder.stance.rules import stance_rules

TRAIN_COMMAND = "notecoder train-stance corpora/stance corpora/gold --output models/stance/"


class StanceReader:
    def __init__(self, model: StanceModel) -> None:
        self.model = model
        rules = stance_rules()
        self._kinds = rules.kinds
        self._skips = rules.model_skips.concepts
        self._classes = {cls.stance: (cls.assertion, cls.categories[0]) for cls in rules.classes}
        self._concepts = {cls.stance: cls.model_concepts for cls in rules.classes if cls.model_concepts is not None}
        self._stance = rules.stance

    def __call__(self, doc: Doc) -> Doc:
        findings: tuple[Finding, ...] = getattr(doc._, FINDINGS_EXTENSION)
        unread = [i for i, f in enumerate(findings) if f.kind in self._kinds and unread_by_cues(f, self._skips)]
        if not unread:
            return doc
        mentions = Mentions(doc, findings, self._kinds)
        read = list(findings)
        for i in unread:
            reading = self.model.read(mentions.features(i))
            if reading is not None and self._may_read(reading[0], findings[i].concept):
                read[i] = self._read(doc, findings[i], *reading)
        setattr(doc._, FINDINGS_EXTENSION, tuple(read))
        return doc

    def _may_read(self, stance: Stance, concept: str) -> bool:
        concepts = self._concepts.get(stance)
        return concepts is None or concept in concepts

    def _read(self, doc: Doc, finding: Finding, stance: Stance, probability: float, cue: tuple[int, int]) -> Finding:
        assertion, category = self._classes[stance]
        cue_words = doc[cue[0] : cue[1]]
        cause = AssertionCause(
            source="model",
            text=cue_words.text,
            start=cue_words.start_char,
            end=cue_words.end_char,
            rule=f"{category}: stance model {probability:.2f}",
        )
        return finding.model_copy(
            update={
                "assertion": assertion,
                "assertion_cause": cause,
                "stance": self._stance(finding.kind, assertion, cause, finding.section),
            }
        )


def unread_by_cues(finding: Finding, skips: frozenset[str]) -> bool:
    """A diagnosis mention the model reads: asserted because no cue reached it, and not a symptom it skips."""
    return finding.stance == Stance.ASSERTED and finding.assertion_cause is None and finding.concept not in skips


def model_folder() -> Path:
    """`NOTECODER_STANCE_MODEL` names another folder than the bundled model's."""
    return model_files.folder("NOTECODER_STANCE_MODEL", MODEL_NAME)


@cache
def _model(folder: Path) -> StanceModel:
    return model_files.load(folder, StanceModel, "stance model", TRAIN_COMMAND)


@Language.factory(
    "notecoder_stance",
    assigns=[f"doc._.{FINDINGS_EXTENSION}"],
    requires=[f"doc._.{FINDINGS_EXTENSION}"],
    default_config={"model": None},
)
def make_stance(nlp: Language, name: str, model: str | None) -> StanceReader:
    """`model`: a stance model's folder instead of the bundled one."""
    return StanceReader(_model(Path(model) if model else model_folder()))
