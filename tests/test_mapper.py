"""Code mapper: one case per code of the brief, per seed tip and pitfall (named in `seed`), per "do not propose"."""

import pytest

import notecoder


def coded(text: str):
    result = notecoder.extract(text)
    return (
        [c.code for c in result.codes],
        [a.code for a in result.alternatives],
        {(g.id, g.code) for g in result.gaps},
        result,
    )


FULLY_DOCUMENTED = (
    " Symptoms x 6 months. Failed PT and NSAIDs. DTRs 2+ symmetric, strength 5/5, SILT."
    " MRI: {levels} facet arthropathy. No radiculopathy or disc herniation."
)

# (seed or brief line, note, expected M53 codes)
BRIEF_CODES = [
    ("brief M53.0", "A/P: Cervicocranial syndrome with occipital headaches and dizziness.", ["M53.0"]),
    (
        "brief M53.0: posterior cervical sympathetic syndrome is included",
        "Impression: posterior cervical sympathetic syndrome; vertigo and tinnitus.",
        ["M53.0"],
    ),
    ("brief M53.1", "Assessment: cervicobrachial syndrome, left arm pain predominant.", ["M53.1"]),
    ("brief M53.2X1", "Dx: atlantoaxial instability on flexion-extension films.", ["M53.2X1"]),
    ("brief M53.2X2", "Assessment: C4-5 segmental instability.", ["M53.2X2"]),
    ("brief M53.2X3", "Assessment: ligamentous instability at C7-T1.", ["M53.2X3"]),
    ("brief M53.2X4", "Assessment: T6-7 instability after laminectomy.", ["M53.2X4"]),
    ("brief M53.2X5", "Assessment: thoracolumbar instability.", ["M53.2X5"]),
    ("brief M53.2X6", "Dx: L4-5 segmental instability.", ["M53.2X6"]),
    ("brief M53.2X7", "Dx: lumbosacral instability, L5-S1.", ["M53.2X7"]),
    ("brief M53.2X8", "Dx: sacral instability.", ["M53.2X8"]),
    ("brief M53.2X9", "Dx: spinal instability.", ["M53.2X9"]),
    ("brief M53.3", "Assessment: coccygodynia.", ["M53.3"]),
    ("brief M53.80", "Assessment: posterior element syndrome.", ["M53.80"]),
    ("brief M53.81", "A: craniocervical junction dysfunction, occiput-C1.", ["M53.81"]),
    ("brief M53.82", "A: cervical facet syndrome C5-6.", ["M53.82"]),
    ("brief M53.83", "A: facet syndrome at the cervicothoracic junction.", ["M53.83"]),
    ("brief M53.84", "A: T5-6 facet syndrome.", ["M53.84"]),
    ("brief M53.85", "A: thoracolumbar junction syndrome (Maigne).", ["M53.85"]),
    ("brief M53.86", "A: lumbar facet syndrome at L3-4.", ["M53.86"]),
    (
        "brief: a contiguous run across one junction is that junction",
        "A: facet syndrome at L4-5 and L5-S1.",
        ["M53.87"],
    ),
    ("brief M53.87", "A: L5-S1 facet syndrome.", ["M53.87"]),
    ("brief M53.88", "A: sacral posterior element syndrome.", ["M53.88"]),
    ("brief M53.9", "Assessment: dorsopathy.", ["M53.9"]),
]


@pytest.mark.parametrize(("seed", "note", "codes"), BRIEF_CODES, ids=[c[0] for c in BRIEF_CODES])
def test_brief_codes(seed, note, codes):
    assert coded(note)[0] == codes


def test_titles_come_from_the_official_tabular():
    result = notecoder.extract("A: cervical facet syndrome C5-6.")
    assert result.codes[0].title == "Other specified dorsopathies, cervical region"


def test_evidence_and_rationale_explain_the_code():
    text = "ASSESSMENT: Facet syndrome at C7-T1."
    code = notecoder.extract(text).codes[0]
    assert code.code == "M53.83"
    assert [e.text for e in code.evidence] == ["Facet syndrome"]
    assert all(text[e.start : e.end] == e.text for e in code.evidence)
    assert "C7-T1" in code.rationale and "cervicothoracic" in code.rationale and "assessment" in code.rationale


