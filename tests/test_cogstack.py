"""The CogStack endpoints as CogStack reads them: MedCATservice's shapes (CogStack/cogstack-nlp
`medcat-service/medcat_service`), and CogStack-NiFi's parser, Avro schema and annotations table replayed in
`tests/nifi_replay.py`. The service runs in this process (FastAPI's TestClient) with real extraction processes."""

import json
import time

import pytest
from fastapi.testclient import TestClient

from notecoder.extraction import extract
from notecoder.mapper.rules import mapper_rules
from notecoder.service import cogstack
from notecoder.service.api import create_app
from notecoder.service.settings import ServiceSettings
from tests import nifi_replay
from tests.conftest import spine_notes
from tests.notes import CHIROPRACTIC, CLINIC_TEMPLATE, EMERGENCY, NOT_SPINE, PROBLEM_LIST, RADIOLOGY

TOKEN = "cogstack-token"
SECRET = "Zebediah Quistgaard"
NOTES = [CHIROPRACTIC, PROBLEM_LIST, CLINIC_TEMPLATE, EMERGENCY, RADIOLOGY, NOT_SPINE]


@pytest.fixture(scope="module")
def http():
    settings = ServiceSettings(token=TOKEN, processes=1, large_processes=1, max_notes=100)
    with TestClient(create_app(settings), headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        deadline = time.monotonic() + 120
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "the extraction processes never became ready"
            time.sleep(0.2)
        yield client


def entities(result: dict) -> list[dict]:
    """The entities of one result, in MedCATservice's shape: one dict keyed by the entities' ids."""
    (by_id,) = result["annotations"]
    assert list(by_id) == [str(entity["id"]) for entity in by_id.values()]
    return list(by_id.values())


def proposals(text: str) -> int:
    result = extract(text)
    return len(result.codes) + len(result.alternatives) + len(result.gaps)


def bulk(http, texts: list[str], **body) -> dict:
    content = [{"text": text, "id": n, "footer": {"docid": n}} for n, text in enumerate(texts)]
    answer = http.post("/api/process_bulk", json={"content": content, **body})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_nifi_keeps_every_annotation_of_notes_with_many(http):
    answer = bulk(http, NOTES)
    records = nifi_replay.parse_bulk(answer)
    kept = [sum(1 for r in records.values() if r["meta.docid"] == n) for n in range(len(NOTES))]
    assert kept == [proposals(text) for text in NOTES]
    assert kept[0] >= 7  # a code, two alternatives and four gaps: MedCATservice's one dict keeps them all
    for record in records.values():
        nifi_replay.avro_record(record)
        nifi_replay.table_rows(record)


def test_annotations_are_one_dict_keyed_by_entity_id(http):
    result = http.post("/api/process", json={"content": {"text": CHIROPRACTIC, "footer": {"docid": 7}}}).json()
    found = entities(result["result"])
    assert [entity["id"] for entity in found] == list(range(len(found))) and len(found) == proposals(CHIROPRACTIC)
    assert {entity["types"][0] for entity in found} == {"code", "alternative", "gap"}
    for entity in found:
        assert CHIROPRACTIC[entity["start"] : entity["end"]] == entity["source_value"]


@pytest.mark.parametrize("text", ["", "   \n\t"], ids=["empty", "whitespace"])
def test_a_blank_note_gives_a_list_holding_one_empty_dict(http, text):
    single = http.post("/api/process", json={"content": {"text": text, "footer": {"docid": 1}}}).json()["result"]
    answer = bulk(http, [text, CHIROPRACTIC])
    assert single["success"] and single["annotations"] == [{}] and single["footer"] == {"docid": 1}
    assert answer["result"][0]["annotations"] == [{}]
    assert len(nifi_replay.parse_bulk(answer)) == proposals(CHIROPRACTIC)


def test_every_annotation_fits_nifis_avro_schema_and_annotations_table(http):
    records = nifi_replay.parse_bulk(bulk(http, NOTES))
    for record in records.values():
        avro = nifi_replay.avro_record(record)
        row, metas = nifi_replay.table_rows(record)
        assert isinstance(avro["acc"], float) and 0 <= avro["acc"] <= 1
        assert isinstance(row["context_similarity"], float) and len(row["cui"]) <= nifi_replay.CUI_CHARS
        assert {m["name"] for m in metas} <= set(cogstack.TASKS)
    gaps = [r for r in records.values() if r["nlp.types"] == ["gap"]]
    assert gaps and all(r["nlp.cui"].startswith("GAP-") for r in gaps)
    assert all(r["nlp.detected_name"] == r["nlp.notecoder"]["gap_id"] for r in gaps)  # the full id is kept


def test_gap_codes_are_short_stable_and_distinct():
    gap_ids = sorted(mapper_rules().gaps)
    codes = [cogstack.gap_code(gap_id) for gap_id in gap_ids]
    assert len(set(codes)) == len(codes) and max(len(code) for code in codes) <= nifi_replay.CUI_CHARS
    assert max(len(gap_id) for gap_id in gap_ids) > nifi_replay.CUI_CHARS  # why the gaps need a code at all
    assert cogstack.gap_code("conservative-care-not-documented") == "GAP-25D4B6"  # stored codes stay valid


def test_acc_filters_annotations_as_min_confidence_filters_the_result():
    """No null acc: a proposal's confidence (1.0 when unscored); a gap's is that of the code it is about, 1.0 when no
    proposal has its code. So `acc >= floor` keeps what `result.above(floor)` keeps, gaps and all."""
    for text in NOTES:
        result = extract(text)
        every = entities({"annotations": cogstack.annotations(result)})
        assert all(isinstance(e["acc"], float) and e["acc"] == e["context_similarity"] for e in every)
        for floor in (0.0, 0.5, 0.9, 0.97, 0.99, 1.0):
            kept = sorted((e["types"][0], e["detected_name"]) for e in every if e["acc"] >= floor)
            expected = entities({"annotations": cogstack.annotations(result.above(floor))})
            assert kept == sorted((e["types"][0], e["detected_name"]) for e in expected), (text[:20], floor)


def test_meta_anns_have_medcats_shape_and_info_names_their_tasks(http):
    info = http.get("/api/info").json()
    found = entities(http.post("/api/process", json={"content": {"text": CHIROPRACTIC}}).json()["result"])
    assert info["model_card_info"]["meta_cat_model_names"] == list(cogstack.TASKS)
    for entity in found:
        assert set(entity["meta_anns"]) == set(cogstack.TASKS)
        for task, meta in entity["meta_anns"].items():
            assert meta == {"name": task, "value": meta["value"], "confidence": 1.0}
            assert meta["value"] in cogstack.TASKS[task]
        assert entity["meta_anns"]["Proposal"]["value"] == entity["types"][0]


def test_meta_anns_filters_are_honoured_and_keep_the_entity_ids(http):
    every = entities(http.post("/api/process", json={"content": {"text": CHIROPRACTIC}}).json()["result"])
    gaps_only = http.post("/api/process", json={"content": {"text": CHIROPRACTIC},
                                                 "meta_anns_filters": [["Proposal", ["gap"]]]}).json()  # fmt: skip
    present_codes = [["Proposal", ["code", "alternative"]], ["Assertion", ["present"]]]
    answer = bulk(http, [CHIROPRACTIC, CLINIC_TEMPLATE], meta_anns_filters=present_codes)
    assert entities(gaps_only["result"]) == [e for e in every if e["types"] == ["gap"]]
    for result in answer["result"]:
        kept = entities(result)
        assert kept and all(e["types"][0] != "gap" for e in kept)
        assert all(e["meta_anns"]["Assertion"]["value"] == "present" for e in kept)
    assert len(nifi_replay.parse_bulk(answer)) == sum(len(entities(r)) for r in answer["result"])


@pytest.mark.parametrize(
    "filters, loc",
    [
        ([["Presence", ["True"]]], ["body", "meta_anns_filters", 0, 0]),
        ([["Proposal", ["code"]], ["Proposal", ["codes"]]], ["body", "meta_anns_filters", 1, 1, 0]),
        ([["Assertion", []]], ["body", "meta_anns_filters", 0, 1]),
        ([["Proposal"]], ["body", "meta_anns_filters", 0, 1]),
        ("Proposal", ["body", "meta_anns_filters"]),
    ],
    ids=["unknown task", "unknown value", "no value", "not a pair", "not a list"],
)
@pytest.mark.parametrize("path", ["/api/process", "/api/process_bulk"])
def test_meta_anns_filters_that_keep_nothing_knowable_are_422_naming_the_field(http, path, filters, loc):
    content = {"text": f"Patient {SECRET}. Cervical facet syndrome."}
    answer = http.post(path, json={"content": [content] if path.endswith("bulk") else content,
                                   "meta_anns_filters": filters})  # fmt: skip
    assert answer.status_code == 422, answer.text
    (detail,) = answer.json()["detail"]
    assert detail["loc"] == loc
    assert SECRET not in answer.text and "Presence" not in answer.text and "codes" not in answer.text
    if loc[3:] == [0]:  # the service's own tasks or values, so that the client can mend its filter
        assert "its tasks: Proposal, Assertion" in detail["msg"]
    if len(loc) == 5:
        assert "its values: code, alternative, gap" in detail["msg"]


def test_extra_keys_in_content_are_accepted_and_only_the_footer_echoed(http):
    """NiFi's request builders send `id` and `metadata` beside `text` and `footer` (and "metadata:", as their
    comments spell it), and `applicationParams` beside `content`; MedCATservice echoes the footer alone."""
    row = {"text": CHIROPRACTIC, "id": 17, "metadata": {"source": "emr"}, "metadata:": {}, "footer": {"docid": 17}}
    single = http.post("/api/process", json={"content": row, "applicationParams": {}})
    many = http.post("/api/process_bulk", json={"content": [row, {**row, "id": "d-18"}], "applicationParams": {}})
    assert single.status_code == many.status_code == 200
    for result in [single.json()["result"], *many.json()["result"]]:
        assert result["success"] and result["footer"] == {"docid": 17} and len(entities(result)) >= 7
        assert "id" not in result and "metadata" not in result


def test_one_bad_row_is_one_error_entry_and_the_batch_is_coded(http):
    """A row NiFi may build (a record without its text field gives "text": null) or a client may garble: each is
    its own error entry naming its place; every other row is coded and NiFi keeps all of their annotations."""
    footer = {"docid": 0, "patient": SECRET}
    rows = [
        {"text": CHIROPRACTIC, "footer": {"docid": 0}},
        {"text": None, "footer": footer},
        {"footer": footer},
        f"{SECRET} cervical facet syndrome",
        {"text": 42, "footer": footer},
        {"text": f"{SECRET} neck pain.", "footer": [SECRET]},
        None,
        {"text": PROBLEM_LIST, "footer": {"docid": 7}},
    ]
    answer = http.post("/api/process_bulk", json={"content": rows})
    assert answer.status_code == 200, answer.text
    results = answer.json()["result"]
    assert [r["success"] for r in results] == [True, False, False, False, False, False, False, True]
    errors = [r["errors"][0] for r in results if not r["success"]]
    assert errors[0].startswith("content[1].text: ") and errors[1].startswith("content[2].text: ")
    assert errors[2].startswith("content[3]: ") and errors[3].startswith("content[4].text: ")
    assert errors[4].startswith("content[5].footer") and errors[5].startswith("content[6]: ")
    assert SECRET not in answer.text.replace(json.dumps(CHIROPRACTIC)[1:-1], "")
    records = nifi_replay.parse_bulk(answer.json())
    assert len(records) == proposals(CHIROPRACTIC) + proposals(PROBLEM_LIST)


def test_a_bulk_call_of_real_notes_loses_no_annotation_in_nifi(http):
    """A small replay of bench/cogstack_replay.py: real MTSamples notes, one bulk call, every annotation kept."""
    texts = [note["text"] for note in spine_notes()[:60]]
    expected = [proposals(text) for text in texts]
    records = nifi_replay.parse_bulk(bulk(http, texts))
    assert sum(n > 1 for n in expected) >= 3  # notes of several annotations, the ones NiFi lost before
    assert len(records) == sum(expected)
    for record in records.values():
        nifi_replay.avro_record(record)
        nifi_replay.table_rows(record)
