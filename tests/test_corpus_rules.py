"""General rules found on the corpus's train and dev notes, each on notes written like the ones that showed it."""

import pytest

import notecoder
from notecoder.result import Assertion, Region
from tests.conftest import find


def codes_of(text: str) -> tuple[list[str], list[str], set[str]]:
    result = notecoder.extract(text)
    return [c.code for c in result.codes], [a.code for a in result.alternatives], {g.id for g in result.gaps}


@pytest.mark.parametrize(
    ("text", "evidence", "assertion"),
    [
        ("Arm heaviness, non-dermatomal, x 5 months.", "x 5 months", Assertion.PRESENT),
        ("Disc and radicular causes not supported clinically.", "radicular", Assertion.NEGATED),
        ("Vertebral fracture not suspected.", "Vertebral fracture", Assertion.NEGATED),
        ("Thoracic myelopathy of uncertain cause, stable.", "Thoracic myelopathy", Assertion.PRESENT),
        ("2) Neurogenic claudication - denies.", "Neurogenic claudication", Assertion.NEGATED),
        ("ED Dx: Acute torticollis? vs muscle spasm.", "Acute torticollis", Assertion.POSSIBLE),
        ("Impression: LBP. Discogenic pain also in the differential.", "Discogenic pain", Assertion.POSSIBLE),
        ("The pain appears to be radicular in origin.", "radicular", Assertion.POSSIBLE),
        ("Plan: continue PT 1x/wk.", "PT", Assertion.PRESENT),
        ("P: MRI C-spine w/o contrast, PT, prednisone taper.", "prednisone", Assertion.HYPOTHETICAL),
        ("I have discussed a C1-C2 joint injection and she will think about it.", "injection", Assertion.HYPOTHETICAL),
        ("Plan: ESI L4-5 vs decompression.", "ESI", Assertion.HYPOTHETICAL),
        ("Plan: ESI L4-5 vs decompression.", "L4-5", Assertion.PRESENT),
        ("Impression: spondylosis without myelopathy or radiculopathy, L5-S1.", "L5-S1", Assertion.PRESENT),
        ("Dispo: ibuprofen, ice, PCP in 1 week.", "ibuprofen", Assertion.HYPOTHETICAL),
    ],
)
def test_assertions_as_notes_write_them(text, evidence, assertion):
    assert find(notecoder.extract(text), evidence).assertion == assertion


@pytest.mark.parametrize(
    ("text", "evidence", "value"),
    [
        ("Has not tried therapy; occasional acetaminophen does nothing.", "acetaminophen", "failed"),
        ("PT for the arm - no change.", "PT", "failed"),
        ("Tried chiropractic (some help) and yoga.", "chiropractic", "partial"),
        ("Naproxen - partial.", "Naproxen", "partial"),
        ("Physical therapy has helped a little.", "Physical therapy", "minimal"),
        ("MBB L3-5 gave 85% relief for 6 hours.", "MBB", "improved"),
    ],
)
def test_care_responses_as_written(text, evidence, value):
    assert find(notecoder.extract(text), evidence, "conservative_care").value == value


@pytest.mark.parametrize(
    "text, evidence",
    [
        ("MRI: no cord compression. Neuro normal. No prior treatment.", "Neuro"),
        ("Per the referring note the patient has a normal neurologic exam.", "normal neurologic exam"),
        ("Neurological examination of the lower limbs normal.", "Neurological examination"),
    ],
)
def test_a_neuro_exam_stated_normal_documents_the_exam(text, evidence):
    assert find(notecoder.extract(text), evidence, "neuro_exam").value == "normal"


@pytest.mark.parametrize(
    "text, evidence",
    [
        ("Onset: 2 months ago. Radiation: none.", "2 months ago"),
        ("Coccyx pain since vaginal delivery 7 months ago.", "since vaginal delivery"),
        ("Deep ache at the top of the neck since last spring.", "since last spring"),
    ],
)
def test_onsets_as_written(text, evidence):
    result = notecoder.extract(text)
    assert any(
        f.kind == "chronicity" and evidence in f.text and f.assertion == Assertion.PRESENT for f in result.findings
    )


