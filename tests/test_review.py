"""Review views: evidence highlighted, assertions visible, codes linked to spans, and note text always inert."""

import json
import re
import subprocess
from pathlib import Path

import pytest

import notecoder
from notecoder import Assertion, NoteResult
from notecoder.review import TAGS, ReportItem, note_html, report_html, sample_notes
from notecoder.review.report import write_report
from tests.required import CHROMIUM

HOSTILE = (
    "A: cervical facet syndrome C5-6. <script>document.body.setAttribute('data-pwned','script')</script>"
    " <img src=x onerror=\"document.body.setAttribute('data-pwned','img')\"> </style><style>body{display:none}</style>"
    " <!-- --> ]]> \u2028 Denies neck pain."
)


def test_repr_html_highlights_every_finding_with_its_assertion():
    text = sample_notes()["clinic"]
    result = notecoder.extract(text)
    page = result._repr_html_()
    marks = re.findall(r'<mark class="([^"]*)" title="[^"]*">', page)
    assert len(marks) >= len(result.findings)
    assert any("a-negated" in m for m in marks) and any("a-possible" in m for m in marks)
    for assertion in {f.assertion for f in result.findings} - {Assertion.PRESENT}:
        assert f'<sup class="nc-tag a-{assertion.value}">{TAGS[assertion]}</sup>' in page
    assert {Assertion.FAMILY, Assertion.NEGATED, Assertion.POSSIBLE} <= {f.assertion for f in result.findings}
    assert "M53.82" in page
    assert "Query:" in notecoder.extract("A: C5-6 facet syndrome.")._repr_html_()  # a gap shows its query
    shown = page.split('<pre class="nc-text">')[1].split("</pre>")[0]
    plain = re.sub(r"<[^>]+>", "", re.sub(r"<sup[^>]*>[^<]*</sup>", "", shown))
    assert (
        plain.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#x27;", "'")
        .replace("&quot;", '"')
        == text
    )  # the whole note, in order, nothing added or lost


def test_a_code_is_linked_to_the_spans_that_support_it():
    result = notecoder.extract("ASSESSMENT: Facet syndrome at C7-T1.")
    page = result._repr_html_()
    assert re.search(r'<mark class="[^"]*\be-c0\b[^"]*"[^>]*>Facet syndrome</mark>', page)
    assert '.nc-root:has([data-ev="c0"]:hover) .e-c0' in page
    assert 'data-ev="c0"' in page


def test_note_text_is_escaped():
    page = note_html(HOSTILE, notecoder.extract(HOSTILE))
    assert "<script>" not in page.replace("<style>", "") and "<img" not in page
    assert "&lt;script&gt;" in page and "&lt;/style&gt;" in page and "onerror=&quot;" in page


def test_a_result_read_back_from_json_renders_without_its_text():
    result = NoteResult.model_validate_json(notecoder.extract("Dx: LBP.").model_dump_json())
    page = result._repr_html_()
    assert "not available" in page and "LBP" in page


def test_report_embeds_data_that_cannot_close_its_script():
    page = report_html([ReportItem("x</script><script>alert(1)</script>", HOSTILE, notecoder.extract(HOSTILE))])
    data = page.split('<script type="application/json" id="nc-data">')[1].split("</script>")[0]
    assert "<" not in data and ">" not in data and "\u2028" not in data
    parsed = json.loads(data)
    assert parsed["rows"][0]["id"] == "x</script><script>alert(1)</script>"
    assert "Content-Security-Policy" in page and "http" not in page.split("<body>")[0].replace("http-equiv", "")


def test_report_command_from_batch_results(tmp_path):
    from notecoder.batch import run_batch

    source = tmp_path / "notes.jsonl"
    source.write_text("".join(json.dumps({"id": k, "text": v}) + "\n" for k, v in sample_notes().items()), "utf-8")
    run_batch(source, tmp_path / "results.jsonl", include_text=True)
    assert write_report(tmp_path / "results.jsonl", tmp_path / "report.html").notes == len(sample_notes())
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Craniocervical junction dysfunction" in page and "S16.1XXA" in page
    run_batch(source, tmp_path / "bare.jsonl")  # no text: the export supplies it
    write_report(tmp_path / "bare.jsonl", tmp_path / "joined.html", notes=source)
    joined = (tmp_path / "joined.html").read_text(encoding="utf-8")
    views = json.loads(joined.split('id="nc-data">')[1].split("</script>")[0])["views"]
    assert sum('<pre class="nc-text">' in view for view in views) == len(sample_notes())


