"""Training the stance model: labelled snippets by outside writers (`corpora/stance/`) and the annotated corpus's
condition spans, read by the pipeline without its stance stage; fitted on all of them, its threshold chosen on
writers held out, and reported on the corpus's dev split, which it never sees. `notecoder train-stance` is the front
end."""

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from notecoder import model_files
from notecoder.evaluation import GoldNote
from notecoder.pipeline import load
from notecoder.result import Assertion, Stance
from notecoder.stance.component import unread_by_cues
from notecoder.stance.features import NEAR, Features, Mentions
from notecoder.stance.model import StanceModel
from notecoder.stance.rules import stance_rules

MAX_LOST = 0.02
"""The share of the held-out asserted mentions (those no cue reached) the threshold may take away."""
MIN_COUNT = 2
"""A feature seen fewer times in training is dropped: one writer's phrasing is not a class's."""
MIN_PROBABILITY = 0.35
"""The least probability of the class a reading names: words that only make asserted unlikely name no stance."""
MIN_CUE = 1.0
"""The least weight (log-odds) the words that decide a reading must carry toward its class against asserted."""
REGULARIZATION = 1.0
CORPUS = "corpus"
"""The writer of the annotated corpus's notes, held out as one."""
_FROM_ASSERTION = {
    Assertion.PRESENT: Stance.ASSERTED,
    Assertion.NEGATED: Stance.REJECTED,
    Assertion.POSSIBLE: Stance.UNCERTAIN,
    Assertion.HYPOTHETICAL: Stance.HYPOTHETICAL,
    Assertion.HISTORICAL: Stance.HISTORICAL,
    Assertion.FAMILY: Stance.FAMILY,
}
"""A corpus span's assertion as a stance: the corpus marks assertions, not the finer classes."""


class Snippet(BaseModel):
    """One labelled line of `corpora/stance/*/snippets.jsonl`: the stance of one mention in a short text."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    id: str
    text: str
    mention: str
    occurrence: int = 1
    stance: Stance
    writer: str = ""
    """The set the snippet came from (its folder): one writer's, held out together."""


@dataclass
class Mention:
    writer: str
    features: Features
    stance: Stance
    unread: bool
    """No cue class reached it: the mentions the model is used on."""


@dataclass
class Dataset:
    mentions: list[Mention] = field(default_factory=list)
    unmatched: int = 0
    """Labelled mentions the pipeline found no diagnosis in."""


def read_snippets(path: Path) -> list[Snippet]:
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                out.append(Snippet.model_validate_json(line).model_copy(update={"writer": path.parent.name}))
            except ValueError as error:
                raise ValueError(f"{path.name} line {number}: {error}") from None
    return out


def labelled_spans(snippet: Snippet) -> tuple[int, int]:
    at = -1
    for _ in range(snippet.occurrence):
        at = snippet.text.find(snippet.mention, at + 1)
        if at < 0:
            raise ValueError(f"snippet {snippet.id}: {snippet.mention!r} does not occur {snippet.occurrence} times")
    return at, at + len(snippet.mention)


def dataset(snippets: Sequence[Snippet], notes: Sequence[GoldNote]) -> Dataset:
    """One row per labelled mention the pipeline finds as a diagnosis: a snippet's mention, and each condition span
    of the corpus notes."""
    nlp = load(exclude=["notecoder_stance"])
    rules = stance_rules()
    kinds = rules.kinds
    data = Dataset()
    texts = [(s.writer, s.text, [(*labelled_spans(s), s.stance)]) for s in snippets]
    texts += [
        (CORPUS, n.text, [(g.start, g.end, _FROM_ASSERTION[g.assertion]) for g in n.spans if g.kind in kinds])
        for n in notes
    ]
    for writer, text, labels in texts:
        doc = nlp(text)
        findings = doc._.notecoder_findings
        mentions = Mentions(doc, findings, kinds)
        for start, end, stance in labels:
            overlaps = [(min(end, findings[i].end) - max(start, findings[i].start), i) for i in mentions.indices]
            overlap, i = max(overlaps, default=(0, -1))
            if overlap <= 0:
                data.unmatched += 1
                continue
            unread = unread_by_cues(findings[i], rules.model_skips.concepts)
            data.mentions.append(Mention(writer, mentions.features(i), stance, unread))
    return data


