"""Who may do what, the decisions a coder takes, a query's answers and outcomes: data (policy.json), validated when
loaded."""

import json
from functools import cache
from importlib.resources import files
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from notecoder.worklist.errors import Forbidden

Permission = Literal["read", "decide", "query", "import", "export", "users"]


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    roles: dict[str, tuple[Permission, ...]]
    decisions: dict[str, str]
    reasons: tuple[str, ...]
    """Why an item was rejected: a fixed list, so no free text (which could quote a note) reaches the audit."""
    answers: dict[str, str]
    outcomes: dict[str, str]
    order: tuple[str, ...]

    @model_validator(mode="after")
    def _every_role_reads(self) -> "Policy":
        unable = [role for role, allowed in self.roles.items() if "read" not in allowed]
        if unable:
            raise ValueError(f"roles that cannot read the worklist: {', '.join(unable)}")
        return self


@cache
def policy() -> Policy:
    return Policy.model_validate(json.loads(files(__package__).joinpath("policy.json").read_text(encoding="utf-8")))


def require(role: str, permission: Permission) -> None:
    if permission not in policy().roles.get(role, ()):
        raise Forbidden(f"the {role} role may not {permission.replace('users', 'manage users')}")
