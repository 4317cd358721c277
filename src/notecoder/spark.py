"""notecoder on Spark: a DataFrame of notes in, a DataFrame of results out (`pip install "notecoder[spark]"`).

`mapInPandas` hands each Python worker a stream of Arrow batches; the pipeline is built once per worker process
(`notecoder.pipeline.shared`) and reused for every batch. Failed rows come back as rows with an error, not as a
failed job."""

from collections.abc import Iterator

from notecoder.batch import outcome
from notecoder.batch.sources import NoteRow, RowError

RESULT_SCHEMA = (
    "id string, status string, codes array<string>, alternatives array<string>, gaps array<string>, "
    "error_type string, error_message string, result string"
)


def _rows(batch, id_col: str, text_col: str, offset: int) -> list[dict]:
    rows = []
    for i, (note_id, text) in enumerate(zip(batch[id_col], batch[text_col], strict=True), start=offset + 1):
        note_id = "" if note_id is None else str(note_id)
        item: NoteRow | RowError
        if text is None or not str(text).strip():
            item = RowError(i, note_id, "EmptyText", f"row {i}: column {text_col!r} is empty")
        else:
            item = NoteRow(i, note_id, str(text))
        result = outcome(item)
        if isinstance(result, RowError):
            rows.append({"id": note_id, "status": "error", "codes": [], "alternatives": [], "gaps": [],
                         "error_type": result.type, "error_message": result.message, "result": None})  # fmt: skip
        else:
            rows.append({"id": note_id, "status": "ok", "codes": [c.code for c in result.codes],
                         "alternatives": [a.code for a in result.alternatives], "gaps": [g.id for g in result.gaps],
                         "error_type": None, "error_message": None, "result": result.model_dump_json()})  # fmt: skip
    return rows


def code_dataframe(notes, id_col: str = "id", text_col: str = "text"):
    """Code a Spark DataFrame of notes: one output row per input row, with `result` the full NoteResult as JSON."""
    import pandas as pd

    missing = [c for c in (id_col, text_col) if c not in notes.columns]
    if missing:
        raise ValueError(f"the DataFrame has no column {missing[0]!r}; its columns are {notes.columns}")

    def code_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        seen = 0
        for batch in batches:
            rows = _rows(batch, id_col, text_col, seen)
            seen += len(batch)
            yield pd.DataFrame(rows, columns=[c.split()[0] for c in RESULT_SCHEMA.split(", ")])

    return notes.select(id_col, text_col).mapInPandas(code_batches, RESULT_SCHEMA)
