"""CSV a spreadsheet opens as text: one rule for every CSV notecoder writes (the batch's flat view, `convert`, and,
shipped in the page, the review report's decisions export). Ids, titles and evidence come from notes and exports,
so any cell may start like a formula ("=cmd|' /C calc'!A0", "+HYPERLINK(...)", "@SUM(...)", "-2+3")."""

import csv
from collections.abc import Iterable
from typing import TextIO

FORMULA_START = "=+-@\t\r"
"""A cell starting with one of these is read as a formula by Excel, LibreOffice or Sheets (OWASP, CSV injection);
such a cell is written after a quote ("'=1+2"), which the spreadsheet shows and never runs."""


def cell(value: object) -> str:
    """The value as a CSV cell that cannot run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text and text[0] in FORMULA_START else text


def write_rows(handle: TextIO, columns: Iterable[str], rows: Iterable[dict]) -> None:
    """A header and one line per row (missing columns empty), every cell neutralized."""
    names = list(columns)
    writer = csv.writer(handle)
    writer.writerow(names)
    writer.writerows([cell(row.get(name)) for name in names] for row in rows)
