"""The stance model as plain numbers in JSON: a multinomial logistic regression over the words around a mention
(`features.py`), one weight per stance class for each feature it kept, checked against its checksum when loaded.

The cue classes decide first; the model reads only the diagnosis mentions they leave asserted, and takes one away
from asserted only when the probability of asserted falls below `threshold` (chosen when it was trained so that few
asserted mentions of its held-out folds are lost)."""

import math
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from notecoder import model_files
from notecoder.result import Stance

MODEL_NAME = "stance"


class StanceModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    format: int = 1
    name: str = MODEL_NAME
    classes: tuple[Stance, ...]
    intercepts: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    """Feature name -> its weight for each class, in `classes` order."""
    threshold: float
    """A mention is read as not asserted when its probability of asserted is below this."""
    min_probability: float = 0.0
    """...and the class it reads is at least this likely: words that only make asserted unlikely name no stance."""
    min_cue: float = 0.0
    """...and some word weighs at least this much (log-odds) toward the class against asserted: a reading needs words
    to show the coder, not only the prior of snippets written to be hard."""
    trained_on: dict[str, str | int | float]

    _finite = field_validator("intercepts", "threshold")(model_files.finite)

    @model_validator(mode="after")
    def _one_weight_per_class(self) -> "StanceModel":
        if Stance.ASSERTED not in self.classes:
            raise ValueError("the model has no asserted class")
        width = len(self.classes)
        if len(self.intercepts) != width:
            raise ValueError(f"{len(self.intercepts)} intercepts for {width} classes")
        for name, row in self.weights.items():
            if len(row) != width or not all(math.isfinite(w) for w in row):
                raise ValueError(f"feature {name!r} needs {width} finite weights")
        return self

    def probabilities(self, features: Mapping[str, object]) -> list[float]:
        scores = list(self.intercepts)
        for name in features:
            row = self.weights.get(name)
            if row is not None:
                for i, w in enumerate(row):
                    scores[i] += w
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]

    def reading(self, features: Mapping[str, tuple[int, int]]) -> tuple[float, Stance, float, tuple[int, int], float]:
        """What the words say, whatever the threshold: the probability of asserted, the likeliest other class and
        its probability, and the token span and weight (log-odds against asserted) of the feature that weighed most
        toward it (the cue a coder is shown)."""
        probabilities = self.probabilities(features)
        asserted, best = self._asserted_and_best(probabilities)
        cue, weight = self._cue(features, best, asserted)
        return probabilities[asserted], self.classes[best], probabilities[best], cue, weight

    def read(self, features: Mapping[str, tuple[int, int]]) -> tuple[Stance, float, tuple[int, int]] | None:
        """The stance the words give when it is not asserted: the class, its probability and the cue's span. Most
        mentions are asserted: they are settled before the cue is looked for."""
        probabilities = self.probabilities(features)
        asserted, best = self._asserted_and_best(probabilities)
        if probabilities[asserted] >= self.threshold or probabilities[best] < self.min_probability:
            return None
        cue, weight = self._cue(features, best, asserted)
        if weight < self.min_cue:
            return None
        return self.classes[best], probabilities[best], cue

    def _asserted_and_best(self, probabilities: list[float]) -> tuple[int, int]:
        asserted = self.classes.index(Stance.ASSERTED)
        return asserted, max((i for i in range(len(self.classes)) if i != asserted), key=probabilities.__getitem__)

    def _cue(self, features: Mapping[str, tuple[int, int]], best: int, asserted: int) -> tuple[tuple[int, int], float]:
        cue, weight = (0, 0), -math.inf
        for name, span in features.items():
            row = self.weights.get(name)
            if row is not None and row[best] - row[asserted] > weight:
                cue, weight = span, row[best] - row[asserted]
        return cue, weight
