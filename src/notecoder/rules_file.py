"""The one way a rules file is read: JSON shipped in a stage's package (or a file a pipeline's config names),
validated by the stage's pydantic model, which rejects unknown keys, so a misspelt key is an error, not a rule
silently ignored. Each file is read once per process."""

import json
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError


class RulesModel(BaseModel):
    """What every rules model (and each of its parts) is: frozen, and strict about its keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class RulesFile(RulesModel):
    version: int
    about: str = ""
    """Why the rules are as they are, for the people who edit them."""


Rules = TypeVar("Rules", bound=RulesFile)


def read_rules(model: type[Rules], package: str, path: str | Path | None = None, name: str = "rules.json") -> Rules:
    """`package`'s rules file (or `path`, when a pipeline's config names another), validated by `model`."""
    return _validated(model, package, str(path) if path is not None else None, name)


@cache
def _validated(model: type[Rules], package: str, path: str | None, name: str) -> Rules:
    return validate_rules(model, raw_rules(package, path, name), rules_where(package, path, name))


def validate_rules(model: type[Rules], raw: dict, where: str) -> Rules:
    """`raw` validated by `model`; an error names `where` the rules came from (`rules_where`)."""
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise ValueError(f"{where} is not valid: {error}") from None


def raw_rules(package: str, path: str | Path | None = None, name: str = "rules.json") -> dict:
    """The file as JSON, for a stage that adds generated rules (levels, tabular terms) before validating."""
    where = rules_where(package, path, name)
    try:
        text = Path(path).read_text(encoding="utf-8") if path else files(package).joinpath(name).read_text("utf-8")
    except (OSError, ValueError) as error:
        raise ValueError(f"{where} cannot be read: {error}") from None
    return parse_rules(text, where)


def parse_rules(text: str | bytes, where: str) -> dict:
    """Rules JSON as a dict, from a file or from a saved pipeline's bytes."""
    try:
        raw = json.loads(text)
    except ValueError as error:
        raise ValueError(f"{where} cannot be read: {error}") from None
    if not isinstance(raw, dict):
        raise ValueError(f"{where} is not a JSON object")
    return raw


def rules_where(package: str, path: str | Path | None = None, name: str = "rules.json") -> str:
    """How errors name a rules file: its path, or its place in the package."""
    return f"rules file {path if path else package.replace('.', '/') + '/' + name}"
