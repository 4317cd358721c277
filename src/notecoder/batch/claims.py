"""A batch's claim columns: each row's procedure codes, date of service and jurisdiction, read into the `Claim` its
note is coded with. A bad cell is that row's error, naming the row and the column, never the cell (a date of service
is protected health information)."""

import re
from dataclasses import dataclass, replace
from datetime import date

from pydantic import ValidationError

from notecoder.batch.sources import NoteRow, RowError
from notecoder.procedures.claim import CodeMap, jurisdiction_id

CODE_SEPARATORS = re.compile(r"[;,|\s]+")


@dataclass(frozen=True)
class ClaimColumns:
    """Which columns hold what, and the map the codes are read through."""

    code_map: CodeMap
    codes: str | None = None
    date_of_service: str | None = None
    jurisdiction: str | None = None
    default_jurisdiction: str | None = None
    """The jurisdiction of every row whose own column is empty (`--jurisdiction`)."""

    def columns(self) -> tuple[str, ...]:
        return tuple(c for c in (self.codes, self.date_of_service, self.jurisdiction) if c)

    def fingerprint(self) -> dict:
        """What a resumed run must share with the run it carries on."""
        return {"codes_col": self.codes, "dos_col": self.date_of_service, "jurisdiction_col": self.jurisdiction,
                "jurisdiction": self.default_jurisdiction, "code_map": sorted(
                    (c.code, c.family, c.step) for c in self.code_map.entries.values())}  # fmt: skip

    def attach(self, item: NoteRow | RowError) -> NoteRow | RowError:
        """The row with its claim, or the error naming the row and the column that could not be read."""
        if not isinstance(item, NoteRow):
            return item
        cells = item.cells or {}

        def bad(column: str, what: str) -> RowError:
            return RowError(item.row, item.id, "ClaimError", f"row {item.row}: column {column!r} is not {what}")

        raw_codes = cells.get(self.codes) if self.codes else None
        if isinstance(raw_codes, list | tuple):
            codes = [str(c).strip() for c in raw_codes if str(c).strip()]
        elif raw_codes is None or isinstance(raw_codes, str):
            codes = [c for c in CODE_SEPARATORS.split(raw_codes or "") if c]
        else:
            return bad(str(self.codes), "a list of procedure codes")
        served = cells.get(self.date_of_service) if self.date_of_service else None
        if isinstance(served, str):
            try:
                served = date.fromisoformat(served.strip()[:10]) if served.strip() else None
            except ValueError:
                return bad(str(self.date_of_service), "a date (YYYY-MM-DD)")
        elif served is not None and not isinstance(served, date):
            return bad(str(self.date_of_service), "a date (YYYY-MM-DD)")
        where = cells.get(self.jurisdiction) if self.jurisdiction else None
        where = str(where).strip() if where not in (None, "") else self.default_jurisdiction
        try:
            where = jurisdiction_id(where) if where else None
        except ValueError:
            return bad(str(self.jurisdiction), "a Medicare A/B MAC jurisdiction")
        try:
            claim = self.code_map.claim(codes, where, served)
        except ValidationError:
            return bad(str(self.codes), "readable")
        return replace(item, claim=claim, cells=None)
