"""The team worklist as its users rely on it, on SQLite and on PostgreSQL: a batch queued without its text unless
asked, tokens kept as hashes and roles that limit what a user does, no lost update when two coders decide on one
note, an audit of every change that never holds note text, the physician query loop and its figures, the queue's
order and counts, and the decisions export that trains the confidence model."""

import json
import threading

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from notecoder.cli import app as cli
from notecoder.scoring.feedback import read_decisions
from notecoder.worklist.api import mount
from notecoder.worklist.database import engine_for, migrate
from notecoder.worklist.imports import import_results
from notecoder.worklist.tables import Audit, Item, Note
from notecoder.worklist.users import add_user
from tests.worklist_db import BACKENDS, NOTES, new_database, write_results


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path):
    url, drop = new_database(request.param, tmp_path)
    engine = engine_for(url)
    migrate(engine)
    yield url, engine
    engine.dispose()
    drop()


@pytest.fixture
def engine(database):
    return database[1]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return write_results(tmp_path_factory.mktemp("batch"))


def queued(engine, results):
    with Session(engine) as session:
        return import_results(session, results, actor="cli:test")


def user(engine, name: str, role: str) -> dict:
    with Session(engine) as session:
        return {"Authorization": f"Bearer {add_user(session, name, role, 'cli:test')}"}


def client(engine) -> TestClient:
    app = FastAPI()
    mount(app, engine)
    return TestClient(app)


def item_of(api, headers, note_id, kind, key) -> dict:
    found = api.get("/worklist/api/note", params={"id": note_id}, headers=headers).json()["items"]
    return next(i for i in found if i["kind"] == kind and i["key"] == key)


def decide(api, headers, note_id, kind, key, decision, version, **extra):
    body = {"note_id": note_id, "kind": kind, "key": key, "decision": decision, "version": version, **extra}
    return api.post("/worklist/api/decisions", json=body, headers=headers)


def test_a_batch_is_queued_with_its_results_and_without_its_text(engine, results):
    summary = queued(engine, results)
    assert (summary.added, summary.failed) == (len(NOTES) + 1, 1)
    with Session(engine) as session:
        notes = {n.note_id: n for n in session.scalars(select(Note))}
        assert all(n.text is None for n in notes.values())  # PHI at rest only when asked for
        assert notes["enc-empty"].error.startswith("EmptyText") and notes["enc-empty"].result is None
        instability = notes["enc-1005"]
        assert instability.confidence == min(c["confidence"] for c in instability.result["codes"])
        only = notes["enc-1001"]  # alternatives only: their confidence
        assert only.confidence == min(a["confidence"] for a in only.result["alternatives"])
        keys = set(session.scalars(select(Item.key).where(Item.note == instability.id)))
    assert {"M53.2X6", "imaging-not-documented:M53.2X6"} <= keys
    again = queued(engine, results)
    assert (again.added, again.replaced, again.unchanged) == (0, 0, len(NOTES) + 1)


def test_a_note_s_confidence_is_its_codes_not_its_lowest_alternative(tmp_path):
    import notecoder
    from notecoder.review.html import note_confidence

    result = notecoder.extract("A: Segmental instability C4-5 with C5 radiculopathy; deltoid 4/5, biceps reflex 1+.")
    assert [c.code for c in result.codes] == ["M53.2X2"] and result.alternatives
    doubtful = result.model_copy(update={"alternatives": tuple(a.model_copy(update={"confidence": 0.05})
                                                               for a in result.alternatives)})  # fmt: skip
    assert note_confidence(doubtful) == result.codes[0].confidence


def test_kept_text_must_be_the_text_that_was_coded(engine, tmp_path):
    results = write_results(tmp_path, include_text=True)
    lines = results.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    records[1]["text"] = records[1]["text"].replace("ladder", "roof")  # another version of the note
    results.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with Session(engine) as session:
        import_results(session, results, actor="cli:test", keep_text=True)
        kept = {row[0]: row[1] for row in session.execute(select(Note.note_id, Note.text))}
    assert kept["enc-1001"] == NOTES["enc-1001"] and kept["enc-1002"] is None
    api = client(engine)
    headers = user(engine, "dana", "coder")
    view = api.get("/worklist/api/note", params={"id": "enc-1001"}, headers=headers).json()
    assert view["text_kept"] and "<mark" in view["view"]
    withheld = api.get("/worklist/api/note", params={"id": "enc-1002"}, headers=headers).json()
    assert not withheld["text_kept"] and "not kept" in withheld["view"]