# skipped without Chromium; .ci/run installs it and sets NOTECODER_REQUIRE=browser, which fails such a skip
needs_browser = pytest.mark.browser


def browser(*args: str, profile: Path) -> str:
    assert CHROMIUM is not None, "CI must install Debian's chromium (see .ci/run)"
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", *args]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout


@pytest.fixture
def hostile_report(tmp_path) -> Path:
    items = [ReportItem(name, text, notecoder.extract(text)) for name, text in sample_notes().items()]
    items.append(ReportItem("hostile", HOSTILE, notecoder.extract(HOSTILE)))
    items.append(ReportItem("failed", None, None, "row 9: column 'text' is empty"))
    path = tmp_path / "report.html"
    path.write_text(report_html(items), encoding="utf-8")
    return path


@needs_browser
def test_in_a_real_browser_no_script_from_a_note_runs(hostile_report, tmp_path):
    dom = browser(
        "--virtual-time-budget=5000", "--dump-dom", f"{hostile_report.as_uri()}#note=hostile", profile=tmp_path / "p"
    )
    body = dom.split("<body", 1)[1].split(">", 1)[0]
    assert "data-pwned" not in body  # neither the <script> nor the onerror ran
    assert "&lt;script&gt;document.body.setAttribute" in dom  # the note shows its markup as text
    assert "6 notes, 4 with a proposed M53 code, 1 failed rows" in dom
    assert dom.count('class="nc-row') == 6 and "nc-row nc-error" in dom


@needs_browser
def test_the_report_renders(hostile_report, tmp_path):
    shot = tmp_path / "report.png"
    browser("--window-size=1400,900", "--virtual-time-budget=5000", f"--screenshot={shot}", hostile_report.as_uri(),
            profile=tmp_path / "p")  # fmt: skip
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a page with content, not a blank one


@pytest.mark.slow
@needs_browser
def test_a_five_thousand_note_report_stays_usable(tmp_path):
    result = notecoder.extract(sample_notes()["lumbar"])
    text = sample_notes()["lumbar"]
    page = report_html(ReportItem(f"note-{i}", text, result) for i in range(5000))
    path = tmp_path / "big.html"
    path.write_text(page, encoding="utf-8")
    assert len(page) < 60_000_000
    dom = browser(
        "--virtual-time-budget=20000", "--dump-dom", f"{path.as_uri()}#note=note-4321", profile=tmp_path / "p"
    )
    assert "5000 notes" in dom and "5000 shown" in dom
    assert dom.count('class="nc-row') == 100  # one page of rows at a time
    assert "Lumbar facet syndrome" in dom  # the note asked for in the address is open


def test_a_note_is_shown_only_when_it_is_the_text_that_was_coded(tmp_path):
    from typer.testing import CliRunner

    from notecoder.batch import run_batch
    from notecoder.cli import app

    other = "Ignatius Farquharson-Delacroix: well visit, no complaints."  # another patient's note, no findings
    export = tmp_path / "notes.csv"
    export.write_text("id,text\na,Well visit. No complaints.\nb,Assessment: C5-6 facet syndrome.\n", encoding="utf-8")
    results = tmp_path / "results.jsonl"
    run_batch(export, results)
    assert not json.loads(results.read_text(encoding="utf-8").splitlines()[0])["result"]["findings"]
    newer = tmp_path / "newer.csv"  # the export moved on: row a is someone else's note now
    newer.write_text(f"id,text\na,{other}\nb,Assessment: C5-6 facet syndrome.\n", encoding="utf-8")
    report = tmp_path / "report.html"
    out = CliRunner().invoke(app, ["report", str(results), "-o", str(report), "--notes", str(newer)])
    assert out.exit_code == 0, out.output
    said = " ".join(out.output.split())
    assert "1 notes shown without their text, their text in --notes is not the text they were coded from: a" in said
    assert "Farquharson" not in said
    page = report.read_text(encoding="utf-8")
    assert "Farquharson" not in page and "not the text this note was coded from" in page
    assert "C5-6 facet syndrome" in page  # b is the text it was coded from: shown


