"""Sentence boundaries decide ConText scope: a missed boundary carries a negation into the next sentence."""

import pytest

import notecoder


@pytest.fixture(scope="module")
def nlp():
    return notecoder.load()


def sentences(nlp, text: str) -> list[str]:
    return [s.text.strip() for s in nlp(text).sents]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # MTSamples flattens line breaks to ".,": each sentence must end there
        (
            "No motor deficit with Valsalva.,I then continued the laminectomy.",
            ["No motor deficit with Valsalva.,", "I then continued the laminectomy."],
        ),
        ("PMH:, Migraine.,FHX: , Unremarkable.", ["PMH:,", "Migraine.,", "FHX: ,", "Unremarkable."]),
        ("Seen by Dr. Smith today. Neck pain.", ["Seen by Dr. Smith today.", "Neck pain."]),
        ("Saw J. Doe in clinic. No fever.", ["Saw J. Doe in clinic.", "No fever."]),
        ("Ibuprofen 600 mg b.i.d. for pain. Better.", ["Ibuprofen 600 mg b.i.d. for pain.", "Better."]),
        ("Weight 72.5 kg. No weakness.", ["Weight 72.5 kg.", "No weakness."]),
        ("Denies numbness\nNeck pain is worse", ["Denies numbness", "Neck pain is worse"]),
        ("Denies numbness or\ntingling in the hands", ["Denies numbness or\ntingling in the hands"]),
        ("no weakness\n\nneck pain worse", ["no weakness", "neck pain worse"]),
        (
            "Neck pain without radiation A/P: facet syndrome",
            ["Neck pain without radiation", "A/P:", "facet syndrome"],
        ),
        ("no deficits EXTREMITIES: no edema", ["no deficits", "EXTREMITIES:", "no edema"]),
        (
            "ASSESSMENT: 1. Cervical facet syndrome 2. Neck pain",
            ["ASSESSMENT:", "1. Cervical facet syndrome", "2. Neck pain"],
        ),
        ("Plan: 1) PT 2) NSAIDs", ["Plan:", "1) PT", "2) NSAIDs"]),
    ],
)
def test_boundaries(nlp, text, expected):
    assert sentences(nlp, text) == expected


def test_negation_does_not_cross_a_flattened_boundary():
    result = notecoder.extract("The patient denies any weakness.,She has cervical radiculopathy at C6.")
    radiculopathy = next(f for f in result.findings if f.concept == "radiculopathy")
    assert radiculopathy.assertion == "present"
