"""Reading back what `notecoder batch` wrote (its JSONL results), for the views, the report and the feedback loop:
one reader, so every consumer refuses the same malformed records with the same message. Messages name the line and
the fields, never their values (a result holds the note's words)."""

import json
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from notecoder.batch.sources import SourceError
from notecoder.result import NoteResult


def _problems(error: ValidationError) -> str:
    """What is wrong with a result, by field name only: pydantic's own message quotes the values (the note)."""
    places = sorted({".".join(str(p) for p in e["loc"]) or "result" for e in error.errors()})
    return f"the result does not validate ({error.error_count()} problems, in {', '.join(places[:5])})"


def read_results(path: Path) -> Iterator[tuple[dict, NoteResult | None]]:
    """Each record with its result validated (None for an error record)."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            where = f"{path.name} line {number}"
            try:
                record = json.loads(line)
                missing = {"row", "id", "status"} - record.keys()
            except (json.JSONDecodeError, AttributeError, TypeError):
                raise SourceError(f"{where} is not a notecoder batch record") from None
            if missing:
                raise SourceError(f"{where} is not a notecoder batch record (no {', '.join(sorted(missing))})")
            if record["status"] == "ok":
                try:
                    yield record, NoteResult.model_validate(record.get("result"))
                except ValidationError as error:
                    raise SourceError(f"{where}: {_problems(error)}") from None
            elif record["status"] == "error":
                failure = record.get("error")
                if not isinstance(failure, dict) or {"type", "message"} - failure.keys():
                    raise SourceError(f"{where} is an error record without its error type and message")
                yield record, None
            else:
                raise SourceError(f"{where} has an unknown status")
