"""The confidence model as plain numbers in JSON, checked against its checksum before it is used.

A calibrated logistic regression is a few coefficients per cross-validation fold and a sigmoid (a, b) fitted on the
fold it did not see; scikit-learn averages the folds' calibrated probabilities. Written out as JSON, the model is
readable, diffable and cannot run code when loaded (no pickle). `model.json.sha256` beside it holds its SHA-256: a
file that does not match is refused, so a model edited or damaged after training is never used silently."""

import hashlib
import json
import math
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from notecoder.scoring.features import FEATURES

MODEL_FILE = "model.json"
CHECKSUM_FILE = "model.json.sha256"


class ModelError(RuntimeError):
    """The confidence model is missing, does not match its checksum, or was trained on other features."""


class Fold(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    coef: tuple[float, ...]
    intercept: float
    a: float
    b: float
    """scikit-learn's sigmoid calibration: p = 1 / (1 + exp(a * decision + b))."""

    @field_validator("coef", "intercept", "a", "b")
    @classmethod
    def _finite(cls, value):
        numbers = value if isinstance(value, tuple) else (value,)
        if not all(math.isfinite(v) for v in numbers):
            raise ValueError("a coefficient is NaN or infinite")
        return value


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


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def save(model: ConfidenceModel, folder: Path) -> str:
    """Writes model.json and its checksum; returns the checksum. Same model, same bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(model.model_dump(), indent=1, sort_keys=True) + "\n").encode("utf-8")
    (folder / MODEL_FILE).write_bytes(data)
    digest = checksum(data)
    (folder / CHECKSUM_FILE).write_text(f"{digest}  {MODEL_FILE}\n", encoding="utf-8")
    return digest


def load(folder: Path) -> ConfidenceModel:
    model_path, checksum_path = folder / MODEL_FILE, folder / CHECKSUM_FILE
    if not model_path.is_file() or not checksum_path.is_file():
        raise ModelError(
            f"no confidence model at {folder} ({MODEL_FILE} and {CHECKSUM_FILE} are needed); "
            "train one with `notecoder train corpora/gold --split train --output <folder>`"
        )
    data = model_path.read_bytes()
    try:
        fields = checksum_path.read_bytes().decode("ascii").split()
    except UnicodeDecodeError:
        fields = []
    if not fields or len(fields[0]) != 64 or any(c not in "0123456789abcdef" for c in fields[0].lower()):
        raise ModelError(f"{checksum_path} does not hold a SHA-256 (64 hexadecimal digits): refusing the model")
    expected = fields[0].lower()
    if checksum(data) != expected:
        raise ModelError(f"{model_path} does not match its checksum in {CHECKSUM_FILE}: refusing to use it")
    try:
        model = ConfidenceModel.model_validate_json(data)
    except ValueError as error:
        raise ModelError(f"{model_path} is not a confidence model: {error}") from None
    if model.features != FEATURES:
        raise ModelError(f"{model_path} was trained on other features than this version of notecoder computes")
    return model
