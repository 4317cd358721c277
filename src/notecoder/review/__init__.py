"""Review: a note with its evidence highlighted (notebooks) and a self-contained HTML report of a batch."""

from notecoder.review.html import KINDS, TAGS, ReportItem, note_html, report_html, sample_notes, stylesheet

__all__ = ["KINDS", "TAGS", "ReportItem", "note_html", "report_html", "sample_notes", "stylesheet"]
