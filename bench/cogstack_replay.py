"""Real notes through `/api/process_bulk` as CogStack-NiFi sends them, and NiFi's parsing of the answers replayed
(`tests/nifi_replay.py`): how many annotations NiFi keeps of those the service returns, and whether each fits NiFi's
Avro schema and annotations table. A benchmark, not a test (tests/test_cogstack.py replays 60 of these notes).

    python bench/cogstack_replay.py [--limit N] [--batch B] [--processes P]

Notes: the 451 MTSamples spine notes, then distinct MTSamples transcriptions of other specialties up to `--limit`
(500). The service runs in this process (FastAPI's TestClient) with P extraction processes; requests carry B notes,
each as NiFi's request builder writes it (`id`, `text`, `footer` holding the document id). Printed: notes,
annotations returned and kept, documents that lost any, Avro and table rejections, the longest `cui`, null `acc`s,
and, for comparison, what NiFi keeps of the same entities written one dict each (the shape before issue 23)."""

import argparse
import csv
import json
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient

from notecoder.extraction import extract
from notecoder.service.api import create_app
from notecoder.service.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the replay of NiFi's parser lives with the tests
from tests import nifi_replay  # noqa: E402

DATA = ROOT / ".." / "shared" / "data" / "mtsamples"
TOKEN = "bench-token"


def notes(limit: int) -> list[str]:
    """The spine notes, then other distinct MTSamples transcriptions, `limit` in all."""
    with (DATA / "spine_notes_dedup.jsonl").open(encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle]
    seen = set(texts)
    with (DATA / "mtsamples.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            text = (row.get("transcription") or "").strip()
            if len(texts) >= limit:
                break
            if text and text not in seen:
                seen.add(text)
                texts.append(text)
    return texts[:limit]


def one_dict_each(answer: dict) -> dict:
    """The same answer with each entity in a dict of its own (`[{"0": ...}, {"1": ...}]`), as before issue 23."""
    results = [{**r, "annotations": [{k: v} for k, v in r["annotations"][0].items()] or [{}]} for r in answer["result"]]
    return {**answer, "result": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=500)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    texts = notes(args.limit)
    settings = ServiceSettings(token=TOKEN, processes=args.processes, max_notes=max(args.batch, 1))
    answers = []
    with TestClient(create_app(settings), headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        while http.get("/readyz").status_code != 200:
            time.sleep(0.2)
        start = time.perf_counter()
        for first in range(0, len(texts), args.batch):
            content = [{"id": n, "text": texts[n], "footer": {"docid": n}}
                       for n in range(first, min(first + args.batch, len(texts)))]  # fmt: skip
            response = http.post("/api/process_bulk", json={"content": content})
            response.raise_for_status()
            answers.append(response.json())
        seconds = time.perf_counter() - start
    returned = {n: 0 for n in range(len(texts))}
    kept, kept_before = dict(returned), dict(returned)
    rejected, cui_chars, null_acc, failed = 0, 0, 0, 0
    for answer in answers:
        for result in answer["result"]:
            if not result["success"]:
                failed += 1
                continue
            for entity in result["annotations"][0].values():
                returned[result["footer"]["docid"]] += 1
                cui_chars = max(cui_chars, len(entity["cui"]))
                null_acc += entity["acc"] is None or entity["context_similarity"] is None
        for record in nifi_replay.parse_bulk(answer).values():
            kept[record["meta.docid"]] += 1
            try:
                nifi_replay.avro_record(record)
                nifi_replay.table_rows(record)
            except nifi_replay.Rejected:
                rejected += 1
        for record in nifi_replay.parse_bulk(one_dict_each(answer)).values():
            kept_before[record["meta.docid"]] += 1
    proposed = sum(len(r.codes) + len(r.alternatives) + len(r.gaps) for r in map(extract, texts))
    several = sum(1 for n in returned.values() if n > 1)
    print(
        f"notes: {len(texts)} ({min(len(texts), 451)} spine), {failed} not coded; "
        f"{args.batch} a request, {args.processes} processes: {seconds:.1f} s, {len(texts) / seconds:.1f} notes/s"
    )
    print(
        f"annotations: {sum(returned.values())} returned (extract() proposes {proposed}) on "
        f"{sum(1 for n in returned.values() if n)} notes, {several} of them with several"
    )
    print(
        f"NiFi keeps: {sum(kept.values())} of {sum(returned.values())}; notes that lost any: "
        f"{sum(1 for n in returned if kept[n] < returned[n])}"
    )
    print(
        f"  written one dict each (before): {sum(kept_before.values())} kept; notes that lost any: "
        f"{sum(1 for n in returned if kept_before[n] < returned[n])}"
    )
    print(f"Avro or table rejections: {rejected}; longest cui: {cui_chars} characters "
          f"(table: {nifi_replay.CUI_CHARS}); null acc or context_similarity: {null_acc}")  # fmt: skip


if __name__ == "__main__":
    main()
