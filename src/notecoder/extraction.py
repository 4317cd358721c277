"""`extract(text)`: the library's front door, and the `Coder` behind it.

A `Coder` holds everything coding a note needs in one process: the spaCy pipeline (built on first use, rebuilt
after `recycle_after` notes and when discarded), the mapper and the confidence model. `extract()` codes with the
process's default coder; a batch worker, a service extraction process and a Spark executor each code through the
coder they are handed (by default that same one), and nothing else keeps coding state in a module."""

import gc
from functools import cache

from spacy.language import Language

from notecoder.mapper import ASSESSMENT_SECTIONS, TREATING_SECTIONS, Mapper, default_mapper
from notecoder.pipeline import MAX_NOTE_CHARS, RECYCLE_AFTER, load
from notecoder.procedures.claim import Claim, check_claim
from notecoder.procedures.criteria import check_procedures
from notecoder.result import NoteResult, Setting
from notecoder.scoring import ConfidenceModel, score
from notecoder.sections import assessed, treats


def check_length(text: str) -> None:
    """A note longer than notecoder reads is refused before any work (ValueError naming both lengths)."""
    if len(text) > MAX_NOTE_CHARS:
        raise ValueError(f"note is {len(text):,} characters; notecoder reads at most {MAX_NOTE_CHARS:,}")


class Coder:
    """Codes notes: `extract(text, setting)`. `model`: the confidence model (None: the bundled one, or the folder
    `NOTECODER_MODEL` names when a note is scored); `mapper`: the code mapper (None: the package's rules);
    `recycle_after`: notes coded with one pipeline before it is rebuilt (`pipeline.RECYCLE_AFTER`)."""

    def __init__(
        self,
        *,
        model: ConfidenceModel | None = None,
        mapper: Mapper | None = None,
        recycle_after: int = RECYCLE_AFTER,
    ) -> None:
        self.model = model
        self.mapper = mapper or default_mapper()
        self.recycle_after = recycle_after
        self._nlp: Language | None = None
        self._coded = 0

    def pipeline(self) -> Language:
        """The pipeline the next note is coded with: built now when there is none, or when the one there has coded
        `recycle_after` notes (spaCy keeps every new string, an MRN or a date, in its vocabulary for good)."""
        if self._nlp is not None and self._coded >= self.recycle_after:
            self._nlp = None
            gc.collect()  # the old pipeline's objects hold reference cycles: free them now, not at some later pass
        if self._nlp is None:
            self._nlp = load()
            self._coded = 0
        return self._nlp

    def discard(self) -> None:
        """Drop the pipeline (a note interrupted mid-stage may have left it half-way): the next note builds one."""
        self._nlp = None

    def warm(self) -> None:
        """Build the pipeline now (a worker's start), not on its first note."""
        self.pipeline()

    def extract(self, text: str, setting: Setting | str = Setting.OUTPATIENT, claim: Claim | None = None) -> NoteResult:
        """Findings, codes, alternatives and gaps of one note, each proposal with its confidence; with a `claim`
        (procedure codes, jurisdiction, date of service), what the note makes of it."""
        result = self.extract_rules(text, setting, claim)
        return score(result, len(text), self.model).with_text(text)

    def extract_rules(
        self, text: str, setting: Setting | str = Setting.OUTPATIENT, claim: Claim | None = None
    ) -> NoteResult:
        """What the rules alone propose, without confidence: what the confidence model is trained on."""
        if not isinstance(text, str):
            raise TypeError(f"extract() takes the note as str, not {type(text).__name__}")
        text = str(text)  # a str subclass (numpy.str_, a pandas cell) is read as the plain string it holds
        try:
            setting = Setting(setting)
        except ValueError:
            choices = ", ".join(s.value for s in Setting)
            raise ValueError(f"setting must be one of {choices}, not {setting!r}") from None
        if claim is not None and not isinstance(claim, Claim):
            raise TypeError(f"claim must be a notecoder.procedures.claim.Claim, not {type(claim).__name__}")
        if not text.strip():
            return NoteResult(setting=setting, claim=check_claim(claim, ()) if claim else None).with_text(text)
        check_length(text)
        nlp = self.pipeline()
        self._coded += 1
        doc = nlp(text)
        findings = doc._.notecoder_findings
        proposal = self.mapper.propose(
            findings,
            setting.value,
            assessed=assessed(doc, ASSESSMENT_SECTIONS),
            treated=treats(doc, TREATING_SECTIONS),
        )
        result = NoteResult(
            setting=setting,
            findings=findings,
            codes=proposal.codes,
            alternatives=proposal.alternatives,
            gaps=proposal.gaps,
        )
        procedures = check_procedures(text, result, claim.date_of_service if claim else None)
        if procedures or claim:
            claimed = check_claim(claim, procedures) if claim else None
            result = result.model_copy(update={"procedures": procedures, "claim": claimed})
        return result.with_text(text)


@cache
def default_coder() -> Coder:
    """The process's coder, which `extract()` and, unless handed another, batch rows, the service and Spark use."""
    return Coder()


def extract(text: str, setting: Setting | str = Setting.OUTPATIENT, claim: Claim | None = None) -> NoteResult:
    """Findings, codes, alternatives and gaps of one note, each proposal with its confidence.

    `setting` is the encounter's: "outpatient" (default) codes an uncertain diagnosis as its symptoms, "inpatient"
    (a discharge summary of an admission) codes one still documented in the discharge diagnoses as established.
    `claim` (`CodeMap.read(path).claim(codes, jurisdiction, date_of_service)`): the procedure codes billed or
    requested with the note, read against the procedures it names, and the jurisdiction and date of service."""
    return default_coder().extract(text, setting, claim)


def extract_rules(text: str, setting: Setting | str = Setting.OUTPATIENT) -> NoteResult:
    """What the rules alone propose, without confidence: what the confidence model is trained on."""
    return default_coder().extract_rules(text, setting)
