"""Batch: code every note of an export (CSV, JSONL, Parquet, a folder of text), recording failed rows, resumable."""

from notecoder.batch.runner import BatchSummary, CodedRow, code_row, outcome, run_batch, terminal_progress

__all__ = ["BatchSummary", "CodedRow", "code_row", "outcome", "run_batch", "terminal_progress"]