SEED_CASES = [
    # M53.82 (seed 000)
    (
        "M53.82 tip 1: a named condition justifies M53.82 over M53.9",
        "A/P: Neck disorder, specifically cervical facet syndrome C4-5.",
        ["M53.82"],
        None,
        None,
    ),
    (
        "M53.82 tip 2 / pitfall 2: C7-T1 is M53.83, not M53.82",
        "Assessment: cervical facet syndrome at C7-T1.",
        ["M53.83"],
        None,
        None,
    ),
    (
        "M53.82 pitfall 1: cervical radiculopathy is M54.12",
        "A/P: Cervical facet syndrome. Cervical radiculopathy, C6.",
        [],
        "M54.12",
        None,
    ),
    (
        "M53.82 pitfall 1: cervical disc degeneration is M50.3-",
        "A/P: Cervical facet syndrome. C5-6 degenerative disc disease.",
        [],
        "M50.322",
        None,
    ),
    (
        "M53.82 pitfall 1: cervical spondylosis is M47.812",
        "A/P: Cervical facet syndrome with cervical spondylosis.",
        [],
        "M47.812",
        None,
    ),
    (
        "M53.82 pitfall 3: M53.9 is dropped when a condition is named",
        "A/P: Back disorder. Lumbar facet syndrome L4-5.",
        ["M53.86"],
        None,
        None,
    ),
    (
        "M53.82 pitfall 4: the assessment's diagnosis is primary",
        "HPI: known L4-5 facet syndrome. ASSESSMENT: cervical facet syndrome C5-6.",
        ["M53.82", "M53.86"],
        None,
        None,
    ),
    ("M53.82 pitfall 5: lumbar findings are not M53.82", "A/P: lumbar facet syndrome.", ["M53.86"], None, None),
    # M53.83 (seed 001)
    (
        "M53.83 tip 1: 'cervicothoracic junction' names the site",
        "IMPRESSION: Cervicothoracic junction facet syndrome.",
        ["M53.83"],
        None,
        None,
    ),
    (
        "M53.83 tip 5: myelopathy takes its own code (M53.83 is then not primary)",
        "Impression: Cervical myelopathy. Facet syndrome C7-T1.",
        ["M53.83"],
        "G95.9",
        None,
    ),
    (
        "M53.83 pitfall 2: cervicothoracic pain alone is M54.2",
        "Dx: neck pain radiating between the shoulder blades.",
        [],
        "M54.2",
        ("condition-not-named", "M54.2"),
    ),
    (
        "M53.83 pitfall 3: no site named stays M53.80",
        "Dx: facet syndrome.",
        ["M53.80"],
        None,
        ("region-not-documented", "M53.80"),
    ),
    # M53.80 (seed 002)
    (
        "M53.80 context: multi-level dysfunction across regions is site unspecified",
        "A: posterior element syndrome at C5-6 and L4-5.",
        ["M53.80"],
        None,
        ("region-not-documented", "M53.80"),
    ),
    (
        "M53.80 pitfall 1 / 5: the site imaging localized is used",
        "IMAGING: MRI shows L4-5 facet syndrome pattern. ASSESSMENT: Facet syndrome.",
        ["M53.86"],
        None,
        None,
    ),
    (
        "M53.80 pitfall 2: an unnamed back disorder is M53.9",
        "Assessment: back disorder, unspecified.",
        ["M53.9"],
        None,
        ("condition-not-named", "M53.9"),
    ),
    ("M53.80 pitfall 3: a current injury is an S-code", "Fell today. Dx: acute lumbar sprain.", [], "S33.5XXA", None),
    # M53.81 (seed 003)
    ("M53.81 tip 1: occiput-C1 names region 1", "A: craniocervical dysfunction at occiput-C1.", ["M53.81"], None, None),
    (
        "M53.81 tip 1: vague upper neck pain is not M53.81",
        "Dx: upper neck pain.",
        [],
        "M54.2",
        ("condition-not-named", "M54.2"),
    ),
    (
        "M53.81 tip 5: remote trauma with a chronic dorsopathy is M53",
        "Whiplash in a 2015 MVA. A: chronic C1-C2 instability.",
        ["M53.2X1"],
        None,
        None,
    ),
    (
        "M53.81 pitfall 1: radiculopathy at C1-C2 is M54.11",
        "A: C1-C2 dysfunction. C2 radiculopathy.",
        [],
        "M54.11",
        None,
    ),
    (
        "M53.81 pitfall 2: an acute C1-C2 fracture is S12 (S12.1- for the second cervical vertebra)",
        "Fell today. CT: acute C2 fracture. A: upper cervical dysfunction.",
        [],
        "S12.1-",
        None,
    ),
    (
        "M53.81 pitfall 3: a deformity is M43.8X1",
        "A: craniocervical junction dysfunction with atlantoaxial deforming dorsopathy.",
        [],
        "M43.8X1",
        None,
    ),
    # M53.0 (seed 004)
    (
        "M53.0 tip 1 / pitfall 1: neck pain with headache is M54.2, not M53.0",
        "CC: neck pain and headaches. Dx: cervicalgia.",
        [],
        "M54.2",
        ("condition-not-named", "M54.2"),
    ),
    (
        "M53.0 tip 2: the cranial cluster is asked for",
        "A: cervicocranial syndrome.",
        ["M53.0"],
        None,
        ("symptom-cluster-not-documented", "M53.0"),
    ),
    (
        "M53.0 tip 5: autonomic features count as cranial symptoms",
        "A: posterior cervical sympathetic syndrome with facial flushing and nasal congestion.",
        ["M53.0"],
        None,
        None,
    ),
    (
        "M53.0 pitfall 2: named cervicobrachial syndrome is M53.1",
        "A: cervicobrachial syndrome with arm paresthesias.",
        ["M53.1"],
        None,
        None,
    ),
    (
        "M53.0 pitfall 3: M53.9 is not used when M53.0 is named",
        "A: dorsopathy; cervicocranial syndrome with vertigo.",
        ["M53.0"],
        None,
        None,
    ),
    (
        "M53.0 pitfall 4: code also the underlying cervical spondylosis",
        "A: cervicocranial syndrome with dizziness, due to cervical spondylosis.",
        ["M53.0"],
        "M47.812",
        None,
    ),
    (
        "M53.0 tip 4 / pitfall 5: a documented subluxation is M99.11",
        "A: cervicocranial syndrome with occipital headache. Subluxation C1.",
        ["M53.0"],
        "M99.11",
        None,
    ),
]