def test_a_dated_injury_documents_the_timeline_but_not_the_encounter():
    note = "Injured his back lifting a pallet at work on 02/14/2023. Now lumbar facet syndrome L4-5, chronic."
    assert find(notecoder.extract(note), "Injured", "trauma").value == "dated"
    codes, _, gaps = codes_of(note)
    assert codes == ["M53.86"] and "injury-timeline-unclear" not in gaps
    sequela = "Work MVC on 03/12/2024. Opinion: neck pain as a sequela of the cervical sprain of 03/12/2024."
    assert "S13.4XXS" in codes_of(sequela)[1]


def test_pain_beside_an_injury_of_unknown_time_is_queried():
    _, alternatives, gaps = codes_of("CC: neck pain. Reports some kind of accident, vague about when. Dx: Neck pain.")
    assert alternatives == ["M54.2"] and {"condition-not-named", "injury-timeline-unclear"} <= gaps


@pytest.mark.parametrize(
    ("text", "evidence", "region"),
    [
        ("A: 2. Segmental dysfunction thoracic.", "Segmental dysfunction", Region.THORACIC),
        ("Dx: Segmental dysfunction, cervical.", "Segmental dysfunction", Region.CERVICAL),
        ("A- back pain, lumbar", "back pain", Region.LUMBAR),
        ("Assessment: L5-S1 herniation with left S1 radiculopathy.", "S1 radiculopathy", Region.LUMBOSACRAL),
    ],
)
def test_regions_named_after_the_phrase_or_by_root(text, evidence, region):
    assert find(notecoder.extract(text), evidence).region == region


def test_a_region_word_that_begins_the_next_phrase_is_not_taken():
    assert find(notecoder.extract("Back pain, lumbar spondylosis."), "Back pain").region is None


@pytest.mark.parametrize(
    ("note", "codes", "alternatives"),
    [
        # a condition in a sentence reporting a study is that study's finding, the assessment is the diagnosis
        (
            "His cervical MRI shows facet hypertrophy at C4-C5 and C5-C6 without disc herniation.\n"
            "My diagnosis is right C4-C6 facet syndrome.",
            ["M53.82"],
            [],
        ),
        ("A: Lumbar spinal stenosis L4-5 with neurogenic claudication.", [], ["M48.062"]),
        ("A: Lumbar spinal stenosis L4-5. Walks a mile without leg symptoms.", [], ["M48.061"]),
        ("Assessment: thoracic myelopathy, non-compressive, cause not found.", [], ["G95.9"]),
        ("Referral diagnosis: Cervicothoracic junction dysfunction.\nPlan: manual therapy 2x/wk.", ["M53.83"], []),
        ("Impression: Other specified dorsopathy of the sacral region.", ["M53.88"], []),
        ("A: C6-7 disc herniation with right C7 radiculopathy. Also mild disc bulge C5-6.", [], ["M50.123"]),
        ("CC: spine problem after a fall 3 months ago. HPI: low back pain, discogenic.", [], ["M54.50"]),
        ("Back pain of long standing. Assessment: lumbar spondylosis.", [], ["M47.816"]),
    ],
)
def test_codes_from_rules_found_on_the_corpus(note, codes, alternatives):
    got_codes, got_alternatives, _ = codes_of(note)
    assert got_codes == codes
    assert got_alternatives == alternatives


def test_no_uncertain_diagnosis_query_beside_a_confirmed_dorsopathy():
    note = "Postoperative diagnoses: residual stenosis C3-C7 with probable instability. Cervical radiculopathy."
    _, alternatives, gaps = codes_of(note)
    assert "uncertain-diagnosis" not in gaps and "M48.02" in alternatives
    assert "uncertain-diagnosis" in codes_of("Impression: possible cervical facet syndrome.")[2]
