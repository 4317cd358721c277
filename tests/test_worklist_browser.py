"""The review report as a coder works it, in the real Chromium CI installs, driven by Playwright: the queue, the
filters kept in the address, accept / reject / change, decisions kept across reloads and exported, the physician
query, and hostile note text still inert after all of it."""

import csv
import io
import json
from pathlib import Path

import pytest

import notecoder
from notecoder.review import ReportItem, report_html
from tests.required import CHROMIUM
from tests.test_review import HOSTILE

# skipped without Chromium; .ci/run installs it and sets NOTECODER_REQUIRE=browser, which fails such a skip
pytestmark = pytest.mark.browser

NOTES = {
    "sure": "Assessment: cervical facet syndrome C5-6, chronic. MRI: C5-6 facet arthropathy. Failed PT.",
    "doubtful": "ED: fell from a ladder today. Dx: cervical spine fracture.",
    "pain-only": "Neck pain x 2 weeks.",
    "nothing": "Well visit. No complaints.",
    "hostile": HOSTILE,
}


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    items = [ReportItem(name, text, notecoder.extract(text)) for name, text in NOTES.items()]
    items.append(ReportItem("failed-row", None, None, "row 9: column 'text' is empty"))
    path = tmp_path_factory.mktemp("worklist") / "report.html"
    path.write_text(report_html(items), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def chromium():
    assert CHROMIUM is not None, "CI must install Debian's chromium (see .ci/run)"
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright  # a dev dependency
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
    context.add_init_script("window.print = function () { window.__printed = true; };")
    page = context.new_page()
    yield page
    context.close()


def ids(page) -> list[str]:
    return page.eval_on_selector_all("#nc-rows tr", "rows => rows.map(r => r.dataset.id)")


def test_the_queue_puts_the_doubtful_proposals_first(page, report):
    page.goto(report.as_uri())
    order = ids(page)
    assert order[0] == "doubtful"  # the least confident proposal
    assert order.index("sure") < order.index("nothing") and order[-1] == "failed-row"
    doubtful = notecoder.extract(NOTES["doubtful"])
    least = min(p.confidence for p in (*doubtful.codes, *doubtful.alternatives) if p.confidence is not None)
    assert page.inner_text("#nc-rows tr:first-child td:nth-child(2)") == f"{least:.2f}"
    assert page.evaluate("getComputedStyle(document.querySelector('td.nc-id')).whiteSpace") == "nowrap"


def test_filters_are_kept_in_the_address_and_survive_a_reload(page, report):
    page.goto(report.as_uri())
    page.check("#nc-has")
    assert set(ids(page)) == {"sure", "hostile"}  # notes with an M53 code
    page.select_option("#nc-gap", "neuro-exam-not-documented")
    page.select_option("#nc-band", "high")
    assert "has=1" in page.url and "gap=neuro-exam-not-documented" in page.url and "band=high" in page.url
    page.reload()
    assert page.is_checked("#nc-has") and page.input_value("#nc-band") == "high"
    assert set(ids(page)) <= {"sure", "hostile"} and ids(page)


def test_the_address_opens_a_note_and_says_when_it_is_not_there(page, report):
    page.goto(report.as_uri() + "#note=pain-only")
    assert "Neck pain x 2 weeks" in page.inner_text("#nc-detail")
    assert page.inner_text("#nc-notice") == ""
    page.goto(report.as_uri() + "#note=no-such-note")
    page.reload()
    assert "No note with the id \u201cno-such-note\u201d" in page.inner_text("#nc-notice")


def test_accept_reject_change_are_kept_and_exported(page, report, tmp_path):
    page.goto(report.as_uri() + "#note=sure")
    page.fill("#nc-reviewer", "coder-7")
    code = page.locator('[data-item="code:M53.82"]')
    code.locator('[data-action="accept"]').click()
    gap = page.locator('[data-item="gap:exclusions-not-documented:M53.82"]')
    gap.locator('[data-role="reason"]').select_option("documented elsewhere in the record")
    gap.locator('[data-action="reject"]').click()
    page.click('#nc-rows tr[data-id="pain-only"]')
    alternative = page.locator('[data-item="alternative:M54.2"]')
    alternative.locator("input").fill("Z99.99")
    alternative.locator('[data-action="change"]').click()
    assert "Z99.99 is not a code notecoder can propose" in alternative.inner_text()
    alternative.locator("input").fill("m53.82")
    alternative.locator('[data-action="change"]').click()
    assert "changed \u2192 M53.82" in page.locator('[data-item="alternative:M54.2"]').inner_text()

    page.reload()  # decisions live in the browser across reloads
    page.click('#nc-rows tr[data-id="sure"]')
    assert "accepted" in page.locator('[data-item="code:M53.82"]').inner_text()
    assert page.input_value("#nc-reviewer") == "coder-7"
    assert page.inner_text("#nc-decided") == "3 decisions"

    with page.expect_download() as got:
        page.click("#nc-export-csv")
    rows = list(csv.DictReader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8"))))
    assert [(r["note_id"], r["item"], r["code"], r["decision"], r["new_code"]) for r in rows] == [
        ("pain-only", "alternative", "M54.2", "changed", "M53.82"),
        ("sure", "code", "M53.82", "accepted", ""),
        ("sure", "gap", "M53.82", "rejected", ""),
    ]
    assert rows[2]["reason"] == "documented elsewhere in the record" and rows[2]["gap"] == "exclusions-not-documented"
    assert {r["reviewer"] for r in rows} == {"coder-7"} and all(r["time"] for r in rows)
    with page.expect_download() as got:
        page.click("#nc-export-json")
    exported = json.loads(Path(got.value.path()).read_text(encoding="utf-8"))
    assert len(exported) == 3
    assert "facet syndrome" not in json.dumps(exported).lower().replace("m53.82", "")  # no note text

    page.locator('[data-item="code:M53.82"]').get_by_text("Undo").click()
    assert page.inner_text("#nc-decided") == "2 decisions"


def test_a_decision_names_its_reviewer_and_a_rejected_gap_is_not_queried(page, report):
    page.goto(report.as_uri() + "#note=sure")
    code = page.locator('[data-item="code:M53.82"]')
    code.locator('[data-action="accept"]').click()  # no reviewer typed yet: nothing is recorded
    assert "Type your name as reviewer first" in page.inner_text("#nc-notice")
    assert "undecided" in code.inner_text() and page.inner_text("#nc-decided") == "0 decisions"
    page.fill("#nc-reviewer", "coder-9")
    page.locator('[data-item="gap:neuro-exam-not-documented:M53.82"] [data-action="reject"]').click()
    assert page.inner_text("#nc-notice") == "" and page.inner_text("#nc-decided") == "1 decisions"
    page.click("#nc-query-button")
    sheet = page.inner_text("#nc-query-sheet")
    assert "Other causes not addressed" in sheet and "Neurological exam not documented" not in sheet


def test_the_physician_query_quotes_the_note_and_offers_every_answer(page, report):
    page.goto(report.as_uri() + "#note=sure")
    page.click("#nc-query-button")
    assert page.evaluate("window.__printed") is True
    sheet = page.inner_text("#nc-query-sheet")
    assert "Clinical indicators in the record:" in sheet and "\u201ccervical facet syndrome\u201d" in sheet.lower()
    assert "Other (please specify)" in sheet and "Clinically undetermined" in sheet
    assert "neurological" in sheet.lower()


def test_hostile_note_text_stays_inert_through_the_worklist(page, report):
    page.goto(report.as_uri() + "#note=hostile")
    page.fill("#nc-reviewer", "coder-7")
    page.locator('[data-item="code:M53.82"] [data-action="accept"]').click()
    page.click("#nc-query-button")
    page.select_option("#nc-band", "high")
    assert page.get_attribute("body", "data-pwned") is None
    assert "<script>document.body" in page.inner_text("#nc-detail")  # shown as text


def test_a_five_thousand_note_worklist_renders(chromium, tmp_path):
    text = NOTES["sure"]
    result = notecoder.extract(text)
    path = tmp_path / "big.html"
    path.write_text(report_html(ReportItem(f"note-{i}", text, result) for i in range(5000)), encoding="utf-8")
    page = chromium.new_page(viewport={"width": 1400, "height": 900})
    page.goto(path.as_uri() + "#note=note-4321")
    assert page.inner_text("#nc-count") == "5000 shown" and len(ids(page)) == 100
    assert "note-4321" in ids(page)  # paged to the note asked for
    shot = page.screenshot(full_page=False)
    assert shot[:8] == b"\x89PNG\r\n\x1a\n" and len(shot) > 20_000
    page.close()
