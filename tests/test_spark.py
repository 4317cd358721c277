"""The Spark path on local[2]: one result row per input row, failures as rows, the pipeline built per worker."""

import json
import os
import re
import sys
import warnings

import pytest

from notecoder import NoteResult
from notecoder.spark import code_dataframe

# skipped without PySpark; .ci/run sets NOTECODER_REQUIRE=spark, which fails such a skip
pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark():
    sql = pytest.importorskip("pyspark.sql")
    with pytest.MonkeyPatch.context() as patch:
        # executors start PYSPARK_PYTHON, else `python3` from PATH: without a venv on PATH, that Python has no notecoder
        patch.setenv("PYSPARK_PYTHON", os.environ.get("PYSPARK_PYTHON", sys.executable))
        session = (
            sql.SparkSession.builder.master("local[2]")
            .appName("notecoder-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate()
        )
    yield session
    session.stop()


def test_code_dataframe(spark):
    notes = spark.createDataFrame(
        [
            ("a", "ASSESSMENT: cervical facet syndrome C5-6."),
            ("b", ""),
            ("c", "MVC today. Dx: acute cervical strain, initial encounter."),
            ("d", None),
            ("e", "Dx: LBP."),
        ],
        "note_id string, body string",
    ).repartition(2)
    rows = {r.id: r for r in code_dataframe(notes, id_col="note_id", text_col="body").collect()}
    assert set(rows) == {"a", "b", "c", "d", "e"}
    assert rows["a"].codes == ["M53.82"] and rows["a"].status == "ok"
    assert rows["c"].alternatives == ["S16.1XXA"]
    assert rows["e"].gaps == ["condition-not-named"]
    assert (rows["b"].status, rows["b"].error_type) == ("error", "EmptyText")
    assert rows["d"].error_type == "EmptyText" and rows["d"].result is None
    result = NoteResult.model_validate_json(rows["a"].result)
    assert result.codes[0].evidence[0].text == "cervical facet syndrome"
    assert json.loads(rows["a"].result)["codes"][0]["title"] == "Other specified dorsopathies, cervical region"


def test_a_missing_column_is_named(spark):
    notes = spark.createDataFrame([("a", "x")], "id string, text string")
    with pytest.raises(ValueError, match="'note'"):
        code_dataframe(notes, text_col="note")


def test_rows_are_numbered_across_partitions_and_text_must_be_text(spark):
    notes = spark.createDataFrame(
        [(str(i), "" if i % 3 == 0 else "Dx: LBP.") for i in range(12)], "id string, text string"
    ).repartition(3)
    rows = code_dataframe(notes).collect()
    assert len({r.row for r in rows}) == 12  # unique across partitions, so error messages name one row
    errors = [r for r in rows if r.status == "error"]
    assert len(errors) == 4 and all(f"row {r.row}:" in r.error_message for r in errors)
    numbers = spark.createDataFrame([("a", 5)], "id string, text long")
    with pytest.raises(ValueError, match="holds bigint, not text"):
        code_dataframe(numbers)


def test_the_drivers_model_choice_reaches_the_executors(spark, tmp_path, monkeypatch):
    import shutil

    from notecoder.scoring import model_folder

    folder = tmp_path / "model"
    shutil.copytree(model_folder(), folder)
    (folder / "model.json.sha256").write_text("0" * 64 + "  model.json\n")  # a model the executors must refuse
    monkeypatch.setenv("NOTECODER_MODEL", str(folder))
    notes = spark.createDataFrame([("a", "Assessment: C5-6 facet syndrome.")], "id string, text string")
    (row,) = code_dataframe(notes).collect()
    assert row.status == "error" and row.error_type == "ModelError"  # scored with the driver's model, not the bundled


def test_local_executors_that_would_run_another_python_are_warned_about(spark, monkeypatch):
    notes = spark.createDataFrame([("a", "Dx: LBP.")], "id string, text string")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # the fixture's PYSPARK_PYTHON is this Python: no warning
        code_dataframe(notes)
    monkeypatch.setattr(spark.sparkContext, "pythonExec", "python3-not-on-this-machine")
    with pytest.warns(RuntimeWarning, match=f"set PYSPARK_PYTHON={re.escape(sys.executable)} before"):
        code_dataframe(notes)