@pytest.mark.parametrize(("seed", "note", "codes", "alternative", "gap"), SEED_CASES, ids=[c[0] for c in SEED_CASES])
def test_seed_tips_and_pitfalls(seed, note, codes, alternative, gap):
    got_codes, got_alternatives, got_gaps, _ = coded(note)
    assert got_codes == codes
    if alternative is not None:
        assert alternative in got_alternatives
    if gap is not None:
        assert gap in got_gaps


DO_NOT_PROPOSE = [
    (
        "uncertain: possible",
        "A/P: possible cervical facet syndrome; neck pain.",
        "M54.2",
        ("uncertain-diagnosis", "M53.82"),
    ),
    (
        "uncertain: rule out",
        "Dx: r/o cervicocranial syndrome. Neck pain with headache.",
        "M54.2",
        ("uncertain-diagnosis", "M53.0"),
    ),
    ("uncertain: suspected", "Impression: suspected C1-C2 instability.", None, ("uncertain-diagnosis", "M53.2X1")),
    ("current whiplash", "ED: rear-ended 2 days ago. Dx: whiplash injury, initial encounter.", "S13.4XXA", None),
    ("current cervical sprain", "MVC this morning. Dx: acute cervical sprain.", "S13.4XXA", None),
    ("current thoracic sprain", "Fell yesterday. Dx: thoracic sprain, acute.", "S23.3XXA", None),
    ("current lumbar sprain", "Lifting injury 3 days ago. Dx: lumbar sprain.", "S33.5XXA", None),
    ("subsequent encounter", "Follow-up for cervical sprain after MVC, subsequent encounter.", "S13.4XXD", None),
    ("radiculopathy", "A: cervical radiculopathy C6, facet syndrome.", "M54.12", None),
    (
        "cervical disc disorder with radiculopathy",
        "A: C5-6 disc herniation with C6 radiculopathy; facet syndrome.",
        "M50.122",
        None,
    ),
    (
        "lumbar disc degeneration with back and leg pain",
        "A: L4-5 DDD with low back pain and leg pain.",
        "M51.362",
        None,
    ),
    ("spondylosis", "A: lumbar spondylosis, facet syndrome L4-5.", "M47.816", None),
    ("myelopathy with spondylosis", "A: cervical spondylosis with myelopathy.", "M47.12", None),
    (
        "spondylotic myelopathy named in one phrase",
        "Impression: cervical spondylotic myelopathy C4-C6.",
        "M47.12",
        None,
    ),
    ("deforming dorsopathy", "A: thoracic deforming dorsopathy, T8 facet syndrome.", "M43.8X4", None),
    ("pain only: thoracic", "Dx: mid back pain.", "M54.6", ("condition-not-named", "M54.6")),
    ("pain only: low back", "Dx: LBP.", "M54.50", ("condition-not-named", "M54.50")),
    ("arm symptoms without the syndrome named", "A: neck pain with arm numbness, C6 radiculopathy.", "M54.12", None),
]


