"""Training the confidence model on the annotated corpus: fitted on train, its review threshold chosen on dev, and
reported on test, beside what the rules alone give. `notecoder train` is the front end."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from sklearn.calibration import CalibratedClassifierCV, calibration_curve
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from notecoder.evaluation import GoldNote, as_gold
from notecoder.extraction import extract_rules
from notecoder.extras import install_extra
from notecoder.scoring.features import FEATURES, proposal_features
from notecoder.scoring.model import ConfidenceModel, Fold, save

TARGET_RECALL = 0.9
REGULARIZATION = 1.0  # scikit-learn's C: the default L2 strength, kept for a small corpus
FOLDS = 3


@dataclass
class Dataset:
    features: list[dict[str, float]]
    labels: list[int]
    codes: list[str]

    def joined(self, other: "Dataset") -> "Dataset":
        return Dataset(self.features + other.features, self.labels + other.labels, self.codes + other.codes)

    @property
    def matrix(self) -> np.ndarray:
        return np.array([[row[name] for name in FEATURES] for row in self.features], dtype=float)


def dataset(notes: Sequence[GoldNote]) -> Dataset:
    """One row per proposal the rules make; its label: the gold codes or alternatives hold exactly that code (or,
    where a labeller gave only the category, "S12.1-", a code in it)."""
    data = Dataset([], [], [])
    for note in notes:
        gold = set(note.codes) | set(note.alternatives)
        for _, proposal, features in proposal_features(extract_rules(note.text, note.setting), len(note.text)):
            data.features.append(features)
            data.labels.append(int(as_gold(proposal.code, gold) in gold))
            data.codes.append(proposal.code)
    return data


def calibrated(train: Dataset, seed: int) -> CalibratedClassifierCV:
    """The scikit-learn model; `fit` exports it."""
    labels = np.array(train.labels)
    if labels.min() == labels.max() or min(np.bincount(labels)) < FOLDS:
        raise ValueError(f"training needs at least {FOLDS} right and {FOLDS} wrong proposals; the split has "
                         f"{int(labels.sum())} right of {len(labels)}")  # fmt: skip
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
    return CalibratedClassifierCV(LogisticRegression(C=REGULARIZATION, max_iter=1000), method="sigmoid", cv=folds).fit(
        train.matrix, labels
    )


def fit(train: Dataset, seed: int, name: str) -> ConfidenceModel:
    classifier = calibrated(train, seed)
    labels = np.array(train.labels)
    exported = tuple(
        Fold(
            coef=tuple(round(float(w), 12) for w in member.estimator.coef_[0]),
            intercept=round(float(member.estimator.intercept_[0]), 12),
            a=round(float(member.calibrators[0].a_), 12),
            b=round(float(member.calibrators[0].b_), 12),
        )
        for member in classifier.calibrated_classifiers_
    )
    return ConfidenceModel(
        name=name,
        features=FEATURES,
        folds=exported,
        review_threshold=0.0,
        trained_on={"proposals": len(labels), "right": int(labels.sum()), "seed": seed},
    )


def recall_threshold(labels: Sequence[int], confidences: Sequence[float], recall: float = TARGET_RECALL) -> float:
    """The highest confidence t such that the proposals scored >= t keep `recall` of the right ones."""
    right = sorted((c for c, y in zip(confidences, labels, strict=True) if y), reverse=True)
    if not right:
        return 0.0
    needed = max(1, int(np.ceil(recall * len(right))))
    return right[needed - 1]


def split_metrics(labels: Sequence[int], confidences: Sequence[float], threshold: float, base_rate: float) -> dict:
    y, p = np.array(labels), np.array(confidences)
    kept = p >= threshold
    tp = int((kept & (y == 1)).sum())
    return {
        "proposals": len(y),
        "right": int(y.sum()),
        "rules_precision": round(float(y.mean()), 4) if len(y) else 0.0,
        "brier_model": round(float(brier_score_loss(y, p)), 4),
        "brier_rules": round(float(brier_score_loss(y, np.full(len(y), base_rate))), 4),
        "roc_auc": round(float(roc_auc_score(y, p)), 4) if 0 < y.sum() < len(y) else None,
        "at_threshold_precision": round(tp / int(kept.sum()), 4) if kept.any() else 0.0,
        "at_threshold_recall": round(tp / int(y.sum()), 4) if y.sum() else 0.0,
        "flagged_for_review": int((~kept).sum()),
        "precision_at_90_recall": round(_precision_at_recall(y, p, TARGET_RECALL), 4),
    }


def _precision_at_recall(y: np.ndarray, p: np.ndarray, recall: float) -> float:
    if not y.sum():
        return 0.0
    threshold = recall_threshold(list(y), list(p), recall)
    kept = p >= threshold
    return float((kept & (y == 1)).sum() / kept.sum())


def _feedback_part(feedback: Sequence[tuple[bool, dict[str, float], int, str]], held: bool) -> Dataset:
    rows = [(features, label, code) for out, features, label, code in feedback if out == held]
    return Dataset([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])


def _with_threshold(model: ConfidenceModel, dev: Dataset) -> ConfidenceModel:
    threshold = math.floor(recall_threshold(dev.labels, model.probabilities(dev.features)) * 1e4) / 1e4  # not above
    return model.model_copy(update={"review_threshold": threshold})


def train(
    notes: Sequence[GoldNote],
    output: Path,
    split: str,
    dev: str,
    test: str,
    seed: int = 0,
    feedback: Sequence[tuple[bool, dict[str, float], int, str]] = (),
) -> dict:
    """Fits on `split` (and the coders' decisions of `feedback` not held out), picks the review threshold on `dev`,
    reports `dev`, `test` and the held-out decisions before and after; writes the model, its checksum, the
    calibration figure and the model card to `output`. Returns the figures."""
    parts = {name: dataset([n for n in notes if n.split == name]) for name in (split, dev, test)}
    learned, kept = _feedback_part(feedback, held=False), _feedback_part(feedback, held=True)
    fitting = parts[split].joined(learned)
    model = _with_threshold(fit(fitting, seed, output.name), parts[dev])
    threshold = model.review_threshold
    digest = save(model, output)
    predictions = {name: model.probabilities(data.features) for name, data in parts.items()}
    base_rate = float(np.mean(fitting.labels))
    figures = {name: split_metrics(parts[name].labels, predictions[name], threshold, base_rate) for name in (dev, test)}
    if feedback:
        before = _with_threshold(fit(parts[split], seed, output.name), parts[dev])
        figures["decisions"] = {"fitted": len(learned.labels), "held_out": len(kept.labels)}
        if kept.labels:
            for name, scorer in (("before", before), ("after", model)):
                scored = scorer.probabilities(kept.features)
                figures["decisions"][name] = split_metrics(kept.labels, scored, scorer.review_threshold, base_rate)
    _calibration_figure({name: (parts[name].labels, predictions[name]) for name in (dev, test)}, output)
    card = _card(model, digest, parts, split, dev, test, figures, base_rate)
    (output / "MODEL_CARD.md").write_text(card, encoding="utf-8")
    return {"checksum": digest, "review_threshold": threshold, "base_rate": round(base_rate, 4), **figures}


def _calibration_figure(splits: dict[str, tuple[list[int], list[float]]], output: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise RuntimeError(f"the calibration figure needs matplotlib: {install_extra('train')}") from None
    figure, axes = plt.subplots(figsize=(4.5, 4.5), dpi=100)
    axes.plot([0, 1], [0, 1], linestyle=":", color="grey", label="perfectly calibrated")
    for name, (labels, confidences) in splits.items():
        observed, predicted = calibration_curve(labels, confidences, n_bins=5, strategy="quantile")
        axes.plot(predicted, observed, marker="o", label=f"{name} ({len(labels)} proposals)")
    axes.set_xlabel("confidence")
    axes.set_ylabel("fraction right")
    axes.set_title("Calibration of proposal confidence")
    axes.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    figure.savefig(output / "calibration.png", metadata={"Software": None})
    plt.close(figure)


def _card(model, digest, parts, split, dev, test, figures, base_rate) -> str:
    from notecoder import __version__

    mean_coef = np.mean([fold.coef for fold in model.folds], axis=0)
    weights = sorted(zip(FEATURES, mean_coef, strict=True), key=lambda fw: -abs(fw[1]))
    rows = "\n".join(f"| `{name}` | {weight:+.3f} |" for name, weight in weights)

    n = {name: len(data.labels) for name, data in parts.items()}
    right, seed = sum(parts[split].labels), model.trained_on["seed"]

    def line(label: str, key: str) -> str:
        return f"| {label} | {figures[dev][key]} | {figures[test][key]} |"

    decisions = figures.get("decisions")
    feedback = ""
    if decisions:
        feedback = (
            f"\n\n## Coders' decisions\n\nFitted with {decisions['fitted']} proposals coders accepted (right) or "
            f"rejected or changed (wrong), beside `{split}`; {decisions['held_out']} more, on one note in three, are "
            "held out to check the model.\n"
        )
        if "after" in decisions:
            before, after = decisions["before"], decisions["after"]
            feedback += "\n| held-out decisions | before | after |\n|---|---|---|\n" + "\n".join(
                f"| {key.replace('_', ' ')} | {before[key]} | {after[key]} |"
                for key in ("proposals", "right", "brier_model", "roc_auc", "at_threshold_precision",
                            "at_threshold_recall", "flagged_for_review")
            )  # fmt: skip

    return f"""# Model card: {model.name}

Proposal confidence for notecoder {__version__} (model format {model.format}), trained {date.today().isoformat()}.
SHA-256 of `model.json`: `{digest}` (checked on every load; a file that does not match is refused).

## What it does

Gives every code and alternative that the rules propose a confidence in [0, 1]: how likely a coder assigns exactly
that code from the note. It does not propose codes and changes none: the rules decide, the model ranks them for review.

## Data

The annotated corpus (`corpora/`): fitted on `{split}` ({n[split]} proposals, {right} right), review threshold
chosen on `{dev}` ({n[dev]} proposals), reported on `{test}` ({n[test]} proposals), never tuned on. A proposal is
right when the note's gold codes or alternatives hold exactly its code (or, where a labeller gave only a category,
"S12.1-", a code in it), so a category ("S12.-") where the gold has the full code is wrong.
Base rate on `{split}`: {base_rate:.3f}.

