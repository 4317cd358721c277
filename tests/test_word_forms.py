"""A named condition is read in every form its words take (issue 22, class 3): the joint's anatomical name for
"facet", the sacroiliac joint's abbreviations, compounds split by dictation, plurals naming several sites, dashes of
any width; and diagnosis titles in every combination of their words. Notes written here, in the styles that showed
each form: dictation, physiotherapy and chiropractic notes, problem lists, procedure reports, letters."""

import pytest

import notecoder
from notecoder.targets.rules import _equivalent_forms, _plurals, _split_compounds
from tests.coding import gaps_for


def codes(text: str) -> set[str]:
    return {c.code for c in notecoder.extract(text).codes}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the joint's anatomical names, and dictation's split of them
        ("Impression colon right C4 C5 and C5 C6 zygo apophyseal joint syndrome period no radicular component.",
         {"M53.82"}),
        ("Ax: L C2/3 zygapophysial joint syndrome, no radicular features.", {"M53.82"}),
        ("Opinion: bilateral L3-4 and L4-5 apophyseal joint syndrome, chronic; no radiculopathy.", {"M53.86"}),
        ("A: R T6-7 z joint dysfunction, responding to mobs.", {"M53.84"}),
        # an en dash inside the level, and a level list after a dash naming two regions
        ("Clinician: \"What you have is a left L5\u2013S1 apophyseal joint syndrome, not a disc problem.\"", {"M53.87"}),
        ("1. Z-joint syndromes \u2013 L C5\u20136 and bilat L4\u20135; chronic (>1 yr).", {"M53.82", "M53.86"}),
        ("Assessment: facet syndromes at C5-6 and L4-5, both confirmed on blocks.", {"M53.82", "M53.86"}),
        # one condition named once across two regions is one multilevel condition: site unspecified (brief)
        ("Assessment: facet syndrome at C5-6 and L4-5, confirmed on blocks.", {"M53.80"}),
        # plurals of one condition at two levels of one region
        ("Diagnosis: degenerative segmental instabilities, C4/5 and C5/6.", {"M53.2X2"}),
        # compounds dictation splits
        ("Assessment colon cervico cranial syndrome period plan occipital nerve block.", {"M53.0"}),
        ("Assessment colon left cervico-brachial syndrome comma no radiculopathy on EMG.", {"M53.1"}),
        # the sacroiliac joint by its abbreviations, in the assessment and in a procedure report's headings
        ("A: L SIJ dysfunction, mechanical.\nP: L SIJ injection under fluoro.", {"M53.3"}),
        ("Pre-procedure diagnosis: Left sacroiliac joint dysfunction.\nProcedure: Left SI joint injection.", {"M53.3"}),
        ("Dx: R SI joint dysfunction x 4 months, failed PT.", {"M53.3"}),
    ],
)  # fmt: skip
def test_a_condition_is_read_in_its_other_forms(text, expected):
    assert codes(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # the same words meaning something else stay uncoded
        "Assessment: SI joint normal on exam; low back pain, nonspecific.",
        "Plan: she cuts facets on sapphires all day; ergonomic review.",
    ],
)
def test_look_alikes_are_not_read_as_conditions(text):
    assert not {c for c in codes(text) if c.startswith("M53")}


def test_plural_and_split_forms_are_word_rules():
    assert _plurals(("segmental", "instability")) == ["segmental instabilities"]
    assert _plurals(("spinal", "stenosis")) == ["spinal stenoses"]
    assert _plurals(("facet", "syndrome")) == ["facet syndromes"]
    assert _plurals(("facetogenic",)) == []  # an adjective has no plural
    assert "spondylo listhesis" in _split_compounds(("spondylolisthesis",), [("spondylo", "spondylo")])
    assert "zygo-apophyseal joint" in _split_compounds(("zygapophyseal", "joint"), [("zyg", "zygo")])
    table = {("facet", "joint"): (("facet", "joint"), ("z-joint",)), ("facet",): (("facet",), ("zygapophyseal",))}
    forms = _equivalent_forms(("facet", "joint", "pain"), table, 2)
    assert forms == [("facet", "joint", "pain"), ("z-joint", "pain")]  # the longest run is replaced, not its words


