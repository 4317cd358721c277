"""Confidence for each proposal: a calibrated model, trained on the annotated corpus, of how likely the rules'
code is the one a coder would assign. Coders review the doubtful proposals first; none is accepted blindly.

The model ships in `models/proposal-confidence/` (installed as `notecoder.models`); `NOTECODER_MODEL` names another
folder. A missing or altered model is an error, not a silent fallback to unscored proposals."""

import os
from functools import cache
from importlib.resources import files
from pathlib import Path

from notecoder.result import NoteResult
from notecoder.scoring.features import proposal_features
from notecoder.scoring.model import ConfidenceModel, ModelError, load

DEFAULT_MODEL = "proposal-confidence"


def model_folder() -> Path:
    override = os.environ.get("NOTECODER_MODEL")
    if override is not None and not override.strip():
        raise ModelError("NOTECODER_MODEL is set but empty: unset it for the bundled model, or name a model folder")
    return Path(override) if override else _bundled_folder()


@cache
def _bundled_folder() -> Path:
    """Resolved once: importlib.resources and pathlib cost more per note than the model's arithmetic."""
    return Path(str(files("notecoder.models").joinpath(DEFAULT_MODEL)))


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
