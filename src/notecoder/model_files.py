"""Trained models as JSON with their SHA-256 beside them (`model.json`, `model.json.sha256`).

Written out as JSON, a model is readable, diffable and cannot run code when loaded (no pickle). A file that does not
match its checksum is refused, so a model edited or damaged after training is never used silently."""

import hashlib
import json
import math
import os
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

MODEL_FILE = "model.json"
CHECKSUM_FILE = "model.json.sha256"

M = TypeVar("M", bound=BaseModel)


class ModelError(RuntimeError):
    """A model is missing, does not match its checksum, or was trained on other features."""


def finite(value):
    """A field validator for a model's numbers (one, or a tuple of them): a NaN or an infinity is no coefficient."""
    numbers = value if isinstance(value, tuple) else (value,)
    if not all(math.isfinite(v) for v in numbers):
        raise ValueError("a coefficient is NaN or infinite")
    return value


def folder(variable: str, bundled: str) -> Path:
    """The folder the environment `variable` names, or the bundled model `bundled` (in `notecoder.models`)."""
    override = os.environ.get(variable)
    if override is not None and not override.strip():
        raise ModelError(f"{variable} is set but empty: unset it for the bundled model, or name a model folder")
    return Path(override) if override else _bundled(bundled)


@cache
def _bundled(name: str) -> Path:
    """Resolved once: importlib.resources and pathlib cost more per note than a model's arithmetic."""
    return Path(str(files("notecoder.models").joinpath(name)))


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def save(model: BaseModel, folder: Path) -> str:
    """Writes model.json and its checksum; returns the checksum. Same model, same bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(model.model_dump(mode="json"), indent=1, sort_keys=True) + "\n").encode("utf-8")
    (folder / MODEL_FILE).write_bytes(data)
    digest = checksum(data)
    (folder / CHECKSUM_FILE).write_text(f"{digest}  {MODEL_FILE}\n", encoding="utf-8")
    return digest


def load(folder: Path, model_type: type[M], what: str, train_command: str) -> M:
    """The model in `folder`, once its checksum matches; `what` names it and `train_command` makes one, in the
    errors."""
    model_path, checksum_path = folder / MODEL_FILE, folder / CHECKSUM_FILE
    if not model_path.is_file() or not checksum_path.is_file():
        raise ModelError(
            f"no {what} at {folder} ({MODEL_FILE} and {CHECKSUM_FILE} are needed); train one with `{train_command}`"
        )
    data = model_path.read_bytes()
    try:
        fields = checksum_path.read_bytes().decode("ascii").split()
    except UnicodeDecodeError:
        fields = []
    if not fields or len(fields[0]) != 64 or any(c not in "0123456789abcdef" for c in fields[0].lower()):
        raise ModelError(f"{checksum_path} does not hold a SHA-256 (64 hexadecimal digits): refusing the model")
    if checksum(data) != fields[0].lower():
        raise ModelError(f"{model_path} does not match its checksum in {CHECKSUM_FILE}: refusing to use it")
    try:
        return model_type.model_validate_json(data)
    except ValueError as error:
        raise ModelError(f"{model_path} is not a {what}: {error}") from None
