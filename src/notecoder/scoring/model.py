"""The confidence model as plain numbers in JSON, checked against its checksum before it is used.

A calibrated logistic regression is a few coefficients per cross-validation fold and a sigmoid (a, b) fitted on the
fold it did not see; scikit-learn averages the folds' calibrated probabilities. Saved and loaded as every trained
model is (`notecoder.model_files`: JSON and its checksum)."""

import math
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from notecoder import model_files
from notecoder.model_files import CHECKSUM_FILE, MODEL_FILE, ModelError, save
from notecoder.scoring.features import FEATURES

__all__ = ["CHECKSUM_FILE", "MODEL_FILE", "ConfidenceModel", "Fold", "ModelError", "load", "save"]


class Fold(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    coef: tuple[float, ...]
    intercept: float
    a: float
    b: float
    """scikit-learn's sigmoid calibration: p = 1 / (1 + exp(a * decision + b))."""

    _finite = field_validator("coef", "intercept", "a", "b")(model_files.finite)


class ConfidenceModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    format: int = 1
    name: str
    features: tuple[str, ...]
    folds: tuple[Fold, ...]
    review_threshold: float
    """Chosen on dev: the highest confidence that still keeps 90% of the right proposals at or above it."""
    trained_on: dict[str, str | int | float]

    def probabilities(self, rows: Sequence[dict[str, float]]) -> list[float]:
        out = []
        for row in rows:
            x = [row[name] for name in self.features]
            total = 0.0
            for fold in self.folds:
                decision = sum(w * v for w, v in zip(fold.coef, x, strict=True)) + fold.intercept
                total += 1.0 / (1.0 + math.exp(fold.a * decision + fold.b))
            out.append(total / len(self.folds))
        return out


def load(folder: Path) -> ConfidenceModel:
    model = model_files.load(
        folder, ConfidenceModel, "confidence model", "notecoder train corpora/gold --split train --output <folder>"
    )
    if model.features != FEATURES:
        raise ModelError(f"{folder / MODEL_FILE} was trained on other features than this version of notecoder computes")
    return model