def fit(data: Dataset) -> tuple[DictVectorizer, LogisticRegression]:
    counts = Counter(name for m in data.mentions for name in m.features)
    rows = [{name: 1 for name in m.features if counts[name] >= MIN_COUNT} for m in data.mentions]
    vectorizer = DictVectorizer(sparse=True)
    matrix = vectorizer.fit_transform(rows)
    model = LogisticRegression(C=REGULARIZATION, max_iter=5000)
    model.fit(matrix, [m.stance.value for m in data.mentions])
    return vectorizer, model


def exported(vectorizer: DictVectorizer, model: LogisticRegression, threshold: float, trained_on: dict) -> StanceModel:
    classes = tuple(Stance(c) for c in model.classes_)
    coef = model.coef_ if len(classes) > 2 else np.vstack([-model.coef_[0] / 2, model.coef_[0] / 2])
    intercepts = model.intercept_ if len(classes) > 2 else np.array([-model.intercept_[0] / 2, model.intercept_[0] / 2])
    weights = {
        name: tuple(round(float(w), 5) for w in coef[:, j])
        for name, j in sorted(vectorizer.vocabulary_.items())
        if np.abs(coef[:, j]).max() >= 1e-4
    }
    return StanceModel(
        classes=classes,
        intercepts=tuple(round(float(b), 5) for b in intercepts),
        weights=weights,
        threshold=threshold,
        min_probability=MIN_PROBABILITY,
        min_cue=MIN_CUE,
        trained_on=trained_on,
    )


def held_out_threshold(data: Dataset) -> tuple[float, dict[str, int]]:
    """The highest threshold that takes away at most `MAX_LOST` of the unread asserted mentions, each read by a
    model that saw nothing by its writer (the model meets other hands' notes); with what it gives on the unread
    mentions."""
    unread = [i for i, m in enumerate(data.mentions) if m.unread]
    evidence: dict[int, tuple[float, bool]] = {}
    for writer in sorted({m.writer for m in data.mentions}):
        others = Dataset([m for m in data.mentions if m.writer != writer])
        model = exported(*fit(others), threshold=1.0, trained_on={})  # every reading with its evidence is taken
        for i in unread:
            if data.mentions[i].writer == writer:
                features = data.mentions[i].features
                evidence[i] = (model.reading(features)[0], model.read(features) is not None)
    labels = [m.stance for m in data.mentions]
    asserted = [i for i in unread if labels[i] == Stance.ASSERTED]
    readable = sorted(evidence[i][0] for i in asserted if evidence[i][1])
    allowed = int(MAX_LOST * len(asserted))
    threshold = round(float(readable[allowed]), 4) if allowed < len(readable) else 1.0
    read = {i: p < threshold and cue for i, (p, cue) in evidence.items()}
    return threshold, figures_of(read, labels, unread)


def figures_of(read: Mapping[int, bool], labels: Sequence[Stance], unread: Sequence[int]) -> dict[str, int]:
    asserted = [i for i in unread if labels[i] == Stance.ASSERTED]
    others = [i for i in unread if labels[i] != Stance.ASSERTED]
    return {
        "unread_asserted": len(asserted),
        "unread_asserted_lost": sum(read[i] for i in asserted),
        "unread_not_asserted": len(others),
        "unread_not_asserted_found": sum(read[i] for i in others),
    }


def evaluate(model: StanceModel, data: Dataset) -> dict[str, int]:
    """What the model does to mentions it never saw (the corpus's dev split), among those no cue reached."""
    unread = [i for i, m in enumerate(data.mentions) if m.unread]
    read = {i: model.read(data.mentions[i].features) is not None for i in unread}
    return figures_of(read, [m.stance for m in data.mentions], unread)