def test_a_reimport_never_overwrites_a_coder_s_work(engine, results, tmp_path):
    queued(engine, results)
    api, alice = client(engine), user(engine, "alice", "coder")
    assert decide(api, alice, "enc-1005", "code", "M53.2X6", "accepted", 0).status_code == 200
    changed = dict(NOTES)
    changed["enc-1005"] = NOTES["enc-1005"].replace("L4-5", "C4-5")
    changed["enc-1006"] = NOTES["enc-1006"] + " Failed PT x 6 wks."
    summary = queued(engine, write_results(tmp_path, changed))
    assert summary.kept == ["enc-1005"] and summary.replaced == 1
    assert item_of(api, alice, "enc-1005", "code", "M53.2X6")["decision"] == "accepted"


def test_tokens_are_kept_as_hashes_and_roles_limit_what_a_user_does(database, results, tmp_path):
    url, engine = database
    queued(engine, results)
    coder, cdi = user(engine, "carl", "coder"), user(engine, "cora", "cdi")
    with engine.connect() as connection:
        stored = " ".join(str(row) for row in connection.execute(text("SELECT * FROM users")))
    assert coder["Authorization"].split()[1] not in stored and cdi["Authorization"].split()[1] not in stored
    api = client(engine)
    assert api.get("/worklist/api/queue").status_code == 401
    assert api.get("/worklist/api/queue", headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    assert api.get("/worklist/api/queue", headers=coder).status_code == 200
    for path in ("/worklist/api/stats", "/worklist/api/decisions", "/worklist/api/users"):
        assert api.get(path, headers=coder).status_code == 403
    asked = api.post("/worklist/api/queries", json={"note_id": "enc-1006", "gap": "chronicity-not-documented:M53.3",
                                                   "physician": "Dr. Okafor"}, headers=coder)  # fmt: skip
    assert asked.status_code == 403 and "coder role may not query" in asked.json()["detail"]
    assert api.get("/worklist/api/stats", headers=cdi).status_code == 200
    assert api.get("/worklist/api/users", headers=cdi).status_code == 403


def test_two_coders_on_one_note_never_lose_an_update(engine, results):
    queued(engine, results)
    api, alice, bob = client(engine), user(engine, "alice", "coder"), user(engine, "bob", "coder")
    seen = item_of(api, alice, "enc-1006", "code", "M53.3")  # both open the note at version 0
    assert seen["version"] == 0 and seen["decision"] is None
    assert decide(api, bob, "enc-1006", "code", "M53.3", "accepted", 0).json()["by"] == "bob"
    stale = decide(api, alice, "enc-1006", "code", "M53.3", "rejected", 0, reason="not a current condition")
    assert stale.status_code == 409
    assert stale.json()["by"] == "bob" and stale.json()["current"]["decision"] == "accepted"
    assert "changed by bob" in stale.json()["detail"]
    again = item_of(api, alice, "enc-1006", "code", "M53.3")
    written = decide(api, alice, "enc-1006", "code", "M53.3", "rejected", again["version"],
                     reason="not a current condition")  # fmt: skip
    assert written.status_code == 200 and written.json()["version"] == 2
    with Session(engine) as session:
        trail = list(session.scalars(select(Audit).where(Audit.action == "decision").order_by(Audit.id)))
    assert [(a.actor, a.before["decision"], a.after["decision"]) for a in trail] == [
        ("bob", None, "accepted"), ("alice", "accepted", "rejected")]  # fmt: skip


def test_coders_writing_at_once_leave_exactly_one_decision_and_its_audit_row(engine, results):
    queued(engine, results)
    api = client(engine)
    coders = [user(engine, f"coder{n}", "coder") for n in range(8)]
    statuses: list[int] = []

    def write(headers):
        statuses.append(decide(api, headers, "enc-1005", "code", "M53.2X6", "accepted", 0).status_code)

    threads = [threading.Thread(target=write, args=(headers,)) for headers in coders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * 7
    with Session(engine) as session:
        assert session.scalar(select(Item.version).where(Item.key == "M53.2X6")) == 1
        assert len(list(session.scalars(select(Audit).where(Audit.action == "decision")))) == 1


def test_the_audit_is_append_only_and_holds_no_note_text(engine, results):
    queued(engine, results)
    api, cdi = client(engine), user(engine, "cora", "cdi")
    assert decide(api, cdi, "enc-1002", "alternative", "S16.1XX-", "changed", 0, new_code="S16.1XXA").is_success
    rejected = decide(api, cdi, "enc-1003", "gap", "condition-not-named:M54.9", "rejected", 0,
                      reason="documented elsewhere in the record")  # fmt: skip
    assert rejected.is_success
    api.post("/worklist/api/queries", json={"note_id": "enc-1006", "gap": "chronicity-not-documented:M53.3",
                                           "physician": "Dr. Okafor"}, headers=cdi)  # fmt: skip
    with engine.connect() as connection:
        rows = list(connection.execute(text("SELECT actor, action, note_id, item_key, before, after FROM audit")))
    actions = [row[1] for row in rows]
    assert actions.count("note.import") == len(NOTES) + 1 and actions.count("decision") == 2
    assert actions.count("query.issue") == 1 and actions.count("user.add") == 1
    dumped = " ".join(str(row) for row in rows).lower()
    for words in ("ladder", "coccyx", "stiffness", "sitting intolerance"):
        assert words not in dumped
    for statement in ("UPDATE audit SET actor = 'someone else'", "DELETE FROM audit"):
        with engine.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text(statement))


def test_a_decision_must_be_one_a_coder_can_take(engine, results):
    queued(engine, results)
    api, alice = client(engine), user(engine, "alice", "coder")
    cases = [
        (("code", "M53.3", "changed", 0), {"new_code": "M53.99"}, "not a code notecoder can propose"),
        (("gap", "chronicity-not-documented:M53.3", "changed", 0), {"new_code": "M53.3"}, "not changed to a code"),
        (("code", "M53.3", "rejected", 0), {"reason": "the patient is a liar"}, "is not one of"),
        (("code", "M53.3", "maybe", 0), {}, "is not one of"),
        (("code", "M99.01", "accepted", 0), {}, "has no code"),
    ]
    for (kind, key, decision, version), extra, said in cases:
        answer = decide(api, alice, "enc-1006", kind, key, decision, version, **extra)
        assert answer.status_code in (400, 404) and said in answer.json()["detail"], (key, answer.json())
    assert decide(api, alice, "no-such-note", "code", "M53.3", "accepted", 0).status_code == 404
    changed = decide(api, alice, "enc-1006", "code", "M53.3", "changed", 0, new_code="s33.5xxa")
    assert changed.json()["new_code"] == "S33.5XXA" and "sprain" in changed.json()["reason"].lower()


def test_the_query_loop_from_issue_to_outcome(engine, results):
    queued(engine, results)
    api, cdi, coder = client(engine), user(engine, "cora", "cdi"), user(engine, "carl", "coder")
    gap = "chronicity-not-documented:M53.3"
    issued = api.post("/worklist/api/queries", json={"note_id": "enc-1006", "gap": gap, "physician": "Dr. Okafor"},
                      headers=cdi).json()  # fmt: skip
    records = {r["id"]: r for r in map(json.loads, results.read_text(encoding="utf-8").splitlines())}
    asked = next(g["query"] for g in records["enc-1006"]["result"]["gaps"] if g["id"] == "chronicity-not-documented")
    assert (issued["status"], issued["physician"], issued["question"]) == ("open", "Dr. Okafor", asked)
    twice = api.post("/worklist/api/queries", json={"note_id": "enc-1006", "gap": gap, "physician": "Dr. Okafor"},
                     headers=cdi)  # fmt: skip
    assert twice.status_code == 400 and "already has an open query" in twice.json()["detail"]
    rejected = decide(api, coder, "enc-1006", "gap", "injury-timeline-unclear:M53.3", "rejected", 0,
                      reason="not supported by the note")  # fmt: skip
    assert rejected.is_success
    refused = api.post("/worklist/api/queries", json={"note_id": "enc-1006", "gap": "injury-timeline-unclear:M53.3",
                                                      "physician": "Dr. Okafor"}, headers=cdi)  # fmt: skip
    assert refused.status_code == 400 and "rejected by carl" in refused.json()["detail"]
    listed = api.get("/worklist/api/queries", headers=coder).json()
    assert [(q["note_id"], q["gap"], q["status"]) for q in listed] == [("enc-1006", gap, "open")]
    assert listed[0]["age_days"] >= 0
    early = api.post("/worklist/api/queries/close", params={"id": issued["id"]}, json={"outcome": "documented"},
                     headers=cdi)  # fmt: skip
    assert early.status_code == 400 and "no answer yet" in early.json()["detail"]
    answered = api.post("/worklist/api/queries/answer", params={"id": issued["id"]}, json={"answer": "agree"},
                        headers=cdi)  # fmt: skip
    assert answered.json()["status"] == "answered"
    closed = api.post("/worklist/api/queries/close", params={"id": issued["id"]}, json={"outcome": "documented"},
                      headers=cdi)  # fmt: skip
    assert closed.json()["status"] == "closed" and closed.json()["outcome"] == "documented"
    assert api.get("/worklist/api/queries", headers=coder).json() == []
    figures = api.get("/worklist/api/stats", headers=cdi).json()
    assert figures["queries"] == {"issued": 1, "open": 0, "answered": 1, "closed": 1, "answers": {"agree": 1},
                                  "agreement_rate": 1.0, "outcomes": {"documented": 1}}  # fmt: skip
    assert figures["gaps"] == {"accepted": 0, "rejected": 1}


def test_the_queue_puts_undecided_codes_first_the_least_sure_first(engine, results):
    queued(engine, results)
    api, alice = client(engine), user(engine, "alice", "coder")
    queue = api.get("/worklist/api/queue", headers=alice).json()
    order = [row["id"] for row in queue["rows"]]
    with_codes = [row for row in queue["rows"] if row["codes"]]
    alternatives = [row for row in queue["rows"] if row["alternatives"] and not row["codes"]]
    assert order == [row["id"] for row in sorted(with_codes, key=lambda r: r["confidence"])] + [
        row["id"] for row in sorted(alternatives, key=lambda r: r["confidence"])] + ["enc-1004", "enc-empty"]
    assert len(with_codes) == 2 and len(alternatives) == 3
    assert queue["counts"] == {"all": 7, "undecided": 5, "decided": 0, "mine": 0, "queries": 0}
    for row in queue["rows"]:
        if row["id"] == "enc-1006":
            keys = row["codes"] + row["alternatives"] + row["gaps"]
    for key in keys:
        assert decide(api, alice, "enc-1006", "code" if key == "M53.3" else "gap", key, "accepted", 0).is_success
    after = api.get("/worklist/api/queue", headers=alice).json()
    assert after["counts"] == {"all": 7, "undecided": 4, "decided": 1, "mine": 1, "queries": 0}
    # a decided note goes below the work left; notes with nothing to decide and failed rows stay last
    assert [row["id"] for row in after["rows"]][4:] == ["enc-1006", "enc-1004", "enc-empty"]
    mine = api.get("/worklist/api/queue", params={"show": "mine"}, headers=alice).json()["rows"]
    assert [row["id"] for row in mine] == ["enc-1006"]


def test_the_decisions_export_is_what_train_feedback_reads(database, results, tmp_path):
    url, engine = database
    queued(engine, results)
    api, alice = client(engine), user(engine, "alice", "coder")
    assert decide(api, alice, "enc-1006", "code", "M53.3", "accepted", 0).is_success
    assert decide(api, alice, "enc-1002", "alternative", "S16.1XX-", "changed", 0, new_code="S16.1XXA").is_success
    done = CliRunner().invoke(cli, ["worklist", "export", "--db", url, "-o", str(tmp_path / "decisions.csv")])
    assert done.exit_code == 0, done.output
    labels = {(d.note_id, d.code): d.label for d in read_decisions(tmp_path / "decisions.csv")}
    assert labels == {("enc-1006", "M53.3"): 1, ("enc-1002", "S16.1XX-"): 0}
    assert oct((tmp_path / "decisions.csv").stat().st_mode & 0o777) == "0o600"


def test_a_note_coded_through_the_api_is_queued_with_its_text_only_if_it_is_the_note(engine):
    import notecoder

    api, cdi, coder = client(engine), user(engine, "cora", "cdi"), user(engine, "carl", "coder")
    text = NOTES["enc-1006"]
    result = json.loads(notecoder.extract(text).model_dump_json())
    body = {"id": "api-77", "result": result, "text": text}
    assert api.post("/worklist/api/notes", json=body, headers=coder).status_code == 403
    other = api.post("/worklist/api/notes", json={**body, "text": text.replace("coccyx", "sacrum")}, headers=cdi)
    assert other.status_code == 400 and "evidence spans do not match" in other.json()["detail"]
    assert "sacrum" not in other.text
    queued_one = api.post("/worklist/api/notes", json=body, headers=cdi)
    assert queued_one.json() == {"added": 1, "replaced": 0, "unchanged": 0, "kept": [], "failed": 0}
    view = api.get("/worklist/api/note", params={"id": "api-77"}, headers=coder).json()
    assert view["text_kept"] and [i["key"] for i in view["items"] if i["kind"] == "code"] == ["M53.3"]