@pytest.mark.parametrize(("case", "note", "alternative", "gap"), DO_NOT_PROPOSE, ids=[c[0] for c in DO_NOT_PROPOSE])
def test_do_not_propose_m53(case, note, alternative, gap):
    got_codes, got_alternatives, got_gaps, _ = coded(note)
    assert not [c for c in got_codes if c.startswith("M53")]
    if alternative is not None:
        assert alternative in got_alternatives
    if gap is not None:
        assert gap in got_gaps


@pytest.mark.parametrize(
    "note",
    [
        "Denies neck pain. No cervical facet syndrome.",
        "Family history: mother with cervical facet syndrome.",
        "If symptoms persist, consider facet syndrome workup... facet syndrome would be treated with RFA.",
        "PMH: lumbar facet syndrome, resolved.",
    ],
)
def test_negated_family_hypothetical_and_resolved_never_support_a_code(note):
    got_codes, _, _, _ = coded(note)
    assert got_codes == []


def test_gaps_are_not_raised_for_what_the_note_documents():
    note = "ASSESSMENT: cervical facet syndrome C5-6." + FULLY_DOCUMENTED.format(levels="C5-6")
    codes, _, gaps, _ = coded(note)
    assert codes == ["M53.82"]
    assert gaps == set()


@pytest.mark.parametrize(
    ("gap", "note"),
    [
        ("imaging-not-documented", "MRI L-spine: L4-5 facet arthropathy."),
        ("neuro-exam-not-documented", "DTRs 2+ symmetric, strength 5/5, SILT."),
        ("conservative-care-not-documented", "Failed PT and NSAIDs."),
        ("exclusions-not-documented", "No radiculopathy or disc herniation."),
        ("chronicity-not-documented", "Symptoms x 6 months."),
    ],
)
def test_each_gap_closes_when_documented(gap, note):
    base = "ASSESSMENT: lumbar facet syndrome L4-5."
    assert (gap, "M53.86") in coded(base)[2]
    assert (gap, "M53.86") not in coded(f"{base} {note}")[2]


def test_imaging_of_another_region_does_not_document_this_one():
    _, _, gaps, _ = coded("A: cervical facet syndrome C5-6. MRI L-spine: L4-5 facet arthropathy.")
    assert ("imaging-not-documented", "M53.82") in gaps


def test_injury_without_a_timeline_is_queried():
    codes, alternatives, gaps, _ = coded("A: cervical facet syndrome C5-6 after a car accident.")
    assert codes == ["M53.82"]
    assert ("injury-timeline-unclear", "M53.82") in gaps


def test_gaps_carry_a_non_leading_query():
    result = notecoder.extract("Dx: facet syndrome.")
    gap = next(g for g in result.gaps if g.id == "region-not-documented")
    assert gap.query.startswith("Please document") and gap.code == "M53.80" and gap.looked_for


def test_several_regions_give_one_code_each():
    codes, _, _, _ = coded(
        "ASSESSMENT:\n1. Cervical facet syndrome C5-6.\n2. Lumbar facet syndrome L4-5.\n3. Coccygodynia."
    )
    assert codes == ["M53.82", "M53.86", "M53.3"]


def test_an_uncertain_injury_beside_a_confirmed_one_is_not_queried():
    _, alternatives, gaps, _ = coded("MVC today. Likely whiplash. Dx: acute cervical strain, initial encounter.")
    assert alternatives == ["S16.1XXA"]
    assert not [g for g in gaps if g[0] == "uncertain-diagnosis"]
