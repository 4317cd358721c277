"""The stance model (issue 22, class 2): it reads the diagnosis mentions no cue class reached, takes one away from
asserted only when confident, names the words that weighed most as the cause a coder sees, refuses an altered model,
and the shipped model is what `notecoder train-stance` makes from the project's own material."""

import json
import shutil
from pathlib import Path

import pytest

import notecoder
from notecoder.evaluation import read_corpus
from notecoder.extraction import Coder
from notecoder.model_files import CHECKSUM_FILE, MODEL_FILE, ModelError, save
from notecoder.pipeline import load
from notecoder.result import Assertion, Stance
from notecoder.stance import stance_rules
from notecoder.stance.component import model_folder
from notecoder.stance.features import Mentions
from notecoder.stance.model import StanceModel
from notecoder.stance.train import train

ROOT = Path(__file__).resolve().parents[1]

REFERRAL_ONLY = (
    "PT eval: Dx per referral: lumbosacral segmental instability. Today pt seen for R knee OA only; back not assessed."
)


def conditions(result, concept):
    return [f for f in result.findings if f.concept == concept]


def test_a_stance_in_words_no_cue_holds_is_read_and_shown_with_its_words():
    result = notecoder.extract(REFERRAL_ONLY)
    [finding] = conditions(result, "spinal_instability")
    cause = finding.assertion_cause
    assert finding.stance == Stance.REFERRAL_ONLY and finding.assertion == Assertion.HISTORICAL
    assert cause.source == "model" and cause.rule.startswith("REFERRAL_ONLY: stance model 0.")
    assert REFERRAL_ONLY[cause.start : cause.end] == cause.text and cause.text
    assert not [c for c in result.codes if c.code.startswith("M53.2")]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Dear Dr Lowe,\nThank you for referring this 52-year-old with cervicobrachial syndrome, which I agree with: "
         "neck pain spreading to the right arm, no dermatomal loss, reflexes normal. MRI shows no root compression. "
         "Physio has helped a little.", "M53.1"),
        ("S: LBP x 4 mo, worse with extension. O: TTP L4-5 facets b/l, SLR neg, DTRs 2+. "
         "A: lumbar facet syndrome L4-5, not radicular. P: cont PT, MBB.", "M53.86"),
    ],
)  # fmt: skip
def test_a_diagnosis_stated_beside_negations_of_other_things_stays_coded(text, code):
    result = notecoder.extract(text)
    assert code in [c.code for c in result.codes]
    assert not [f for f in result.findings if f.assertion_cause is not None and f.assertion_cause.source == "model"]


def features_of(text: str, concept: str) -> set[str]:
    doc = load(exclude=["notecoder_stance"])(text)
    findings = doc._.notecoder_findings
    mentions = Mentions(doc, findings, stance_rules().kinds)
    return set(mentions.features(next(i for i in mentions.indices if findings[i].concept == concept)))


def test_a_cue_beside_another_diagnosis_speaks_of_that_one():
    features = features_of("Diagnosis: cervicocranial syndrome. I found no radiculopathy.", "cervicocranial_syndrome")
    assert {"N:i", "N:<dx>"} <= features  # the next sentence is read...
    assert not {"N:no", "N:no <dx>"} & features  # ...but not the negation beside the other diagnosis


def test_the_words_that_name_a_region_are_the_diagnosis_not_a_stance():
    features = features_of("Dx: spinal arthrosis of the lumbar spine, worse on standing.", "spondylosis")
    assert "R:worse" in features and not {"R:lumbar", "R:spine", "R:lumbar spine"} & features


def always(stance: Stance) -> StanceModel:
    """A model that reads every mention as `stance`, whatever its words."""
    return StanceModel(
        classes=(Stance.ASSERTED, stance),
        intercepts=(0.0, 9.0),
        weights={"R:treated": (0.0, 1.0), "R:worse": (0.0, 1.0), "R:mri": (0.0, 1.0)},
        threshold=0.5,
        trained_on={"note": "test"},
    )


def test_the_model_retires_no_chronic_condition_to_the_past(tmp_path, monkeypatch):
    """A date alone does not make a facet syndrome historical; a healed sprain it may."""
    save(always(Stance.HISTORICAL), tmp_path)
    monkeypatch.setenv("NOTECODER_STANCE_MODEL", str(tmp_path))
    result = Coder().extract_rules(
        "Hx: lumbar sprain in 2015, treated with PT. Now 6 mo of axial LBP.\n"
        "A: L4-5 facet syndrome, since 2024, worse with extension."
    )
    [sprain] = conditions(result, "sprain_strain")
    [facet] = conditions(result, "facet_syndrome")
    assert sprain.stance == Stance.HISTORICAL and sprain.assertion_cause.source == "model"
    assert facet.stance == Stance.ASSERTED and facet.assertion_cause is None


def test_a_cue_decides_before_the_model(tmp_path, monkeypatch):
    save(always(Stance.REJECTED), tmp_path)
    monkeypatch.setenv("NOTECODER_STANCE_MODEL", str(tmp_path))
    result = Coder().extract_rules("Impression: possible cervicobrachial syndrome, MRI ordered.")
    [finding] = conditions(result, "cervicobrachial_syndrome")
    assert finding.stance == Stance.UNCERTAIN and finding.assertion_cause.source == "context"


@pytest.fixture()
def model_copy(tmp_path):
    folder = tmp_path / "stance"
    shutil.copytree(model_folder(), folder)
    return folder


def test_an_altered_stance_model_is_refused(model_copy, monkeypatch):
    data = json.loads((model_copy / MODEL_FILE).read_text())
    data["threshold"] = 0.99
    (model_copy / MODEL_FILE).write_text(json.dumps(data))
    monkeypatch.setenv("NOTECODER_STANCE_MODEL", str(model_copy))
    with pytest.raises(ModelError, match="does not match its checksum"):
        Coder().extract_rules("A: cervical facet syndrome C5-6.")


def test_a_missing_stance_model_names_the_command_that_makes_it(model_copy, monkeypatch):
    (model_copy / CHECKSUM_FILE).unlink()
    monkeypatch.setenv("NOTECODER_STANCE_MODEL", str(model_copy))
    with pytest.raises(ModelError, match="notecoder train-stance"):
        Coder().extract_rules("A: cervical facet syndrome C5-6.")
    monkeypatch.setenv("NOTECODER_STANCE_MODEL", " ")
    with pytest.raises(ModelError, match="set but empty"):
        Coder().extract_rules("A: cervical facet syndrome C5-6.")


def test_the_shipped_stance_model_is_what_its_material_trains(tmp_path):
    corpus = ROOT / "corpora" / "gold"
    snippets = sorted((ROOT / "corpora" / "stance").glob("*/snippets.jsonl"))
    figures = train(snippets, read_corpus(corpus, "train"), read_corpus(corpus, "dev"), tmp_path)
    retrained, shipped = (
        StanceModel.model_validate_json((f / MODEL_FILE).read_text()) for f in (tmp_path, model_folder())
    )
    assert retrained.model_dump(exclude={"trained_on"}) == shipped.model_dump(exclude={"trained_on"})
    assert figures["sha256"] in (tmp_path / "MODEL_CARD.md").read_text()
    folds = figures["held_out_by_writer"]
    assert folds["unread_asserted_lost"] <= 0.02 * folds["unread_asserted"] + 1
    assert folds["unread_not_asserted_found"] >= 0.4 * folds["unread_not_asserted"]
