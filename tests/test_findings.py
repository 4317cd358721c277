"""Findings: kind, exact span, concept, value, region and its source, section, assertion, on realistic notes."""

import pytest

import notecoder
from notecoder import Assertion, FindingKind, Region
from tests import notes
from tests.conftest import concepts, find

K = FindingKind


@pytest.fixture(scope="module")
def extracted() -> dict[str, notecoder.NoteResult]:
    return {name: notecoder.extract(getattr(notes, name)) for name in dir(notes) if name.isupper()}


# note, evidence text, kind, expected attributes
CASES = [
    # templated clinic note
    (
        "CLINIC_TEMPLATE",
        "Neck pain",
        K.CONDITION,
        dict(concept="neck_pain", region=Region.CERVICAL, section="chief_complaint"),
    ),
    ("CLINIC_TEMPLATE", "x 5 months", K.CHRONICITY, dict(concept="duration", value="P5M")),
    (
        "CLINIC_TEMPLATE",
        "occipital headaches",
        K.SYMPTOM,
        dict(concept="occipital_headache", value="cranial", assertion=Assertion.PRESENT),
    ),
    ("CLINIC_TEMPLATE", "MVA", K.TRAUMA, dict(concept="motor_vehicle", value="remote")),
    (
        "CLINIC_TEMPLATE",
        "arm numbness",
        K.SYMPTOM,
        dict(assertion=Assertion.NEGATED, value="upper_extremity"),
    ),
    ("CLINIC_TEMPLATE", "dizziness", K.SYMPTOM, dict(assertion=Assertion.NEGATED)),
    ("CLINIC_TEMPLATE", "vertigo", K.SYMPTOM, dict(assertion=Assertion.NEGATED)),
    ("CLINIC_TEMPLATE", "PT", K.CONSERVATIVE_CARE, dict(concept="physical_therapy", value="failed")),
    ("CLINIC_TEMPLATE", "ibuprofen", K.CONSERVATIVE_CARE, dict(concept="nsaid", value="minimal")),
    ("CLINIC_TEMPLATE", "scoliosis", K.CONDITION, dict(assertion=Assertion.FAMILY, section="family_history")),
    ("CLINIC_TEMPLATE", "DTRs", K.NEURO_EXAM, dict(concept="reflexes", value="normal")),
    ("CLINIC_TEMPLATE", "strength 5/5", K.NEURO_EXAM, dict(concept="strength", value="normal")),
    ("CLINIC_TEMPLATE", "SILT", K.NEURO_EXAM, dict(concept="sensation", value="normal")),
    ("CLINIC_TEMPLATE", "Spurling", K.NEURO_EXAM, dict(value="normal", assertion=Assertion.NEGATED)),
    ("CLINIC_TEMPLATE", "Hoffmann sign", K.NEURO_EXAM, dict(value="normal", assertion=Assertion.NEGATED)),
    ("CLINIC_TEMPLATE", "MRI C-spine", K.IMAGING, dict(concept="mri", value="abnormal", section="imaging")),
    (
        "CLINIC_TEMPLATE",
        "C5-6 facet hypertrophy",
        K.CONDITION,
        dict(concept="facet_arthropathy", levels=("C5", "C6"), region_source="phrase"),
    ),
    ("CLINIC_TEMPLATE", "disc herniation", K.CONDITION, dict(assertion=Assertion.NEGATED)),
    (
        "CLINIC_TEMPLATE",
        "Cervical facet syndrome",
        K.CONDITION,
        dict(
            concept="facet_syndrome",
            levels=("C7", "T1"),
            region=Region.CERVICOTHORACIC,
            region_source="phrase",
            section="assessment",
        ),
    ),
    ("CLINIC_TEMPLATE", "cervicocranial syndrome", K.CONDITION, dict(assertion=Assertion.POSSIBLE)),
    (
        "CLINIC_TEMPLATE",
        "C7-T1 medial branch block",
        K.CONSERVATIVE_CARE,
        dict(concept="injection", assertion=Assertion.HYPOTHETICAL, region=Region.CERVICOTHORACIC),
    ),
    ("CLINIC_TEMPLATE", "RFA", K.CONSERVATIVE_CARE, dict(assertion=Assertion.HYPOTHETICAL)),
    # chiropractic SOAP note
    ("CHIROPRACTIC", "upper neck pain", K.CONDITION, dict(concept="neck_pain", region=Region.CERVICAL)),
    ("CHIROPRACTIC", "suboccipital HA", K.SYMPTOM, dict(concept="occipital_headache")),
    ("CHIROPRACTIC", "onset 2 yrs ago", K.CHRONICITY, dict(value="P2Y")),
    ("CHIROPRACTIC", "fall", K.TRAUMA, dict(concept="fall", value="remote")),
    ("CHIROPRACTIC", "dizziness", K.SYMPTOM, dict(assertion=Assertion.PRESENT, value="cranial")),
    ("CHIROPRACTIC", "visual changes", K.SYMPTOM, dict(assertion=Assertion.NEGATED)),
    ("CHIROPRACTIC", "C1-C2", K.SPINAL_LEVEL, dict(region=Region.OCCIPITO_ATLANTO_AXIAL)),
    # one condition at two regions, not isolated to one: site unspecified (coding brief)
    (
        "CHIROPRACTIC",
        "Segmental dysfunction",
        K.CONDITION,
        dict(levels=("C0", "C1", "T4"), region=Region.SITE_UNSPECIFIED, region_source="phrase"),
    ),
    (
        "CHIROPRACTIC",
        "Craniocervical junction dysfunction",
        K.CONDITION,
        dict(
            concept="junction_dysfunction",
            region=Region.OCCIPITO_ATLANTO_AXIAL,
            section="assessment",
        ),
    ),
    (
        "CHIROPRACTIC",
        "Thoracic segmental dysfunction",
        K.CONDITION,
        dict(concept="segmental_dysfunction", region=Region.THORACIC),
    ),
    ("CHIROPRACTIC", "Cervicogenic headache", K.CONDITION, dict(concept="cervicogenic_headache")),
    ("CHIROPRACTIC", "CMT", K.CONSERVATIVE_CARE, dict(concept="chiropractic")),
    # emergency department
    ("EMERGENCY", "MVC", K.TRAUMA, dict(concept="motor_vehicle", value="current")),
    ("EMERGENCY", "rear-ended", K.TRAUMA, dict(concept="motor_vehicle")),
    ("EMERGENCY", "neck pain", K.CONDITION, dict(assertion=Assertion.PRESENT)),
    ("EMERGENCY", "HA", K.SYMPTOM, dict(concept="headache", assertion=Assertion.NEGATED)),
    ("EMERGENCY", "numbness", K.SYMPTOM, dict(assertion=Assertion.NEGATED)),
    ("EMERGENCY", "tingling", K.SYMPTOM, dict(assertion=Assertion.NEGATED)),
    ("EMERGENCY", "CT C-spine", K.IMAGING, dict(concept="ct", value="normal", assertion=Assertion.PRESENT)),
    ("EMERGENCY", "fracture", K.CONDITION, dict(assertion=Assertion.NEGATED)),
    ("EMERGENCY", "whiplash", K.CONDITION, dict(concept="whiplash", assertion=Assertion.POSSIBLE)),
    (
        "EMERGENCY",
        "cervical strain",
        K.CONDITION,
        dict(concept="sprain_strain", region=Region.CERVICAL, assertion=Assertion.PRESENT),
    ),
    ("EMERGENCY", "cyclobenzaprine", K.CONSERVATIVE_CARE, dict(assertion=Assertion.HYPOTHETICAL)),
    # radiology report
    ("RADIOLOGY", "MRI", K.IMAGING, dict(concept="mri", value="abnormal")),
    ("RADIOLOGY", "disc herniation", K.CONDITION, dict(assertion=Assertion.POSSIBLE)),
    (
        "RADIOLOGY",
        "C3-4: Mild uncovertebral\nhypertrophy",
        K.CONDITION,
        dict(concept="spondylosis", levels=("C3", "C4"), region_source="phrase"),
    ),
    ("RADIOLOGY", "stenosis", K.CONDITION, dict(assertion=Assertion.NEGATED)),
    ("RADIOLOGY", "disc bulge", K.CONDITION, dict(concept="disc_bulge", levels=("C5", "C6"))),
    ("RADIOLOGY", "foraminal narrowing", K.CONDITION, dict(concept="stenosis", assertion=Assertion.PRESENT)),
    (
        "RADIOLOGY",
        "C7-T1: Bilateral facet arthropathy",
        K.CONDITION,
        dict(concept="facet_arthropathy", region=Region.CERVICOTHORACIC, region_source="phrase"),
    ),
    (
        "RADIOLOGY",
        "cord signal abnormality",
        K.CONDITION,
        dict(concept="myelopathy", assertion=Assertion.NEGATED),
    ),
    ("RADIOLOGY", "spondylosis", K.CONDITION, dict(levels=("C5", "C6"), section="assessment")),
    ("RADIOLOGY", "spinal cord compression", K.CONDITION, dict(assertion=Assertion.NEGATED)),
    # terse problem list
    ("PROBLEM_LIST", "LBP", K.CONDITION, dict(concept="low_back_pain", region=Region.LUMBAR)),
    (
        "PROBLEM_LIST",
        "L4-5 DDD",
        K.CONDITION,
        dict(concept="disc_degeneration", levels=("L4", "L5"), region=Region.LUMBAR),
    ),
    (
        "PROBLEM_LIST",
        "L5 radiculopathy",
        K.CONDITION,
        dict(concept="radiculopathy", levels=("L5",), region_source="phrase"),
    ),
    (
        "PROBLEM_LIST",
        "lumbar spinal stenosis",
        K.CONDITION,
        dict(concept="stenosis", assertion=Assertion.POSSIBLE, region=Region.LUMBAR),
    ),
    ("PROBLEM_LIST", "Coccydynia", K.CONDITION, dict(concept="coccygodynia")),
    ("PROBLEM_LIST", "fall", K.TRAUMA, dict(value="current")),
    # dictation with a typo, a resolved history, a relative, a plan
    (
        "DICTATION_WITH_TYPOS",
        "cervicalgia",
        K.CONDITION,
        dict(concept="neck_pain", assertion=Assertion.PRESENT),
    ),
    ("DICTATION_WITH_TYPOS", "for about two years", K.CHRONICITY, dict(value="P2Y")),
    ("DICTATION_WITH_TYPOS", "chiropractic manipulation", K.CONSERVATIVE_CARE, dict(value="failed")),
    # "a history of ... that resolved": resolved wins (NegEx's convention); either way it supports no code
    (
        "DICTATION_WITH_TYPOS",
        "cervical radiculapathy",
        K.CONDITION,
        dict(concept="radiculopathy", assertion=Assertion.NEGATED),
    ),
    ("DICTATION_WITH_TYPOS", "degenerative\ndisc disease", K.CONDITION, dict(assertion=Assertion.FAMILY)),
    ("DICTATION_WITH_TYPOS", "biceps reflexes", K.NEURO_EXAM, dict(value="abnormal")),
    ("DICTATION_WITH_TYPOS", "EMG", K.IMAGING, dict(assertion=Assertion.HYPOTHETICAL)),
]


