"""`extract(text)`: the library's front door."""

from notecoder.mapper import ASSESSMENT_SECTIONS, propose
from notecoder.pipeline import MAX_NOTE_CHARS, for_note
from notecoder.result import NoteResult, Setting
from notecoder.scoring import score
from notecoder.sections import assessed


def check_length(text: str) -> None:
    """A note longer than notecoder reads is refused before any work (ValueError naming both lengths)."""
    if len(text) > MAX_NOTE_CHARS:
        raise ValueError(f"note is {len(text):,} characters; notecoder reads at most {MAX_NOTE_CHARS:,}")


def extract(text: str, setting: Setting | str = Setting.OUTPATIENT) -> NoteResult:
    """Findings, codes, alternatives and gaps of one note, each proposal with its confidence.

    `setting` is the encounter's: "outpatient" (default) codes an uncertain diagnosis as its symptoms, "inpatient"
    (a discharge summary of an admission) codes one still documented in the discharge diagnoses as established."""
    result = extract_rules(text, setting)
    return score(result, len(text)).with_text(text)


def extract_rules(text: str, setting: Setting | str = Setting.OUTPATIENT) -> NoteResult:
    """What the rules alone propose, without confidence: what the confidence model is trained on."""
    if not isinstance(text, str):
        raise TypeError(f"extract() takes the note as str, not {type(text).__name__}")
    text = str(text)  # a str subclass (numpy.str_, a pandas cell) is read as the plain string it holds
    try:
        setting = Setting(setting)
    except ValueError:
        raise ValueError(f"setting must be one of {', '.join(s.value for s in Setting)}, not {setting!r}") from None
    if not text.strip():
        return NoteResult(setting=setting).with_text(text)
    check_length(text)
    doc = for_note()(text)
    findings = doc._.notecoder_findings
    proposal = propose(findings, setting.value, assessed=assessed(doc, ASSESSMENT_SECTIONS))
    result = NoteResult(
        setting=setting,
        findings=findings,
        codes=proposal.codes,
        alternatives=proposal.alternatives,
        gaps=proposal.gaps,
    )
    return result.with_text(text)
