"""The annotated corpus: notes with their gold spans, codes, alternatives and gaps, in JSONL per split."""

from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator

from notecoder.result import Assertion, FindingKind, Setting

SPLITS = ("train", "dev", "test")


class GoldSpan(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    start: int
    end: int
    kind: FindingKind
    assertion: Assertion = Assertion.PRESENT
    text: str


class GoldNote(BaseModel):
    """One annotated note (corpora/README.md says how each field is judged)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    split: str
    source: str
    style: str
    setting: Setting = Setting.OUTPATIENT
    text: str
    codes: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()
    gaps: tuple[str, ...] = ()
    spans: tuple[GoldSpan, ...] = ()
    spans_annotated: bool = True
    """False for notes annotated for codes, alternatives and gaps only: their spans are not scored."""

    @model_validator(mode="after")
    def _spans_match_text(self) -> "GoldNote":
        if self.split not in SPLITS:
            raise ValueError(f"note {self.id}: split must be one of {SPLITS}")
        for span in self.spans:
            if self.text[span.start : span.end] != span.text:
                raise ValueError(f"note {self.id}: span {span.start}:{span.end} is not {span.text!r}")
        return self


def read_corpus(path: Path, split: str | None = None) -> list[GoldNote]:
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    notes = []
    for file in files:
        with file.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        notes.append(GoldNote.model_validate_json(line))
                    except ValueError as error:
                        raise ValueError(f"{file.name} line {number}: {error}") from None
    return [n for n in notes if split is None or n.split == split]
