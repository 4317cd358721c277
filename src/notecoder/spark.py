"""notecoder on Spark: a DataFrame of notes in, a DataFrame of results out (`pip install ".[spark]"` from the clone).

`mapInPandas` hands each Python worker a stream of Arrow batches; each worker process codes them with its one
`Coder` (`notecoder.extraction.default_coder`: the pipeline built once, reused for every batch). Failed rows come
back as rows with an error, not as a failed job. What the driver chose travels with the job: the confidence model
(`NOTECODER_MODEL`, a folder every executor can read) and the setting. Each input row gets a `row` number unique
across partitions (`monotonically_increasing_id`, not contiguous), which error messages name.

Executors start the Python that PYSPARK_PYTHON names when the SparkContext starts, else `python3` from PATH; it must
have notecoder and pyarrow. On `local[...]`, `code_dataframe` warns when that Python is not the driver's environment:
set `PYSPARK_PYTHON=sys.executable` before building the session."""

import os
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterator

from notecoder.batch import outcome
from notecoder.batch.sources import NoteRow, RowError
from notecoder.result import Setting

RESULT_SCHEMA = (
    "row long, id string, status string, codes array<string>, alternatives array<string>, gaps array<string>, "
    "error_type string, error_message string, result string"
)
_ROW = "__notecoder_row"


def _rows(batch, id_col: str, text_col: str, setting: str, coder=None) -> list[dict]:
    rows = []
    for number, note_id, text in zip(batch[_ROW], batch[id_col], batch[text_col], strict=True):
        row = int(number) + 1
        note_id = "" if note_id is None else str(note_id)
        item: NoteRow | RowError
        if text is None or not text.strip():
            item = RowError(row, note_id, "EmptyText", f"row {row}: column {text_col!r} is empty")
        else:
            item = NoteRow(row, note_id, text)
        result = outcome(item, setting, coder=coder)
        if isinstance(result, RowError):
            rows.append({"row": row, "id": note_id, "status": "error", "codes": [], "alternatives": [], "gaps": [],
                         "error_type": result.type, "error_message": result.message, "result": None})  # fmt: skip
        else:
            rows.append({"row": row, "id": note_id, "status": "ok", "codes": [c.code for c in result.codes],
                         "alternatives": [a.code for a in result.alternatives], "gaps": [g.id for g in result.gaps],
                         "error_type": None, "error_message": None, "result": result.model_dump_json()})  # fmt: skip
    return rows


def _check_local_python(session) -> None:
    """Warn when a local master's executors would start a Python other than this one (which has notecoder)."""
    try:
        context = session.sparkContext
    except Exception:  # Spark Connect has no SparkContext here: its server starts the workers
        return
    if not str(context.master).startswith("local"):
        return  # a cluster's executors have their own Python: PYSPARK_PYTHON or the nodes' python3
    found = shutil.which(context.pythonExec)
    prefix = None
    if found is not None:
        try:
            ask = [found, "-c", "import sys; print(sys.prefix)"]
            answer = subprocess.run(ask, capture_output=True, text=True, timeout=60, check=False)
            prefix = answer.stdout.strip() if answer.returncode == 0 else None
        except (OSError, subprocess.SubprocessError):
            pass
    if prefix != sys.prefix:
        warnings.warn(
            f"Spark's Python workers will run {context.pythonExec!r} ({found or 'not found'}), not this Python "
            f"({sys.executable}), and may lack notecoder: set PYSPARK_PYTHON={sys.executable} before the "
            "SparkSession starts",
            RuntimeWarning,
            stacklevel=3,
        )


def code_dataframe(notes, id_col: str = "id", text_col: str = "text", setting: str = "outpatient"):
    """Code a Spark DataFrame of notes: one output row per input row, with `result` the full NoteResult as JSON."""
    import pandas as pd
    from pyspark.sql import functions
    from pyspark.sql.types import StringType

    missing = [c for c in (id_col, text_col) if c not in notes.columns]
    if missing:
        raise ValueError(f"the DataFrame has no column {missing[0]!r}; its columns are {notes.columns}")
    kind = notes.schema[text_col].dataType
    if not isinstance(kind, StringType):  # a number or a float NaN would be coded as the note "5" or "nan"
        raise ValueError(f"column {text_col!r} holds {kind.simpleString()}, not text: cast or choose another column")
    setting = Setting(setting).value
    _check_local_python(notes.sparkSession)
    model = os.environ.get("NOTECODER_MODEL")  # the driver's choice, carried to every executor in the closure

    def code_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        if model is not None:
            os.environ["NOTECODER_MODEL"] = model
        from notecoder.extraction import default_coder

        coder = default_coder()  # the worker's: its pipeline outlives this task, for the worker's next one
        for batch in batches:
            rows = _rows(batch, id_col, text_col, setting, coder)
            yield pd.DataFrame(rows, columns=[c.split()[0] for c in RESULT_SCHEMA.split(", ")])

    numbered = notes.select(functions.monotonically_increasing_id().alias(_ROW), id_col, text_col)
    return numbered.mapInPandas(code_batches, RESULT_SCHEMA)
