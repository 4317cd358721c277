"""The Spark path on local[2]: one result row per input row, failures as rows, the pipeline built per worker."""

import json

import pytest

pyspark = pytest.importorskip("pyspark")

from pyspark.sql import SparkSession  # noqa: E402

from notecoder import NoteResult  # noqa: E402
from notecoder.spark import code_dataframe  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    session = (
        SparkSession.builder.master("local[2]")
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
