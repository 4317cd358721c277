"""The errors a request can meet in the service, each with its HTTP status. A message names the field and what was
wrong with it, never a value the client sent: note text, ids and unknown keys are PHI or may be."""


class Problem(Exception):
    """Answered with `status`; `loc` (a field path of the JSON body) or `expression` (a FHIRPath) says where."""

    status = 500

    def __init__(self, message: str, loc: tuple[str | int, ...] = (), expression: str | None = None) -> None:
        super().__init__(message)
        self.message, self.loc, self.expression = message, loc, expression


class Invalid(Problem):
    status = 422


class TooLarge(Problem):
    status = 413


class Busy(Problem):
    """No extraction process free now or within the request's budget: the client may try again shortly."""

    status = 503


class OutOfTime(Problem):
    """Coding ran past the request's time budget; the process doing it was replaced."""

    status = 504


class Failed(Problem):
    """The extraction process raised or stopped while coding a note (a fault of notecoder, not of the request)."""

    status = 500
