"""CogStack-NiFi's reading of an NLP service's answer, replayed in Python: what a CogStack pipeline would store of
what `/api/process_bulk` returns. Written from these sources (CogStack/CogStack-NiFi), not copied:

- `nifi/user-scripts/parse-anns-from-nlp-response-bulk.py`: for each result holding annotations it takes
  `annotations[0]` and walks its items, one output record per entity: every entity field under "nlp.", the footer's
  document id under "meta.<document id field>", and the record's id "<document id>_<entity[annotation id field]>"
  (Elasticsearch's `_id`: two entities with one id keep one). A result without annotations, or whose first one is
  empty, is skipped; the footer must hold the document id.
- `nifi/user-schemas/annotation-medcat.avsc`: the Avro record of one annotation (`acc` a float, `start_idx`,
  `end_idx`, `ent_id` ints and `source_value` a string, none of them nullable).
- `services/cogstack-db/pgsql/schemas/annotations_nlp_create_schema.sql`: the annotations table (`cui` and `tui`
  VARCHAR(20), `label` and `type` VARCHAR(255)) and its meta_annotations table (`name`, `value`, `confidence`).

How a flow names the Avro fields after the "nlp." ones is its own configuration; here each Avro field takes the MedCAT
field of the same meaning (`ent_id` the entity's `id`, `start_idx` its `start`, `type` its first `types`...)."""

import math

NLP, META = "nlp.", "meta."
CUI_CHARS, TUI_CHARS, LABEL_CHARS, TYPE_CHARS = 20, 20, 255, 255

# Avro field: (entity field, Avro type); a list of types is a union
AVRO_FIELDS: dict[str, tuple[str, str | list[str]]] = {
    "ent_id": ("id", "int"),
    "cui": ("cui", ["null", "string"]),
    "tui": ("type_ids", ["null", "string"]),
    "start_idx": ("start", "int"),
    "end_idx": ("end", "int"),
    "source_value": ("source_value", "string"),
    "type": ("types", ["null", "string"]),
    "acc": ("acc", "float"),
    "pretty_name": ("pretty_name", ["null", "string"]),
}


class Rejected(Exception):
    """A record NiFi could not write: a value outside its Avro type or its table column."""


def parse_bulk(answer: dict, document_id_field: str = "docid", annotation_id_field: str = "id",
               ignore_types: tuple[str, ...] = ()) -> dict[str, dict]:  # fmt: skip
    """The records NiFi's parser makes of a bulk answer, by their `document_annotation_id` (a later record with the
    same id replaces the earlier one, as in Elasticsearch)."""
    records: dict[str, dict] = {}
    info = answer["medcat_info"]
    for result in answer["result"]:
        if "annotations" not in result or len(result["annotations"]) == 0:
            continue
        entities = result["annotations"][0]
        footer = result["footer"]
        assert document_id_field in footer.keys(), "NiFi asserts the footer holds the document id"
        doc_id = footer[document_id_field]
        if len(entities.keys()) == 0:  # NiFi logs "Empty annotation list" and goes on
            continue
        for _, entity in entities.items():
            if any(kind in entity["types"] for kind in ignore_types):
                continue
            record = {NLP + str(key): value for key, value in entity.items()}
            record["timestamp"] = result["timestamp"]
            record["service_model"] = info["service_model"]
            record["service_version"] = info["service_version"]
            record[META + document_id_field] = doc_id
            records[f"{doc_id}_{entity[annotation_id_field]}"] = record
    return records


def _first(value):
    return value[0] if isinstance(value, list) and value else value


def _fits(value, avro_type: str) -> bool:
    if avro_type == "null":
        return value is None
    if avro_type == "string":
        return isinstance(value, str)
    if avro_type == "int":
        return isinstance(value, int) and not isinstance(value, bool) and -(2**31) <= value < 2**31
    if avro_type == "float":
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    raise ValueError(avro_type)


def avro_record(record: dict) -> dict:
    """The Avro record (annotation-medcat.avsc) of one NiFi record; Rejected naming the field that does not fit."""
    out = {}
    for field, (source, avro_type) in AVRO_FIELDS.items():
        value = _first(record.get(NLP + source))
        types = avro_type if isinstance(avro_type, list) else [avro_type]
        if not any(_fits(value, t) for t in types):
            raise Rejected(f"{field}: {value!r} is not {avro_type}")
        out[field] = value
    return out


def table_rows(record: dict) -> tuple[dict, list[dict]]:
    """The annotations row and meta_annotations rows of one NiFi record; Rejected when a value does not fit a column
    (a string over its VARCHAR length, a DECIMAL that is not a number)."""
    row = {"label": record.get(NLP + "pretty_name"), "cui": record.get(NLP + "cui"),
           "tui": _first(record.get(NLP + "type_ids")), "type": _first(record.get(NLP + "types")),
           "accuracy": record.get(NLP + "acc"), "context_similarity": record.get(NLP + "context_similarity"),
           "star_char": record.get(NLP + "start"), "end_char": record.get(NLP + "end")}  # fmt: skip
    limits = {"label": LABEL_CHARS, "cui": CUI_CHARS, "tui": TUI_CHARS, "type": TYPE_CHARS}
    if not isinstance(row["label"], str):
        raise Rejected("label is NOT NULL text")
    for column, limit in limits.items():
        if row[column] is not None and (not isinstance(row[column], str) or len(row[column]) > limit):
            raise Rejected(f"{column}: {row[column]!r} does not fit VARCHAR({limit})")
    for column in ("accuracy", "context_similarity"):
        if not _fits(row[column], "float"):
            raise Rejected(f"{column}: {row[column]!r} is not a number")
    metas = []
    for task, meta in (record.get(NLP + "meta_anns") or {}).items():
        if not isinstance(meta, dict) or set(meta) != {"name", "value", "confidence"}:
            raise Rejected(f"meta_anns[{task!r}] is not MedCAT's {{name, value, confidence}}")
        if meta["name"] != task or not isinstance(meta["value"], str) or not _fits(meta["confidence"], "float"):
            raise Rejected(f"meta_anns[{task!r}] holds {meta!r}")
        metas.append(meta)
    return row, metas
