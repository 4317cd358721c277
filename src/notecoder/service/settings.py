"""What `notecoder serve` may take and spend: caps, time budgets, processes and the token. Checked once, when the
service starts, so that a combination that would fail later (a note cap over what notecoder reads, an empty token)
is refused with a message instead of answering 500 or serving everyone."""

import ipaddress
import os

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

TOKEN_VARIABLE = "NOTECODER_TOKEN"
_VARIABLE = "NOTECODER_{}"  # each other setting travels from `serve` to its worker processes as NOTECODER_<NAME>
BYTES_PER_CHAR = 12  # the longest one character can be written in JSON: a surrogate pair of \u escapes
ENVELOPE_BYTES = 1_000_000  # a request's bytes besides its notes: field names, footers, FHIR structure


class ServiceSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    token: str | None = None
    max_note_chars: int = Field(1_000_000, ge=1)
    max_notes: int = Field(100, ge=1)
    max_request_chars: int | None = Field(None, ge=1)
    """Characters of all the notes of one request; default: max_note_chars."""
    max_body_bytes: int | None = Field(None, ge=1)
    """Default: follows max_request_chars (BYTES_PER_CHAR a character and ENVELOPE_BYTES)."""
    request_seconds: float = Field(30.0, gt=0, allow_inf_nan=False)
    body_seconds: float = Field(20.0, gt=0, allow_inf_nan=False)
    processes: int = Field(2, ge=1)
    large_processes: int = Field(1, ge=1)
    """Processes for requests over pool.LARGE_CHARS, at a lower CPU priority."""
    queue: int = Field(8, ge=0)
    worklist_url: str | None = None
    """The team worklist's database (`--worklist`): served at /worklist/ when set."""

    @field_validator("token")
    @classmethod
    def _token_not_empty(cls, token: str | None) -> str | None:
        if token is not None and not token.strip():
            raise ValueError(f"{TOKEN_VARIABLE} is set but empty: set a token, or unset it to serve without one")
        return token

    @model_validator(mode="after")
    def _caps_agree(self) -> "ServiceSettings":
        from notecoder.pipeline import MAX_NOTE_CHARS

        if self.max_note_chars > MAX_NOTE_CHARS:
            raise ValueError(f"--max-note-chars {self.max_note_chars:,} is over the {MAX_NOTE_CHARS:,} characters "
                             "notecoder reads")  # fmt: skip
        if self.request_chars < self.max_note_chars:
            raise ValueError("--max-request-chars is below --max-note-chars: a note at the cap could never be sent")
        return self

    @property
    def request_chars(self) -> int:
        return self.max_request_chars or self.max_note_chars

    @property
    def body_bytes(self) -> int:
        return self.max_body_bytes or BYTES_PER_CHAR * self.request_chars + ENVELOPE_BYTES

    @property
    def pending_body_bytes(self) -> int:
        """Bytes of request bodies being received at once, over all connections: four bodies at the cap."""
        return 4 * self.body_bytes

    @classmethod
    def checked(cls, **values: object) -> "ServiceSettings":
        """Settings from options or the environment; ValueError naming each option that is wrong."""
        try:
            return cls.model_validate({name: value for name, value in values.items() if value is not None})
        except ValidationError as error:
            raise ValueError("; ".join(_problem(e) for e in error.errors())) from None

    @classmethod
    def from_environment(cls) -> "ServiceSettings":
        """What `serve` set, read in each of uvicorn's worker processes."""
        values = {name: os.environ.get(_VARIABLE.format(name.upper())) for name in cls.model_fields if name != "token"}
        return cls.checked(token=os.environ.get(TOKEN_VARIABLE), **values)

    def environment(self) -> dict[str, str]:
        return {_VARIABLE.format(name.upper()): str(value)
                for name, value in self.model_dump(exclude={"token"}, exclude_none=True).items()}  # fmt: skip


def _problem(error) -> str:
    reason = str(error["ctx"]["error"]) if error["type"] == "value_error" else error["msg"]
    if not error["loc"] or error["loc"] == ("token",):
        return reason  # says which setting itself
    return f"--{str(error['loc'][0]).replace('_', '-')}: {reason}"


def check_exposure(host: str, token: str | None, insecure_no_token: bool) -> None:
    """Without a token the service is open to whoever reaches it: allowed on this machine only, unless asked for."""
    if token is not None or insecure_no_token or _loopback(host):
        return
    raise ValueError(f"--host {host} serves beyond this machine without a token: set {TOKEN_VARIABLE}, "
                     "or pass --insecure-no-token to serve notes to anyone who can connect")  # fmt: skip


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to any interface
        return False
