"""`extract(text)`: the library's front door."""

from notecoder.mapper import propose
from notecoder.pipeline import MAX_NOTE_CHARS, shared
from notecoder.result import NoteResult
from notecoder.scoring import score


def extract(text: str) -> NoteResult:
    """Findings, codes, alternatives and gaps of one note, each proposal with its confidence."""
    result = extract_rules(text)
    return score(result, len(text)).with_text(text)


def extract_rules(text: str) -> NoteResult:
    """What the rules alone propose, without confidence: what the confidence model is trained on."""
    if not isinstance(text, str):
        raise TypeError(f"extract() takes the note as str, not {type(text).__name__}")
    if not text.strip():
        return NoteResult().with_text(text)
    if len(text) > MAX_NOTE_CHARS:
        raise ValueError(f"note is {len(text):,} characters; notecoder reads at most {MAX_NOTE_CHARS:,}")
    findings = shared()(text)._.findings
    proposal = propose(findings)
    result = NoteResult(findings=findings, codes=proposal.codes, alternatives=proposal.alternatives, gaps=proposal.gaps)
    return result.with_text(text)
