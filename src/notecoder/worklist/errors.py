"""What the worklist refuses, each mapped to one HTTP status by the API and one exit code by the CLI. Messages
name ids, users and fields, never note text."""

from datetime import datetime


class WorklistError(Exception):
    status = 400


class Forbidden(WorklistError):
    """The user's role does not allow the action."""

    status = 403


class NotFound(WorklistError):
    status = 404


class Stale(WorklistError):
    """A decision written on a version someone else has changed since: the lost update refused."""

    status = 409

    def __init__(self, message: str, *, by: str | None, at: datetime | None, version: int, current: dict) -> None:
        super().__init__(message)
        self.by, self.at, self.version, self.current = by, at, version, current
