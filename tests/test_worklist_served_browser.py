"""The served worklist as a team works it, in the Chromium CI installs, driven by Playwright against a real server:
two coders in two browsers on one note (the second write is refused and shown, nothing is lost), keyboard-only
review of 20 notes, a physician query issued, answered and closed, sorting and filtering, and hostile note text
inert. On SQLite; the same server code runs on PostgreSQL in tests/test_worklist.py."""

import re
import threading
import time
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy.orm import Session

from notecoder.worklist.api import mount
from notecoder.worklist.database import engine_for, migrate
from notecoder.worklist.imports import import_results
from notecoder.worklist.users import add_user
from tests.required import CHROMIUM
from tests.test_review import HOSTILE
from tests.test_service_attacks import free_port
from tests.worklist_db import NOTES, write_results

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LEVELS = ["C1-2", "C2-3", "C3-4", "C4-5", "C5-6", "C6-7", "T3-4", "T6-7", "T11-12", "L1-2", "L2-3", "L3-4", "L4-5", "L5-S1"]
# twenty notes for a keyboard morning: the six notes, and instability notes dictated at other levels
MORNING = {**NOTES, "hostile": HOSTILE, **{
    f"dict-{n:02d}": f"IMPRESSION: Segmental instability {level} on flexion-extension views, chronic, failed PT. "
    "Neuro exam normal." for n, level in enumerate(LEVELS)}}  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("served")
    engine = engine_for(f"sqlite:///{folder / 'team.db'}")
    migrate(engine)
    with Session(engine) as session:
        import_results(session, write_results(folder, MORNING, include_text=True), actor="cli:test", keep_text=True)
        tokens = {name: add_user(session, name, role, "cli:test") for name, role in
                  (("alice", "coder"), ("bob", "coder"), ("cora", "cdi"))}  # fmt: skip
    app = FastAPI()
    mount(app, engine)
    port = free_port()
    served = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not served.started:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    yield base, tokens
    served.should_exit = True
    thread.join(30)


@pytest.fixture(scope="module")
def chromium():
    assert CHROMIUM is not None, "CI must install Debian's chromium (see .ci/run)"
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@contextmanager
def signed_in(chromium, server, name: str, address: str = ""):
    base, tokens = server
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script("window.print = function () { window.__printed = true; };")
    page = context.new_page()
    page.goto(f"{base}/worklist/{address}")
    page.fill("#wl-token", tokens[name])
    page.press("#wl-token", "Enter")
    page.wait_for_selector("#nc-rows tr")
    page.wait_for_selector("#nc-decisions .nc-decision")
    yield page
    context.close()


def expect(locator):
    return pytest.importorskip("playwright.sync_api").expect(locator)


def item(page, key: str):
    return page.locator(f'#nc-decisions .nc-decision[data-item="{key}"]')


def state(page, key: str) -> str:
    return item(page, key).locator(".nc-state").inner_text()


def api(server, name: str, method: str, path: str, **options) -> httpx.Response:
    base, tokens = server
    headers = {"Authorization": f"Bearer {tokens[name]}"}
    return httpx.request(method, f"{base}/worklist/api/{path}", headers=headers, timeout=30, **options)


def test_a_wrong_token_is_refused_and_the_page_holds_no_note_before_sign_in(chromium, server):
    base, _ = server
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"{base}/worklist/")
    assert page.is_visible("#wl-login") and not page.is_visible("#wl-app")
    assert "enc-1001" not in page.content() and "ladder" not in page.content()
    page.fill("#wl-token", "not-a-token")
    page.press("#wl-token", "Enter")
    expect(page.locator("#wl-login-problem")).to_contain_text("not accepted")
    assert not page.is_visible("#wl-app")
    context.close()


def test_two_coders_on_one_note_never_lose_an_update(chromium, server):
    with signed_in(chromium, server, "alice", "#note=enc-1006") as alice, \
            signed_in(chromium, server, "bob", "#note=enc-1006") as bob:  # fmt: skip
        assert state(alice, "code:M53.3") == state(bob, "code:M53.3") == "undecided"
        item(alice, "code:M53.3").locator('[data-action="accept"]').click()
        expect(item(alice, "code:M53.3").locator(".nc-state")).to_have_text(re.compile("^accepted by alice"))
        item(bob, "code:M53.3").locator('[data-action="reject"]').click()  # bob's page still shows version 0
        expect(bob.locator("#nc-notice")).to_contain_text("changed by alice")
        # reloaded: bob now sees alice's decision, and decides over it knowingly
        expect(item(bob, "code:M53.3").locator(".nc-state")).to_have_text(re.compile("^accepted by alice"))
        item(bob, "code:M53.3").locator('[data-action="reject"]').click()
        expect(item(bob, "code:M53.3").locator(".nc-state")).to_have_text(re.compile("^rejected .* by bob"))
    note = api(server, "cora", "GET", "note", params={"id": "enc-1006"}).json()
    final = next(i for i in note["items"] if i["key"] == "M53.3")
    assert (final["decision"], final["by"], final["version"]) == ("rejected", "bob", 2)
    trail = [d for d in api(server, "cora", "GET", "decisions").json() if d["note_id"] == "enc-1006"]
    assert [(d["code"], d["decision"], d["reviewer"]) for d in trail if d["item"] == "code"] == [
        ("M53.3", "rejected", "bob")]  # fmt: skip