## Model

Logistic regression (L2, C={REGULARIZATION}) in scikit-learn's `CalibratedClassifierCV` (sigmoid, {FOLDS} stratified
folds, seed {seed}): each fold's regression is calibrated on the fold it did not see and the folds' probabilities are
averaged. Exported as plain numbers in `model.json` (no pickle); `notecoder.scoring.model` computes the same
probabilities (a test checks against scikit-learn). Same data and seed give the same bytes.

Features: how the rules reached the proposal, never the note's words (`notecoder/scoring/features.py`). Mean
coefficients over the folds (features are 0/1 or log counts):

| feature | weight |
|---|---|
{rows}

## Results

| | {dev} | {test} |
|---|---|---|
{line("proposals", "proposals")}
{line("right", "right")}
{line("rules alone: precision (every proposal accepted)", "rules_precision")}
{line("model: precision at 90% recall", "precision_at_90_recall")}
{line("Brier score, model", "brier_model")}
{line("Brier score, rules alone (base rate as confidence)", "brier_rules")}
{line("ROC AUC", "roc_auc")}
{line(f"at the review threshold {model.review_threshold}: precision", "at_threshold_precision")}
{line(f"at the review threshold {model.review_threshold}: recall", "at_threshold_recall")}
{line("proposals below the threshold (to review first)", "flagged_for_review")}{feedback}

![calibration](calibration.png)

## Limits

The corpus is small and the rules are right on most of it, so the model learns from few wrong proposals
({n[split] - right} in `{split}`): its ranking is a guide for review order, not a licence to accept codes unread.
It has seen only the corpus's notes; confidence on other kinds of note is unmeasured. Retrain (`notecoder train`)
whenever the rules or the corpus change: the features describe what the rules do.
"""
