"""The worklist page. It carries no note and no decision: it asks for the coder's token and fetches everything from
the API (so the page itself is not PHI, and the browser's cache holds none). The same stylesheet and the same note
view as the review report."""

from importlib.resources import files

from notecoder.batch.csv_cells import FORMULA_START
from notecoder.review.html import page_tables as review_tables
from notecoder.review.html import shared_script, stylesheet
from notecoder.worklist.policy import policy

CSP = ("default-src 'none'; connect-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")  # fmt: skip
HELP = (("j / k", "next / previous note"), ("n / p", "next / previous item of the note"), ("a", "accept the item"),
        ("r", "reject the item (first reason; change it in the list)"), ("u", "undo the item's decision"),
        ("?", "this help"), ("Esc", "close it"))  # fmt: skip


def page_tables() -> dict:
    """What the page needs besides the queue: code titles (a change is checked against them), each gap's answers,
    the reasons, query answers and outcomes of the policy, and the CSV formula rule."""
    tables = review_tables()
    return {"tabular": tables["tabular"], "gap_answers": tables["answers"], "reasons": list(policy().reasons),
            "answers": policy().answers, "outcomes": policy().outcomes, "formula": FORMULA_START}  # fmt: skip


def page_html() -> str:
    here = files(__package__)
    script = shared_script() + here.joinpath("worklist.js").read_text(encoding="utf-8")
    style = stylesheet() + here.joinpath("worklist.css").read_text(encoding="utf-8")
    keys = "".join(f"<li><kbd>{key}</kbd> {what}</li>" for key, what in HELP)
    columns = (("id", "id"), ("confidence", "confidence"), ("codes", "codes"), ("alternatives", "alternatives"),
               ("gaps", "gaps"), ("undecided", "to decide"), ("open_queries", "queries"))  # fmt: skip
    heads = "".join(f'<th data-sort="{key}" scope="col">{name}</th>' for key, name in columns)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>notecoder worklist</title>'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}"><meta name="referrer" content="no-referrer">'
        f'<style>{style}</style></head><body class="nc-report nc-worklist"><h1>notecoder worklist</h1>'
        '<form id="wl-login" hidden><label>Your worklist token <input id="wl-token" type="password" '
        'autocomplete="off"></label> <button type="submit">Sign in</button> <span id="wl-login-problem" '
        'class="nc-problem"></span></form>'
        '<div id="wl-app" hidden><div id="wl-bar"><span id="wl-who"></span><span id="wl-counts"></span>'
        '<span id="nc-count"></span><button id="wl-export" type="button" hidden>Export decisions (CSV)</button>'
        '<button id="wl-signout" type="button">Sign out</button> <small>press ? for keys</small></div>'
        '<div id="nc-notice" role="status"></div>'
        f'<div id="nc-layout"><div id="nc-list"><table><thead><tr>{heads}</tr></thead><tbody id="nc-rows"></tbody>'
        '</table></div><div><div id="nc-decisions"></div><div id="nc-detail"></div></div></div>'
        f'<div id="wl-help" hidden><b>Keys</b><ul>{keys}</ul></div></div>'
        '<div id="nc-query-sheet" hidden></div>'
        f"<script>{script}</script></body></html>"
    )
