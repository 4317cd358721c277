"""Stance classes (`rules.json`): which ConText cue categories make a diagnosis rejected, resolved, uncertain,
referral-only..., in which order one class wins over another, and the assertion each class gives the finding.

A new wording of a class is one ConText rule of one of its categories (context/rules.json), never a code path: the
class, its assertion and its place in the order are decided here once."""

from pydantic import model_validator

from notecoder.result import Assertion, AssertionCause, FindingKind, Stance
from notecoder.rules_file import RulesFile, RulesModel, read_rules


class StanceClass(RulesModel):
    stance: Stance
    assertion: Assertion
    categories: tuple[str, ...]
    """ConText categories whose cues put a mention in this class."""
    model_concepts: frozenset[str] | None = None
    """The concepts the stance model may put in this class, when not all: it reads words, not what a condition is."""
    about: str = ""


class ModelSkips(RulesModel):
    concepts: frozenset[str] = frozenset()
    """Concepts the stance model does not read (symptoms: their stance is the cues' alone)."""
    about: str = ""


class StanceRules(RulesFile):
    classes: tuple[StanceClass, ...]
    """In precedence order: a mention with cues of two classes takes the first."""
    sections: dict[str, Stance] = {}
    """The stance a section's title lends the diagnoses under it ("Records reviewed:" is someone else's, "Referral
    dx:" the referral's)."""
    kinds: frozenset[FindingKind]
    """The finding kinds that are diagnosis mentions and get a stance."""
    model_skips: ModelSkips = ModelSkips()

    @model_validator(mode="after")
    def _categories_are_in_one_class(self) -> "StanceRules":
        seen: dict[str, Stance] = {}
        for cls in self.classes:
            for category in cls.categories:
                if category in seen:
                    raise ValueError(f"category {category!r} is in both {seen[category]!r} and {cls.stance!r}")
                seen[category] = cls.stance
        return self

    def by_category(self) -> dict[str, StanceClass]:
        return {category: cls for cls in self.classes for category in cls.categories}

    def context_attributes(self) -> dict[str, dict[str, bool]]:
        """ConText's span flags (`is_negated`...) for every category of a class, as medSpaCy sets them for its
        own: a host reading `span._.is_negated` sees a rejected or resolved diagnosis as negated too."""
        return {category: {_FLAGS[cls.assertion]: True} for cls in self.classes for category in cls.categories}

    def stance(
        self, kind: FindingKind, assertion: Assertion, cause: AssertionCause | None, section: str | None = None
    ) -> Stance | None:
        """The stance of a finding whose assertion and cause are settled: its cue's class, or its section's, or
        the class its assertion names first."""
        if kind not in self.kinds:
            return None
        if cause is None and assertion == Assertion.PRESENT and section in self.sections:
            return self.sections[section]  # "Referral dx:" lends no assertion: the mapper decides its adoption
        if cause is not None:
            if cause.source == "section" and cause.rule in self.sections:
                return self.sections[cause.rule]
            category = cause.category
            for cls in self.classes:
                if category in cls.categories and cls.assertion == assertion:
                    return cls.stance
        return _DEFAULTS.get(assertion, Stance.ASSERTED) if assertion != Assertion.PRESENT else Stance.ASSERTED


_FLAGS = {
    Assertion.NEGATED: "is_negated",
    Assertion.POSSIBLE: "is_uncertain",
    Assertion.HISTORICAL: "is_historical",
    Assertion.HYPOTHETICAL: "is_hypothetical",
    Assertion.FAMILY: "is_family",
}

_DEFAULTS = {
    Assertion.NEGATED: Stance.REJECTED,
    Assertion.POSSIBLE: Stance.UNCERTAIN,
    Assertion.HYPOTHETICAL: Stance.HYPOTHETICAL,
    Assertion.HISTORICAL: Stance.HISTORICAL,
    Assertion.FAMILY: Stance.FAMILY,
}


def stance_rules(path: str | None = None) -> StanceRules:
    return read_rules(StanceRules, __package__, path)