def train(snippet_files: Sequence[Path], notes: Sequence[GoldNote], held: Sequence[GoldNote], output: Path) -> dict:
    snippets = [s for path in snippet_files for s in read_snippets(path)]
    data = dataset(snippets, notes)
    threshold, folds = held_out_threshold(data)
    vectorizer, fitted = fit(data)
    stances = Counter(m.stance.value for m in data.mentions)
    trained_on = {
        "date": date.today().isoformat(),
        "snippets": len(snippets),
        "corpus_notes": len(notes),
        "mentions": len(data.mentions),
        "unmatched": data.unmatched,
        **{f"mentions_{k}": v for k, v in sorted(stances.items())},
        "max_lost": MAX_LOST,
    }
    model = exported(vectorizer, fitted, threshold, trained_on)
    digest = model_files.save(model, output)
    figures = {
        "trained_on": trained_on,
        "threshold": threshold,
        "features": len(model.weights),
        "held_out_by_writer": folds,
        "dev": evaluate(model, dataset([], held)),
        "sha256": digest,
    }
    (output / "figures.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    (output / "MODEL_CARD.md").write_text(card(model, figures), encoding="utf-8")
    return figures


def card(model: StanceModel, figures: dict) -> str:
    """The model card: what it reads, what it was trained on, what it does on mentions it did not see, its limits."""
    trained, folds, dev = figures["trained_on"], figures["held_out_by_writer"], figures["dev"]
    stances = ", ".join(f"{k.removeprefix('mentions_')} {v}" for k, v in trained.items() if k.startswith("mentions_"))
    heavy = sorted(model.weights.items(), key=lambda item: -max(abs(w) for w in item[1]))[:12]
    rows = "\n".join(f"| `{name}` | " + " | ".join(f"{w:+.2f}" for w in row) + " |" for name, row in heavy)
    header = " | ".join(c.value for c in model.classes)

    def reading(label: str, part: str, whole: str) -> str:
        counts = (f"{f['unread_' + part]} of {f['unread_' + whole]}" for f in (folds, dev))
        return f"| {label} | " + " | ".join(counts) + " |"

    return f"""# Model card: stance

The author's stance toward a diagnosis mention that no cue class reached, trained {trained["date"]}.
SHA-256 of `model.json`: `{figures["sha256"]}` (checked on every load; a file that does not match is refused).

## What it does

The cue classes (`stance/rules.json`, the ConText rules) decide first. A diagnosis mention they leave asserted is
read by this model from the words around it; when the probability of asserted is below {model.threshold}, another
class is at least {model.min_probability} likely and a word weighs at least {model.min_cue} (log-odds) toward it, the
mention takes the likeliest other class (rejected, resolved, uncertain, hypothetical, family, referral-only, and
historical for injuries only: `model_concepts` in the rules), and its `assertion_cause` has source "model" and names
the words that weighed most. It adds no diagnosis, never makes a mention asserted, and leaves symptoms (`model_skips`)
to the cues.

## Data

{trained["snippets"]} labelled snippets by outside writers who read only the coding brief and the seeds
(`corpora/stance/`, one folder per writer, each in its own styles), and the condition spans of the annotated
corpus's `train` split ({trained["corpus_notes"]} notes): {trained["mentions"]} mentions ({stances});
{trained["unmatched"]} labelled mentions the pipeline did not find as a diagnosis are left out.

## Model

Multinomial logistic regression (L2, C={REGULARIZATION}) over the words of the mention's sentence before and after
it (unigrams and bigrams, the nearest {NEAR} apart) and the next sentence's words. The mention's own words and the
words naming a level or region are left out, other diagnoses are one placeholder `<dx>`, words nearer another
diagnosis are that one's, digits are 0, function words count only in pairs; features seen fewer than {MIN_COUNT} times
are dropped ({len(model.weights)} kept). Exported as plain numbers.

Heaviest features (weight per class):

| feature | {header} |
|{"---|" * (len(model.classes) + 1)}
{rows}

## Figures

Threshold from held-out predictions, each writer's mentions (a snippet set, the corpus) predicted by a model fitted
on the others', so that at most {MAX_LOST:.0%} of the asserted mentions no cue reached are taken away:

| mentions no cue reached | held out by writer | corpus `dev` (never seen) |
|---|---|---|
{reading("asserted, taken away", "asserted_lost", "asserted")}
{reading("not asserted, found", "not_asserted_found", "not_asserted")}

The cues already read almost every stance in `dev`; the blind batches (`corpora/blind/`) measure the rest.

## Limits

It reads words, not meaning: a rejection in a paraphrase far from anything in its data is missed, and a chronic
condition's date or duration can look like the past (hence historical for injuries only). It is trained on short
snippets, many of them written to be hard, so its probabilities are not calibrated for whole notes. Retrain with
`notecoder train-stance corpora/stance corpora/gold --output models/stance/` whenever the cues, the findings or the
material change: a test fails when the shipped model is not what the material trains.
"""