def test_twenty_notes_reviewed_with_the_keyboard_alone(chromium, server):
    with signed_in(chromium, server, "alice") as page:
        page.click("#wl-counts [data-filter='undecided']")
        page.keyboard.press("Escape")
        page.evaluate("document.activeElement.blur()")
        reviewed = set()
        undecided = page.locator("#nc-decisions .nc-state", has_text=re.compile("^undecided$"))
        shown = page.locator("#nc-rows tr").count()
        for n in range(shown):
            current = page.get_attribute("#nc-rows tr.nc-selected", "data-id")
            expect(page.locator("#nc-decisions")).to_have_attribute("data-note", current)
            while (left := undecided.count()) > 0:
                page.keyboard.press("a")
                expect(undecided).to_have_count(left - 1)
            reviewed.add(current)
            if n < shown - 1:
                page.keyboard.press("j")
                expect(page.locator("#nc-rows tr.nc-selected")).not_to_have_attribute("data-id", current)
        page.keyboard.press("?")
        assert page.is_visible("#wl-help") and "accept the item" in page.inner_text("#wl-help")
    assert len(reviewed) >= 20
    queue = api(server, "alice", "GET", "queue").json()
    assert queue["counts"]["undecided"] == 0, [r for r in queue["rows"] if r["undecided"]]
    assert queue["counts"]["mine"] >= 20


def test_a_query_is_issued_answered_and_closed_and_a_rejected_gap_is_never_queried(chromium, server):
    with signed_in(chromium, server, "cora", "#note=enc-1005") as page:
        gaps = page.locator("#nc-decisions .nc-decision[data-item^='gap:']")
        assert gaps.count() == 3
        rejected = "gap:conservative-care-not-documented:M53.2X6"
        item(page, rejected).locator('[data-action="reject"]').click()
        expect(item(page, rejected).locator(".nc-state")).to_have_text(re.compile("^rejected"))
        assert item(page, rejected).locator('[data-action="query"]').count() == 0
        page.click("#nc-query-button")
        sheet = page.inner_text("#nc-query-sheet")
        assert page.evaluate("window.__printed") and "Documentation query" in sheet
        assert page.locator("#nc-query-sheet [data-gap]").count() == 2  # the rejected gap is not printed
        asked = "gap:imaging-not-documented:M53.2X6"
        item(page, asked).locator('[data-role="physician"]').fill("Dr. Okafor")
        item(page, asked).locator('[data-action="query"]').click()
        page.wait_for_selector(".wl-query")
        assert "To Dr. Okafor, issued by cora" in page.inner_text(".wl-query")
        page.select_option(".wl-query [data-role='answer']", "agree")
        page.click(".wl-query [data-action='answer']")
        page.wait_for_selector(".wl-query [data-role='outcome']")
        page.select_option(".wl-query [data-role='outcome']", "documented")
        page.click(".wl-query [data-action='close']")
        expect(page.locator(".wl-query").first).to_contain_text("closed (agree), documented")
    figures = api(server, "cora", "GET", "stats").json()["queries"]
    assert (figures["issued"], figures["closed"], figures["agreement_rate"]) == (1, 1, 1.0)


def test_the_queue_sorts_on_a_header_and_hostile_text_stays_inert(chromium, server):
    with signed_in(chromium, server, "cora", "#note=hostile") as page:
        page.click("#nc-list th[data-sort='id']")
        ids = page.eval_on_selector_all("#nc-rows tr", "rows => rows.map(r => r.dataset.id)")
        assert ids == sorted(ids) and "sort=id" in page.url
        page.click("#nc-list th[data-sort='id']")
        assert page.eval_on_selector_all("#nc-rows tr", "rows => rows.map(r => r.dataset.id)") == sorted(ids)[::-1]
        page.click("#wl-counts [data-filter='queries']")
        assert page.locator("#nc-rows tr").count() == 0 or "show=queries" in page.url
        assert page.evaluate("document.body.getAttribute('data-pwned')") is None
        assert page.locator("#nc-detail script").count() == 0