@pytest.mark.parametrize(
    "title",
    ["Ax", "Imp", "Pre-procedure Dx", "Post-procedural diagnosis", "Diagnosis (ICD-10)", "Diagnosis (examiner)",
     "Primary diagnosis", "Treating diagnosis", "Physio diagnosis", "Clinical diagnosis"],
)  # fmt: skip
def test_diagnosis_titles_in_any_combination_of_their_words_are_the_assessment(title):
    note = f"Neck pain x 3 months, PT helped a little.\n{title}: left C5-6 facet syndrome.\nPlan: MBB."
    finding = next(f for f in notecoder.extract(note).findings if f.concept == "facet_syndrome")
    assert finding.section == "assessment"


def test_an_emg_is_not_the_imaging_a_facet_code_asks_for():
    note = (
        "55M L neck and arm ache x 6 months, diffuse, not dermatomal. Reflexes 2+ and equal, strength 5/5, "
        "sensation intact. EMG/NCS of the L arm last month normal. PT helped a little. No imaging of the neck yet.\n"
        "Assessment: left cervicobrachial syndrome, no radiculopathy on EMG."
    )
    assert ("imaging-not-documented", "M53.1") in gaps_for(note)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a strain named by the muscle: the muscle's level is the region (S16.1 neck, S29.01- thorax, S39.01- back)
        ("How did the injury occur? Reaching overhead yesterday, felt a pull.\nDiagnosis: Strain of L levator "
         "scapulae and upper trapezius muscles, acute", {"S16.1XXA"}),
        ("Dx: rhomboid strain after rowing yesterday.", {"S29.012A"}),
        ("A: acute quadratus lumborum strain lifting boxes this morning.", {"S39.012A"}),
        # cord cavities are neurology, not dorsopathies
        ("Impression: symptomatic idiopathic cervicothoracic syringomyelia.", {"G95.0"}),
        ("Assessment as entered by clinician: hydromyelia T5-T8, asymptomatic.", {"Q06.4"}),
    ],
)  # fmt: skip
def test_tissue_strains_and_cord_cavities_are_coded_where_the_tabular_puts_them(text, expected):
    result = notecoder.extract(text)
    assert {a.code for a in result.alternatives} == expected and not result.codes


@pytest.mark.parametrize(
    "text",
    [
        "He works in a structures lab bonding strain gauges onto wing spars. Impression: low back pain, nonspecific.",
        "Treatment today: strain-counterstrain to L rhomboid tender points; prone mobilization T5-6.",
    ],
)
def test_a_strain_that_is_no_injury_is_not_coded(text):
    assert not {a.code for a in notecoder.extract(text).alternatives if a.code.startswith("S")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a synonym in brackets inside the name
        ("Dx: 1. L T6-7 apophyseal (zygapophyseal) joint syndrome. 2. Segmental dysfunction C5.", {"M53.84"}),
        ("This is a right T7/8 zygapophyseal (facet) joint syndrome; MBBs gave 80% relief.", {"M53.84"}),
        # the sacroiliac joint: its syndrome is a sacrococcygeal disorder NEC, its instability the sacral region's
        ("PRE-OP DX: Left sacroiliac joint syndrome\nPOST-OP DX: Same", {"M53.3"}),
        ("A: R sacroiliac joint instability (hypermobile SIJ).", {"M53.2X8"}),
        # a plural named with each region's levels in brackets
        ("1. Facet syndromes - cervical (C5-6 bilat) and lumbar (L4-5 bilat). MBBs >80% both regions.",
         {"M53.82", "M53.86"}),
    ],
)  # fmt: skip
def test_names_with_brackets_and_the_sacroiliac_joint(text, expected):
    assert codes(text) == expected


def test_a_facet_of_another_joint_is_not_the_spine():
    assert not codes("Imp: R lateral patellar facet syndrome (patellofemoral pain with lateral tracking).")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[x] Other: chronic posterior joint syndrome, L4-L5, bilateral", {"M53.86"}),
        ("Assessment colon right L4 5 faucet joint syndrome period.", {"M53.86"}),
        ("Impression colon lumbo sacral in stability at L5 S1 comma mechanical period.", {"M53.2X7"}),
        ("Dx: M53.87 - Left L5-S1 posterior element (facet) syndrome", {"M53.87"}),
    ],
)
def test_round_five_forms(text, expected):
    assert codes(text) == expected