def test_results_without_text_hashes_cannot_vouch_for_notes(tmp_path):
    from typer.testing import CliRunner

    from notecoder.cli import app

    export = tmp_path / "notes.csv"
    export.write_text("id,text\na,Dx: LBP x 3 months.\n", encoding="utf-8")
    results = tmp_path / "results.jsonl"
    record = {
        "row": 1,
        "id": "a",
        "status": "ok",
        "result": json.loads(notecoder.extract("Dx: LBP.").model_dump_json()),
    }
    results.write_text(json.dumps(record) + "\n", encoding="utf-8")  # written before results carried a hash
    out = CliRunner().invoke(app, ["report", str(results), "-o", str(tmp_path / "r.html"), "--notes", str(export)])
    assert out.exit_code == 0 and "no hash of their text to check --notes against" in " ".join(out.output.split())
    assert "x 3 months" not in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_text_kept_in_the_results_is_checked_against_its_hash(tmp_path):
    from notecoder.batch import run_batch

    export = tmp_path / "notes.csv"
    export.write_text("id,text\na,Well visit. No complaints.\nb,Dx: LBP x 3 months.\n", encoding="utf-8")
    results = tmp_path / "results.jsonl"
    run_batch(export, results, include_text=True)
    lines = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    lines[0]["text"] = "Tampered with: someone else's note."
    results.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    summary = write_report(results, tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert summary.differs == ("a",) and "Tampered" not in page and "x 3 months" in page


@needs_browser
def test_the_decisions_export_writes_formulas_as_text_by_the_batch_rule(tmp_path):
    import csv
    import io

    playwright = pytest.importorskip("playwright.sync_api")
    note_id = "=cmd|' /C calc'!A0"
    text = "Assessment: cervical facet syndrome C5-6."
    path = tmp_path / "report.html"
    path.write_text(report_html([ReportItem(note_id, text, notecoder.extract(text))]), encoding="utf-8")
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = chromium.new_context(accept_downloads=True).new_page()
        page.goto(path.as_uri())
        page.click("#nc-rows tr")
        page.fill("#nc-reviewer", "coder-7")
        page.locator('[data-item="code:M53.82"] [data-action="accept"]').click()
        with page.expect_download() as got:
            page.click("#nc-export-csv")
        exported = Path(got.value.path()).read_text(encoding="utf-8")
        chromium.close()
    assert next(csv.DictReader(io.StringIO(exported)))["note_id"] == "'" + note_id


def test_a_report_row_s_confidence_is_its_codes_not_a_lower_alternative_s():
    result = notecoder.extract("A: Segmental instability C4-5 with C5 radiculopathy; deltoid 4/5, biceps reflex 1+.")
    assert result.codes and result.alternatives
    doubtful = result.model_copy(update={"alternatives": tuple(a.model_copy(update={"confidence": 0.05})
                                                               for a in result.alternatives)})  # fmt: skip
    page = report_html([ReportItem("n1", None, doubtful)])
    data = json.loads(re.search(r'id="nc-data">(.*?)</script>', page).group(1))
    assert data["rows"][0]["confidence"] == min(c.confidence for c in result.codes)


def test_the_review_view_lists_each_procedure_s_items_with_the_words_escaped():
    text = "PROCEDURE: Left L4-5 facet joint injection. Ultrasound guidance <b>used</b>."
    page = note_html(text, notecoder.extract(text))
    assert "facet diagnostic block · performed · L4-L5</b> (L38765)" in page
    assert '<b>contradicted</b> Fluoroscopic or CT guidance (not ultrasound) <i class="nc-unverified">' in page
    assert "\u201cUltrasound\u201d" in page and "<b>used</b>" not in page
