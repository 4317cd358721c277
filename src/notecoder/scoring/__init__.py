"""Scoring: each proposal's confidence from a calibrated model shipped as plain JSON (`models/`)."""

from notecoder.scoring.confidence import DEFAULT_MODEL, default_model, model_folder, score
from notecoder.scoring.model import ConfidenceModel, ModelError

__all__ = ["DEFAULT_MODEL", "ConfidenceModel", "ModelError", "default_model", "model_folder", "score"]
