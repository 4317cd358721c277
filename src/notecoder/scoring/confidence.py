"""Confidence for each proposal: a calibrated model, trained on the annotated corpus, of how likely the rules'
code is the one a coder would assign. Coders review the doubtful proposals first; none is accepted blindly.

The model ships in `models/proposal-confidence/` (installed as `notecoder.models`); `NOTECODER_MODEL` names another
folder. A missing or altered model is an error, not a silent fallback to unscored proposals."""

from functools import cache
from pathlib import Path

from notecoder import model_files
from notecoder.result import NoteResult
from notecoder.scoring.features import proposal_features
from notecoder.scoring.model import ConfidenceModel, load

DEFAULT_MODEL = "proposal-confidence"


def model_folder() -> Path:
    return model_files.folder("NOTECODER_MODEL", DEFAULT_MODEL)


@cache
def _model(folder: Path) -> ConfidenceModel:
    return load(folder)


def default_model() -> ConfidenceModel:
    return _model(model_folder())


def score(result: NoteResult, note_chars: int, model: ConfidenceModel | None = None) -> NoteResult:
    """The result with a confidence on every code and alternative."""
    model = model or default_model()  # loaded even for a note with nothing to score: a missing model fails at once
    rows = list(proposal_features(result, note_chars))
    if not rows:
        return result
    scored = [
        proposal.model_copy(update={"confidence": round(confidence, 4)})
        for (_, proposal, _), confidence in zip(rows, model.probabilities([f for _, _, f in rows]), strict=True)
    ]
    codes = len(result.codes)  # the rows are the codes, then the alternatives
    return result.model_copy(update={"codes": tuple(scored[:codes]), "alternatives": tuple(scored[codes:])})