@pytest.mark.parametrize(("note", "text", "kind", "expected"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_finding(extracted, note, text, kind, expected):
    finding = find(extracted[note], text, kind)
    assert {name: getattr(finding, name) for name in expected} == expected


@pytest.mark.parametrize("name", [n for n in dir(notes) if n.isupper()])
def test_spans_are_exact_and_ordered(extracted, name):
    text = getattr(notes, name)
    findings = extracted[name].findings
    assert findings, name
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text
        assert finding.sentence_start <= finding.start <= finding.end <= finding.sentence_end
    assert [(f.start, f.end) for f in findings] == sorted((f.start, f.end) for f in findings)


def test_nothing_spinal_is_invented(extracted):
    result = extracted["NOT_SPINE"]
    assert result.of_kind(K.SPINAL_LEVEL) == ()
    assert "spinal_instability" not in concepts(result, K.CONDITION)
    assert all(f.region is None for f in result.findings if f.kind == K.CONDITION)


@pytest.mark.parametrize(
    ("text", "concept", "found"),
    [
        ("Lumbar instability on flexion-extension films.", "spinal_instability", True),
        ("Instability at C1-C2 on flexion films.", "spinal_instability", True),
        ("He had hemodynamic instability after surgery.", "spinal_instability", False),
        ("Cervical stenosis at C5-6.", "stenosis", True),
        ("History of aortic stenosis.", "stenosis", False),
        ("Lumbar dysfunction, chronic.", "segmental_dysfunction", True),
        ("Erectile dysfunction.", "segmental_dysfunction", False),
    ],
)
def test_words_that_need_a_spinal_qualifier(text, concept, found):
    assert (concept in concepts(notecoder.extract(text), K.CONDITION)) is found


@pytest.mark.parametrize(
    ("text", "evidence", "assertion"),
    [
        ("Denies headache, dizziness or vertigo.", "vertigo", Assertion.NEGATED),
        ("Negative for neck pain.", "neck pain", Assertion.NEGATED),
        ("No evidence of myelopathy.", "myelopathy", Assertion.NEGATED),
        ("Cervical radiculopathy has been ruled out.", "Cervical radiculopathy", Assertion.NEGATED),
        ("Neck pain, now resolved.", "Neck pain", Assertion.NEGATED),
        ("Suspected cervical facet syndrome.", "cervical facet syndrome", Assertion.POSSIBLE),
        ("R/O cervical radiculopathy.", "cervical radiculopathy", Assertion.POSSIBLE),
        ("Facet syndrome vs discogenic pain.", "Facet syndrome", Assertion.POSSIBLE),
        ("If weakness develops, consider MRI.", "MRI", Assertion.HYPOTHETICAL),
        ("Return if numbness develops.", "numbness", Assertion.HYPOTHETICAL),
        ("History of whiplash injury.", "whiplash injury", Assertion.HISTORICAL),
        ("S/p C5-6 ACDF.", "C5-6", Assertion.HISTORICAL),
        ("Mother with cervical spondylosis.", "cervical spondylosis", Assertion.FAMILY),
        ("Family history: scoliosis in her sister.", "scoliosis", Assertion.FAMILY),
        ("She has a 2-year history of neck pain.", "neck pain", Assertion.PRESENT),
        ("Recommend PT for cervical facet syndrome.", "cervical facet syndrome", Assertion.PRESENT),
        ("Recommend PT for cervical facet syndrome.", "PT", Assertion.HYPOTHETICAL),
        ("Denies numbness but reports neck pain.", "neck pain", Assertion.PRESENT),
        (
            "Her history and physical are notable for cervical stenosis.",
            "cervical stenosis",
            Assertion.PRESENT,
        ),
        ("He gives a history of neck pain since the fall.", "neck pain", Assertion.PRESENT),
    ],
)
def test_assertions(text, evidence, assertion):
    assert find(notecoder.extract(text), evidence).assertion == assertion


@pytest.mark.parametrize(
    ("text", "evidence", "value"),
    [
        ("Neck pain x 3 wks.", "x 3 wks", "P3W"),
        ("Low back pain for the past year.", "for the past year", "P1Y"),
        ("Six-month history of neck pain.", "Six-month history", "P6M"),
        ("Neck pain since 2021.", "since 2021", "2021"),
        ("Chronic neck pain.", "Chronic", "chronic"),
        ("LBP x3m, worse with sitting.", "x3m", "P3M"),  # a unit glued to its number: no unit word to anchor on
        ("Neck pain for 6w after lifting.", "for 6w", "P6W"),
    ],
)
def test_chronicity_values(text, evidence, value):
    assert find(notecoder.extract(text), evidence, K.CHRONICITY).value == value


@pytest.mark.parametrize(
    ("text", "evidence", "value"),
    [
        ("Strength 4/5 in the right deltoid.", "Strength 4/5", "abnormal"),
        ("Reflexes: 3+ at the knees with sustained clonus.", "Reflexes", "abnormal"),
        ("Positive Spurling's on the right.", "Spurling's", "abnormal"),
        ("SLR negative bilaterally.", "SLR", "normal"),
        ("Sensation intact to light touch.", "Sensation intact", "normal"),
        ("Decreased sensation in the C6 dermatome.", "Decreased sensation", "abnormal"),
        ("Neurologically intact.", "Neurologically intact", "normal"),
        ("No focal neurologic deficits.", "focal neurologic deficits", "normal"),
    ],
)
def test_neuro_exam_values(text, evidence, value):
    assert find(notecoder.extract(text), evidence, K.NEURO_EXAM).value == value


@pytest.mark.parametrize(
    ("text", "evidence", "value"),
    [
        ("Whiplash injury 2 days ago.", "Whiplash injury", "current"),  # an injury diagnosis takes its timing
        ("MVC 2 days ago.", "MVC", "current"),
        ("Fell 10 years ago.", "Fell", "remote"),
        ("Remote MVA with chronic neck pain since.", "MVA", "remote"),
        ("Presents after a fall this morning.", "fall", "current"),
        ("Follow-up for cervical strain after MVC, subsequent encounter.", "MVC", "subsequent"),
        ("Neck pain after an MVC.", "MVC", None),
    ],
)
def test_trauma_timing(text, evidence, value):
    kind = K.CONDITION if evidence.startswith("Whiplash") else K.TRAUMA
    assert find(notecoder.extract(text), evidence, kind).value == value


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Impression: lumbar facet\narthropathy at L4-5.", "lumbar facet\narthropathy"),
        ("Assessment: degenerative disc\r\n  disease, lumbar.", "degenerative disc\r\n  disease"),
    ],
)
def test_a_phrase_broken_by_a_line_wrap_is_found_whole(text, evidence):
    assert find(notecoder.extract(text), evidence, K.CONDITION)


def test_several_regions_in_one_note():
    result = notecoder.extract("A: 1. Cervical facet syndrome C5-6. 2. Lumbar facet syndrome L4-5. 3. Coccygodynia.")
    facets = [f for f in result.findings if f.concept == "facet_syndrome"]
    assert [(f.levels, f.region) for f in facets] == [
        (("C5", "C6"), Region.CERVICAL),
        (("L4", "L5"), Region.LUMBAR),
    ]


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("Dx: right lower extremity radiculopathy.", Region.LUMBOSACRAL),
        ("A: neck pain with left upper extremity radiculopathy.", Region.CERVICAL),
        ("UE radiculopathy, chronic.", Region.CERVICAL),
        ("Dx: radiculopathy.", None),
    ],
)
def test_a_limb_names_the_roots_of_a_radiculopathy(text, region):
    radiculopathy = next(f for f in notecoder.extract(text).findings if f.concept == "radiculopathy")
    assert radiculopathy.region == region


def test_a_limb_does_not_make_other_conditions_spinal():
    fracture = next(f for f in notecoder.extract("Dx: lower extremity fracture.").findings if f.concept == "fracture")
    assert fracture.region is None
