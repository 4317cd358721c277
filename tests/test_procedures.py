"""Procedure linkage, first layer: the policies as data (each criterion sourced, unverified ones marked, never a
promise of payment) and the procedures a note names, with family, step, state, region, levels, side and block
number, on notes written as pain and chiropractic practices write them."""

import json
import re

import pytest

import notecoder
from notecoder.procedures.finder import find_procedures
from notecoder.procedures.policies import FORBIDDEN, Policy, policies


def test_every_policy_loads_with_its_sources_and_says_what_is_unverified():
    found = policies()
    assert set(found) == {"facet", "esi", "si", "cmt"}
    for policy in found.values():
        assert policy.criteria and policy.policy["address"].startswith("https://")
        for criterion in policy.criteria:
            assert criterion.source.address.startswith("https://") and criterion.source.date
            assert not FORBIDDEN.search(criterion.wording)
    assert not any(c.verified for c in found["esi"].criteria)  # only third-party summaries so far
    assert {c.id for c in found["facet"].criteria if c.verified} >= {"facet.two_blocks_relief", "facet.same_pain_scale"}
    assert found["cmt"].diagnoses.primary_in[0] == "M99.00" and not found["cmt"].diagnoses.verified


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda p: p["criteria"][0].update(wording="Pain for 3 months, so the block is covered"), "never says"),
        (lambda p: p["criteria"][0].update(id="esi.pain"), "not named for the facet family"),
        (lambda p: p["criteria"][0].update(steps=["esi"]), "names steps the policy has not"),
        (lambda p: p["criteria"][0].update(colour="red"), "Extra inputs are not permitted"),
        (lambda p: p["criteria"].append(p["criteria"][1]), "appears twice"),
    ],
)
def test_a_policy_file_that_breaks_the_rules_is_refused(change, said):
    from importlib.resources import files

    raw = json.loads(files("notecoder.procedures").joinpath("policies", "facet-L38765.json").read_text("utf-8"))
    change(raw)
    with pytest.raises(ValueError, match=said):
        Policy.model_validate(raw)


def read(text: str) -> list[tuple]:
    return [(p.family, p.step, p.state, p.region, p.levels, p.side, p.block_number)
            for p in find_procedures(text, notecoder.extract(text))]  # fmt: skip


def test_a_procedure_note_s_block_is_performed_with_its_levels_and_side():
    note = ("PRE-PROCEDURE DX: lumbar facet arthropathy\nPROCEDURE: Bilateral L4-5 and L5-S1 medial branch blocks "
            "under fluoroscopic guidance.\nThe patient tolerated the procedure well.")  # fmt: skip
    assert read(note) == [("facet", "diagnostic_block", "performed", "lumbar", ("L4", "L5", "S1"), "bilateral", None)]


def test_history_and_plan_are_told_apart_and_a_later_ablation_stays_its_own():
    note = ("HPI: s/p RFA L3-5 in 2022 with 9 months of relief. She declined the ESI last year.\n"
            "PLAN: If >80% relief, proceed with second MBB, then radiofrequency ablation. Continue PT.")  # fmt: skip
    found = read(note)
    assert ("facet", "rfa_initial", "historical", "lumbar", ("L3", "L4", "L5"), None, None) in found
    assert ("esi", "esi", "negated", None, (), None, None) in found
    assert ("facet", "diagnostic_block", "planned", None, (), None, 2) in found
    assert ("facet", "rfa_initial", "planned", None, (), None, None) in found
    assert ("pt", "pt", "planned", None, (), None, None) in found


def test_the_family_is_read_from_the_words_before_a_bare_injection():
    found = read("Assessment: right SI joint dysfunction.\nPlan: will schedule right SI joint injection under fluoro.")
    assert found == [("si", "si_diagnostic", "planned", "sacral", (), "right", None)]
    therapeutic = read("PROCEDURE: Therapeutic intra-articular facet injection, left C5-6.")
    assert therapeutic == [("facet", "therapeutic_ia", "performed", "cervical", ("C5", "C6"), "left", None)]


def test_a_prior_authorization_request_and_a_repeat_ablation():
    found = read("Prior authorization requested for repeat radiofrequency ablation of the right L4-5 medial branches.")
    assert found[0][:3] == ("facet", "rfa_repeat", "requested") and found[0][5] == "right"


def test_osteopathic_manipulation_is_not_chiropractic_manipulation():
    assert read("Treatment: OMT to the thoracic spine; muscle energy.") == []
    found = read("Subluxation C5, T6. Treatment: CMT to C5 and T6, diversified.")
    assert {f[:2] for f in found} == {("cmt", "cmt")}


def criteria(text: str, family: str, state: str = "performed") -> dict[str, tuple[str, list[str]]]:
    from notecoder.procedures.criteria import check_procedures

    checks = [c for c in check_procedures(text, notecoder.extract(text))
              if c.procedure.family == family and c.procedure.state == state]  # fmt: skip
    assert checks, [(c.procedure.family, c.procedure.state) for c in check_procedures(text, notecoder.extract(text))]
    for status in checks[0].criteria:
        for piece in status.evidence:
            assert text[piece.start : piece.end] == piece.text  # the evidence is the note's own words
    return {c.id: (c.status, [e.text for e in c.evidence]) for c in checks[0].criteria}


RFA_REQUEST = """PRIOR AUTHORIZATION REQUEST - lumbar RF neurotomy
Dx: lumbar spondylosis w/o myelopathy or radiculopathy (M47.816)
Hx: axial LBP x 14 months, NRS 8/10. ODI 46%. Failed 12 wks PT and meloxicam.
No radicular sx, SLR neg bilat. MRI L-spine 05/2025: L4-5, L5-S1 facet arthropathy, no stenosis, no HNP.
MBB #1 (06/02/2025): NRS 8 -> 1 (88% relief) x 6 h. MBB #2 (06/20/2025): NRS 8 -> 1, 85% relief.
Requesting bilateral L4-5 and L5-S1 radiofrequency ablation."""


def test_an_ablation_request_that_records_every_item():
    found = criteria(RFA_REQUEST, "facet", "requested")
    for criterion in ("facet.pain_duration", "facet.conservative_care_failed", "facet.no_untreated_radiculopathy",
                      "facet.other_causes_excluded", "facet.two_blocks_relief", "facet.same_pain_scale",
                      "facet.disability_baseline", "facet.levels_per_session"):  # fmt: skip
        assert found[criterion][0] == "documented", (criterion, found[criterion])
    assert "ODI 46" in found["facet.disability_baseline"][1][0]
    assert found["facet.frequency"][0] == "needs_history"  # only the record beyond this note can tell
    assert found["facet.image_guidance"][0] == "not_applicable"  # nothing performed yet
    assert found["facet.first_block_relief"][0] == "not_applicable"  # a block's criterion, not an ablation's


def test_a_second_block_after_a_first_that_fell_short_is_contradicted():
    note = ("PROCEDURE: Right C5-6 and C6-7 medial branch block, second diagnostic block, under fluoroscopy.\n"
            "Hx: neck pain x 18 months, failed PT and naproxen. No arm symptoms, Spurling's negative.\n"
            "First MBB 4/15: approximately 60% relief for 2 hours.")  # fmt: skip
    found = criteria(note, "facet")
    assert found["facet.first_block_relief"][0] == "contradicted" and "60%" in found["facet.first_block_relief"][1][0]
    assert found["facet.image_guidance"][0] == "documented"


def test_an_epidural_for_axial_pain_only_and_a_block_under_ultrasound():
    esi = criteria("PROCEDURE: L4-5 interlaminar ESI under fluoroscopy with contrast.\nIndication: axial low back "
                   "pain x 6 months, no leg symptoms. NRS 6/10.", "esi")  # fmt: skip
    assert esi["esi.radicular_indication"][0] == "contradicted"
    assert esi["esi.image_guidance"][0] == "documented" and esi["esi.baseline_scale"][0] == "documented"
    facet = criteria("PROCEDURE: Left L4-5 facet joint injection. Ultrasound guidance used.", "facet")
    assert facet["facet.image_guidance"] == ("contradicted", ["Ultrasound"])


def test_chiropractic_maintenance_care_with_part_findings():
    note = ("CHIROPRACTIC DAILY NOTE\nA: M99.03 subluxation L5.\nO: tenderness L5 spinous, restricted lumbar flexion, "
            "paraspinal hypertonicity.\nP: CMT diversified L5. Monthly maintenance visit.")  # fmt: skip
    found = criteria(note, "cmt")
    assert found["cmt.subluxation_primary"][0] == "documented"
    assert found["cmt.part_findings"][0] == "documented" and len(found["cmt.part_findings"][1]) >= 2
    assert found["cmt.active_treatment"] == ("contradicted", ["maintenance"])


def test_a_procedure_done_before_is_not_read_against_the_policy():
    found = criteria("HPI: s/p bilateral L3-5 RFA in 2022 with 9 months of relief; pain back since March.", "facet",
                     "historical")  # fmt: skip
    assert {status for status, _ in found.values()} == {"not_applicable"}


def linkage(text: str) -> dict[str, list[tuple[str, str]]]:
    found = notecoder.extract(text)
    return {p.procedure.family: [(f.code, f.kind) for f in p.linkage] for p in found.procedures}


def test_a_radiculopathy_code_on_a_facet_procedure_is_flagged_with_its_source():
    found = notecoder.extract("A: lumbar facet syndrome L4-5 with L5 radiculopathy. Plan: bilateral L4-5 MBB.")
    (facet,) = [p for p in found.procedures if p.procedure.family == "facet"]
    assert [(f.code, f.kind) for f in facet.linkage] == [("M54.16", "excluded")]
    assert facet.linkage[0].source.startswith("A58403") and not facet.linkage[0].verified
    assert not any(word in facet.linkage[0].message for word in ("covered", "paid", "approved"))


def test_m53_8_on_a_facet_procedure_needs_a_facet_cyst_and_si_holds_m53_3():
    assert linkage("Assessment: cervical facet syndrome C5-6, chronic.\nPlan: right C5-6 MBB.")["facet"] == [
        ("M53.82", "condition_required")]  # fmt: skip
    with_cyst = linkage("Assessment: cervical facet syndrome C5-6, chronic; facet cyst on MRI.\nPlan: right C5-6 MBB.")
    assert ("M53.82", "condition_required") not in with_cyst["facet"]
    assert linkage("Dx: SI joint dysfunction. Plan: right SIJ injection.")["si"] == []


def test_chiropractic_asks_for_a_subluxation_as_the_primary_diagnosis():
    assert linkage("A: lumbar facet syndrome L5, chronic.\nP: CMT L5 diversified.")["cmt"][-1][1] == "primary_required"
    assert linkage("A: lumbar segmental dysfunction L5, chronic.\nP: CMT L5 diversified.")["cmt"] == []  # M99.03
    assert linkage("HPI: neck pain. Plan: chiropractic referral declined.").get("cmt", []) == []  # negated: no check


def test_an_offered_procedure_the_patient_declined_is_negated_and_a_dated_block_is_past():
    found = read("Plan: We offered a right L5-S1 epidural steroid injection for the leg pain. She declined it today, "
                 "wishing to avoid steroids. Continue PT.")  # fmt: skip
    assert ("esi", "esi", "negated") in [f[:3] for f in found]
    assert read("RFA not an option: pacemaker-dependent.")[0][2] == "negated"
    past = read("PROCEDURE: right C5-6 MBB, second block.\nResponse to the first medial branch block on April 15: "
                "60 percent relief.")  # fmt: skip
    assert ("facet", "diagnostic_block", "historical") in [f[:3] for f in past]


def test_a_radiculopathy_the_note_treats_with_an_epidural_does_not_contradict_a_planned_block():
    note = ("A: 1. Lumbar facet arthropathy L4-5, axial LBP x 8 months. 2. Right L5 radiculopathy.\n"
            "PROCEDURE: right L4-5 transforaminal ESI under fluoroscopy with contrast.\n"
            "Plan: bilateral L4-5 medial branch blocks once the leg pain settles.")  # fmt: skip
    assert criteria(note, "facet", "planned")["facet.no_untreated_radiculopathy"][0] == "documented"
    caudal = criteria("PROCEDURE: Caudal epidural steroid injection under fluoroscopy with contrast.\nSciatica x 2 "
                      "months, failed PT.", "esi")  # fmt: skip
    assert caudal["esi.levels_per_session"][0] == "documented"


def test_the_printable_checklist_says_what_the_note_records_and_nothing_about_payment(tmp_path):
    from typer.testing import CliRunner

    from notecoder.cli import app

    note = tmp_path / "request.txt"
    note.write_text(RFA_REQUEST.replace("Requesting", "<script>alert(1)</script> Requesting"), encoding="utf-8")
    out = CliRunner().invoke(app, ["extract", str(note), "--format", "checklist", "-o", str(tmp_path / "c.html")])
    assert out.exit_code == 0, out.output
    page = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert "facet rfa initial, requested, bilateral lumbar L4-S1 \u2014 L38765" in page
    assert "\u201cODI 46%\u201d" in page and "needs history" in page and "unverified" in page
    assert "<script>alert" not in page and "Content-Security-Policy" in page
    assert FORBIDDEN.search(page.lower().replace("decides nothing about payment", "")) is None
    assert "MBB" not in "".join(re.findall(r"<h2>(.*?)</h2>", page))  # the earlier blocks are history, not asks
    empty = tmp_path / "well.txt"
    empty.write_text("Well visit. No complaints.", encoding="utf-8")
    out = CliRunner().invoke(app, ["extract", str(empty), "--format", "checklist"])
    assert "names no procedure these policies list" in out.output


def criterion(text: str, family: str, state: str, criterion_id: str) -> tuple[str, list[str]]:
    (check,) = [p for p in notecoder.extract(text).procedures
                if p.procedure.family == family and p.procedure.state == state]  # fmt: skip
    found = next(c for c in check.criteria if c.id == criterion_id)
    return found.status, [e.text for e in found.evidence]


def test_a_mention_dated_before_the_date_of_service_was_done_before():
    note = ("Received 07/02/2025. Request: initial thermal RF neurotomy, left L3-4 and L4-5.\n"
            "Block 1 - 05/06/2025 - left L3-4, L4-5 MBB: pain 8/10 -> 1/10.\n"
            "Block 2 - 05/27/2025 - left L3-4, L4-5 MBB: pain 8/10 -> 0/10.")  # fmt: skip
    states = {(p[1], p[2]) for p in read(note)}
    assert ("diagnostic_block", "historical") in states and ("diagnostic_block", "performed") not in states
    assert ("rfa_initial", "requested") in states


def test_seen_today_after_an_injection_is_no_injection_today():
    note = ("Seen today in clinic following his right L4-5 transforaminal epidural steroid injection of 2 weeks ago; "
            "leg pain 40% better.")  # fmt: skip
    assert [(p[0], p[2]) for p in read(note)] == [("esi", "historical")]


def test_levels_written_with_a_slash_are_no_date_and_a_plan_stays_planned():
    note = "Plan: repeat radiofrequency neurotomy L3/4 and L4/5 on the right - booked with Dr Shah."
    assert [(p[1], p[2]) for p in read(note)] == [("rfa_repeat", "planned")]


def test_a_form_answering_no_documents_no_radiculopathy_with_the_answer_in_the_quote():
    note = ("Axial LBP x 2 yrs.\nRadicular pain: none\nNeurogenic claudication: No\n"
            "Plan: bilateral L4-5 medial branch block #1.")  # fmt: skip
    status, words = criterion(note, "facet", "planned", "facet.no_untreated_radiculopathy")
    assert status == "documented" and "Neurogenic claudication: No" in words


def test_a_radiculopathy_in_another_region_does_not_contradict_a_facet_block():
    note = ("A/P: 1. Left C7 radiculopathy from C6-7 foraminal stenosis; she declines a neck injection.\n"
            "2. Lumbar facet arthropathy L4-5, L5-S1, axial pain 9 months, no leg symptoms. Plan: bilateral L4-5 "
            "and L5-S1 medial branch blocks.")  # fmt: skip
    status, words = criterion(note, "facet", "planned", "facet.no_untreated_radiculopathy")
    assert status == "documented" and words == ["no leg symptoms"]
    cervical = note.replace("Lumbar facet arthropathy L4-5, L5-S1", "Cervical facet arthropathy C5-6")
    cervical = cervical.replace("L4-5 and L5-S1 medial branch blocks", "C5-6 medial branch blocks")
    assert criterion(cervical, "facet", "planned", "facet.no_untreated_radiculopathy")[0] == "contradicted"


def test_a_request_form_s_service_line_is_what_it_requests():
    form = ("UTILIZATION MANAGEMENT - NEW REQUEST\nMember: [redacted]\nSERVICE: Right C5-6 interlaminar epidural "
            "steroid injection, fluoroscopy with contrast\nDx: M50.121")  # fmt: skip
    assert [(p[0], p[2]) for p in read(form)] == [("esi", "requested")]
    visit = "Office visit 03/02/2025\nProcedure: Right C5-6 interlaminar epidural steroid injection under fluoroscopy."
    assert [(p[0], p[2]) for p in read(visit)] == [("esi", "performed")]


def test_a_far_negation_does_not_reach_a_procedure_and_failed_care_was_tried_before():
    note = ("MRI without foraminal stenosis, the hips looked normal on films and her lumbar medial branch blocks in "
            "2023 gave no relief. Failed 6 weeks of physical therapy.")  # fmt: skip
    assert [(p[0], p[2]) for p in read(note)] == [("facet", "historical"), ("pt", "historical")]


def test_a_plan_inside_a_procedure_section_stays_a_plan():
    note = ("PROCEDURE: Right L4-5, L5-S1 medial branch block #2 under fluoroscopy, 0.5 mL bupivacaine per level.\n"
            "NRS 7 -> 1 at 30 min. Plan radiofrequency ablation right L4-5, L5-S1 if relief holds.")  # fmt: skip
    assert [(p[1], p[2]) for p in read(note)] == [("diagnostic_block", "performed"), ("rfa_initial", "planned")]


@pytest.mark.parametrize(
    ("written", "family", "step"),
    [
        ("Plan: right L3-4, L4-5 radio frequency ablation.", "facet", "rfa_initial"),
        ("Today: R SIJ diag inj under fluoro with contrast.", "si", "si_diagnostic"),
        ("Today: left sacral iliac joint injection with steroid under fluoroscopy.", "si", "si_therapeutic"),
        ("Plan: right L5-S1 transforaminal, 1 level, with fluoroscopy.", "esi", "esi"),
        ("Tried PT, NSAIDs and chiro without benefit.", "cmt", "cmt"),
    ],
)
def test_procedures_written_in_dictation_and_shorthand_are_found(written, family, step):
    assert (family, step) in {(p[0], p[1]) for p in read(written)}


def test_an_interbody_fusion_through_the_foramen_is_no_epidural():
    assert not read("S/P L4-5 transforaminal lumbar interbody fusion 2019; now axial pain only.")


@pytest.mark.parametrize(
    "tried",
    [
        "Six weeks of PT and a Medrol Dosepak without much change.",
        "PT x 8 wks with little change; naproxen made little difference.",
        "Physio 10 sessions, only slight improvement.",
        "tried PT 6wk + HEP, ibu 800 tid - min help",
    ],
)
def test_conservative_care_that_did_little_is_failed_care(tried):
    note = f"Right L5 radicular leg pain x 3 months, MRI L4-5 HNP on the L5 root. {tried}\nPlan: right L4-5 TFESI."
    status, words = criterion(note, "esi", "planned", "esi.conservative_care_failed")
    assert status == "documented" and words


@pytest.mark.parametrize(
    ("exam", "status"),
    [
        ("On exam thigh thrust, compression, FABER and Gaenslen were all positive on the left.", "documented"),
        ("Exam: FABER + L, Gaenslen + L.", "not_documented"),
        ("Exam: FABER + L, Gaenslen neg, thigh thrust neg, compression neg, distraction neg.", "contradicted"),
    ],
)
def test_sacroiliac_provocation_tests_are_counted_as_written(exam, status):
    note = f"Left buttock pain below L5 x 8 months. {exam}\nPlan: left SI joint injection under fluoroscopy."
    assert criterion(note, "si", "planned", "si.provocative_tests")[0] == status


def test_a_clinic_s_name_is_not_maintenance_care_and_a_negative_spurling_excludes_nothing():
    chiro = ("Harbour Spine & Wellness - Chiropractic Daily Note\nDx: M99.03 subluxation L4. Active care, goal: sit "
             "60 min. Today: chiropractic adjustment L4, diversified.")  # fmt: skip
    assert criterion(chiro, "cmt", "performed", "cmt.active_treatment")[0] == "documented"
    neck = "Axial neck pain 10 months. Spurling's is negative on both sides.\nPlan: right C4-5, C5-6 MBB."
    assert criterion(neck, "facet", "planned", "facet.other_causes_excluded")[0] == "not_documented"


@pytest.mark.parametrize(
    ("note", "state"),
    [
        (
            "Discharge sheet: if this block works as well as the first one did, the next step is radiofrequency "
            "ablation of the same nerves.",
            "planned",
        ),
        ("We talked it over and I have booked her for a caudal epidural steroid injection on 12 May.", "planned"),
        (
            "Dr. Ito agrees to repeat the left L4-5 transforaminal ESI; our office is submitting the prior "
            "authorization today.",
            "requested",
        ),
        ("Given two short-lived responses, a third RFA is not recommended.", "negated"),
        ("After the re-exam she received a diversified lumbar adjustment at L5 today.", "performed"),
        ("CARE TO DATE: 18 visits of chiropractic manipulation to the lumbar spine.", "historical"),
        (
            "Tried naproxen without lasting benefit, and she had chiropractic care in 2022 that helped for a while.",
            "historical",
        ),
    ],
)
def test_a_mention_s_state_comes_from_the_words_nearest_it(note, state):
    assert {p[2] for p in read(note) if p[0] != "pt"} == {state}  # "transforaminal ESI" may be found as two words


def test_a_flowsheet_row_is_dated_by_its_first_cell():
    sheet = ("DATE | S | O | Tx\n03/04/25 | LBP 4/10 | Sub L5 | Adj diversified L5\n"
             "04/01/25 | LBP 3/10 | Sub L5 | Adj diversified L5\n04/29/25 (today) | 2/10 | Sub L5 | Adj diversified L5")  # fmt: skip
    assert [p[2] for p in read(sheet)] == ["historical", "historical", "performed"]


def test_a_dictated_note_s_numbers_in_words_are_read():
    note = ("He had two blocks, his pain going from a seven to a one for about two hours, about eighty-six percent, "
            "and from a seven to a zero for six hours, both on the same zero to ten scale in his diary. Neck "
            "disability index of forty-two percent. Plan: right C5-6, C6-7 radiofrequency ablation.")  # fmt: skip
    assert criterion(note, "facet", "planned", "facet.two_blocks_relief")[0] == "documented"
    assert criterion(note, "facet", "planned", "facet.same_pain_scale")[0] == "documented"
    assert criterion(note, "facet", "planned", "facet.disability_baseline") == (
        "documented", ["Neck disability index of forty-two percent"])  # fmt: skip


def test_an_ablation_at_the_same_levels_has_the_block_s_levels():
    note = ("Today: 2nd confirmatory MBB bilat L4-5, L5-S1 under fluoroscopy.\n"
            "If concordant, RFA at the same levels is the next step.")  # fmt: skip
    assert [(p[1], p[4]) for p in read(note)] == [("diagnostic_block", ("L4", "L5", "S1")),
                                                 ("rfa_initial", ("L4", "L5", "S1"))]  # fmt: skip


def test_not_yet_at_maximum_improvement_is_no_maintenance_care():
    note = ("Re-exam: improving, not at maximum medical improvement. Dx M99.01 subluxation C5. Continue active "
            "corrective care, goal: full rotation. Today: diversified adjustment C5.")  # fmt: skip
    assert criterion(note, "cmt", "performed", "cmt.active_treatment")[0] == "documented"


def test_quotes_hold_the_item_a_treatment_s_duration_is_not_the_pain_s():
    note = ("Axial low back pain, better sitting. Meloxicam 15 mg daily x 6 mo and PT x 8 wks without durable "
            "benefit.\nBlock 1: NRS 8 -> 1, 85% relief. Plan: right L4-5 MBB #2.")  # fmt: skip
    assert criterion(note, "facet", "planned", "facet.pain_duration") == ("not_documented", [])
    status, words = criterion(note, "facet", "planned", "facet.conservative_care_failed")
    assert status == "documented" and "without durable benefit" in words
    status, words = criterion(note, "facet", "planned", "facet.first_block_relief")
    assert status == "documented" and words in (["85% relief"], ["8 -> 1"])


def test_imaging_that_frees_the_roots_is_against_an_epidural():
    note = ("Axial LBP, no leg symptoms. MRI L-spine: mild disc bulge L4-5, there is no central or foraminal "
            "stenosis and the nerve roots are free.\nPlan: L4-5 interlaminar epidural steroid injection.")  # fmt: skip
    status, words = criterion(note, "esi", "planned", "esi.concordant_imaging")
    assert status == "contradicted" and any("nerve roots are free" in w for w in words)
    shown = note.replace("mild disc bulge L4-5, there is no central or foraminal stenosis and the nerve roots are "
                         "free", "right L4-5 foraminal stenosis compressing the exiting L4 root")  # fmt: skip
    assert criterion(shown, "esi", "planned", "esi.concordant_imaging")[0] == "documented"


def test_a_procedure_note_s_own_history_is_history():
    note = ("PROCEDURE: Right C5-6 intra-articular facet injection under fluoroscopy.\nHistory: she had a right C7 "
            "radiculopathy in 2022, treated with a C7/T1 interlaminar epidural elsewhere, since resolved.")  # fmt: skip
    assert {(p[0], p[2]) for p in read(note)} == {("facet", "performed"), ("esi", "historical")}


def test_a_letter_of_medical_necessity_requests_what_its_subject_names():
    letter = ("October 21, 2024\nUtilization Management, Prior Authorization\nRE: Letter of Medical Necessity -- "
              "repeat radiofrequency ablation, right L3-4 and L4-5\nDear reviewer,")  # fmt: skip
    assert [(p[1], p[2]) for p in read(letter)] == [("rfa_repeat", "requested")]


def test_an_offer_she_accepts_is_not_declined_by_a_later_refusal():
    note = ("I have offered her right C4-5 and C5-6 radiofrequency ablation, which she very much wants, and we "
            "will schedule it for February. She declined any opioid.")  # fmt: skip
    assert [p[2] for p in read(note)] == ["planned"]


@pytest.mark.parametrize(
    ("films", "status"),
    [
        ("Care began 02/03/2025. Lumbar x-rays 01/21/2025 show L4 rotation.", "documented"),
        ("Care began 02/03/2025. Lumbar x-rays 06/10/2023 show L4 rotation.", "contradicted"),
        ("AP and lateral lumbar views taken in office today show L4 rotation.", "documented"),
        ("No x-rays taken; subluxation shown by PART exam.", "not_applicable"),
    ],
)
def test_a_chiropractic_film_is_dated_against_the_start_of_care(films, status):
    note = (f"Dx: M99.03 subluxation L4. {films}\nP: tender L4, restricted flexion, hypertonic paraspinals. "
            "Active care, goal: sit 60 min. Today: CMT diversified L4.")  # fmt: skip
    assert criterion(note, "cmt", "performed", "cmt.xray_timing")[0] == status


@pytest.mark.parametrize(
    ("note", "state"),
    [
        (
            "The pain service recommends a caudal epidural steroid injection once enoxaparin prophylaxis has been "
            "held 24 h.",
            "planned",
        ),
        ("Office note plan: if no better, consider MBB L4-5, L5-S1.", "planned"),
        ("Patient asks for a therapeutic left SI joint injection - will schedule it in 2-3 wks.", "planned"),
        ("The nerve-burning procedure (RFA) was discussed with them before and is not an option for her.", "negated"),
        ("Radiofrequency ablation is on hold and not scheduled.", "negated"),
    ],
)
def test_what_follows_a_mention_in_its_sentence_can_plan_or_withdraw_it(note, state):
    assert {p[2] for p in read(note) if p[0] != "pt"} == {state}


def test_a_chiropractor_s_plan_of_care_is_future_care():
    note = ("Plan:\n- Once cleared: chiropractic manipulative treatment L4, L5 (low-force), 2x/week x 6 weeks. "
            "Goals: pain 3/10 or less.")  # fmt: skip
    assert {p[2] for p in read(note) if p[0] == "cmt"} == {"planned"}


def test_quotes_carry_what_the_item_asks_levels_severity_cause_and_dated_films():
    note = ("Low back pain x 8 months, NRS 7/10. Left L5 radicular leg pain. MRI L-spine: left L4-5 foraminal "
            "stenosis contacting the exiting L4 root.\nPlan: left L4-5 transforaminal epidural steroid injection.")  # fmt: skip
    assert criterion(note, "esi", "planned", "esi.pain_duration")[1] == ["x 8 months", "NRS 7/10"]
    assert any("foraminal stenosis" in w for w in criterion(note, "esi", "planned", "esi.radicular_indication")[1])
    assert any("L4-5" in w for w in criterion(note, "esi", "planned", "esi.levels_per_session")[1])
    chiro = ("Care began 02/03/2025. Lumbar x-rays 01/21/2025 show L4 rotation.\nDx: M99.03 subluxation L4. "
             "P: tender L4. Goals: sit 60 min without pain. Today: CMT diversified L4.")  # fmt: skip
    assert criterion(chiro, "cmt", "performed", "cmt.xray_timing") == ("documented", ["x-rays", "01/21/2025"])
    assert criterion(chiro, "cmt", "performed", "cmt.active_treatment")[1] == ["Goals: sit 60 min without pain"]


def test_hours_of_relief_after_a_diagnostic_block_are_no_months_of_response():
    note = ("Diagnostic right SIJ block 01/2025 gave 90% relief for the duration of the anesthetic. Therapeutic "
            "right SIJ injection 05/2025 gave about 70% relief lasting 5 months.\nToday: right SI joint injection, "
            "therapeutic, with steroid under fluoroscopy with contrast.")  # fmt: skip
    assert criterion(note, "si", "performed", "si.therapeutic_response") == ("documented", ["70% relief"])


def test_a_repeat_ablation_asks_for_the_earlier_ablation_s_relief_not_a_block_s():
    note = ("Two diagnostic MBBs in 2023 gave 90% and 85% relief for hours.\nRight L4-5, L5-S1 radiofrequency "
            "ablation 03/2024 gave 70% relief for 9 months.\nPlan: repeat right L4-5, L5-S1 radiofrequency ablation.")  # fmt: skip
    assert criterion(note, "facet", "planned", "facet.repeat_rfa_response") == ("documented", ["70% relief"])
    blocks_only = note.replace("Right L4-5, L5-S1 radiofrequency ablation 03/2024 gave 70% relief for 9 months.\n", "")
    assert criterion(blocks_only, "facet", "planned", "facet.repeat_rfa_response")[0] == "not_documented"


def test_room_labels_are_not_guidance_and_a_blank_scale_is_no_score():
    note = ("Location: Procedure Suite 2 (fluoro)   Fluoro tech: B. Ade\nLow back pain x 8 months. Pain scale: ____\n"
            "Today: right L4-5 interlaminar epidural steroid injection with Omnipaque.")  # fmt: skip
    assert criterion(note, "esi", "performed", "esi.image_guidance")[0] == "not_documented"
    assert criterion(note, "esi", "performed", "esi.baseline_scale")[0] == "not_documented"
    scored = note.replace("Pain scale: ____", "Pain scale: 7/10").replace("injection with", "injection under "
                                                                          "fluoroscopic guidance with")  # fmt: skip
    assert criterion(scored, "esi", "performed", "esi.baseline_scale") == ("documented", ["Pain scale: 7/10"])
    assert criterion(scored, "esi", "performed", "esi.image_guidance")[1][0].startswith("fluoroscopic guidance")


def test_a_course_of_therapy_s_weeks_are_not_the_pain_s():
    note = ("Left L5 radicular pain. Conservative management included 8 weeks of supervised PT, without relief.\n"
            "Plan: left L4-5 TFESI.")  # fmt: skip
    assert criterion(note, "esi", "planned", "esi.pain_duration")[0] == "not_documented"
    status, words = criterion(note, "esi", "planned", "esi.conservative_care_failed")
    assert status == "documented" and "8 weeks" in words and "without relief" in words


def test_a_form_with_dot_leaders_requests_and_a_dated_procedure_was_done_before():
    form = ("PRIOR AUTH REQUEST - WEB SUBMISSION (exported 08/19/2025)\nProcedure ........... Sacroiliac joint "
            "injection - THERAPEUTIC (steroid)\nSide ................ [X] Right")  # fmt: skip
    assert [(p[0], p[2]) for p in read(form)] == [("si", "requested")]
    letter = ("NOTICE OF ADVERSE DETERMINATION\nDate: October 2, 2025\nLeft L3-4, L4-5 RFA performed 11/19/2024; "
              "about 40% better for four months.")  # fmt: skip
    assert [(p[1], p[2]) for p in read(letter)] == [("rfa_initial", "historical")]


def test_a_form_s_answer_is_quoted_with_its_question():
    form = ("Q7 Facet procedures in past 12 months ........ None\nAxial LBP x 9 months, NRS 7/10.\n"
            "Request: bilateral L4-5 medial branch block #1 under fluoroscopy.")  # fmt: skip
    status, words = criterion(form, "facet", "requested", "facet.frequency")
    assert status == "documented" and words[0].endswith("None")


@pytest.mark.parametrize(
    "note, want",
    [
        ("Review date 06/10/2025\nRight L3-4/L4-5 medial branch blocks were performed in 02/2025 and 03/2025 with "
         "85% and 90% relief. Request: RFA.", ("diagnostic_block", "historical")),
        ("Letter of 9 July 2025. Her left SI joint injection was done in March 2025; she has had 3 months of "
         "relief.", ("si", "historical")),
    ],
)
def test_a_procedure_done_in_an_earlier_month_is_past(note, want):
    assert want in {(p[1] if p[0] == "facet" else p[0], p[2]) for p in read(note)}


@pytest.mark.parametrize(
    "note, family",
    [
        ("Lumbar radiofrequency ablation is not being pursued because of her pacemaker.", "facet"),
        ("L4-5 medial branch blocks were not felt to be indicated - no facet loading pain.", "facet"),
        ("Cervical ESI not thought appropriate given the normal MRI.", "esi"),
        ("She was referred for physical therapy in May but did not go.", "pt"),
        ("Referred to PT by her PCP, never attended.", "pt"),
    ],
)
def test_a_procedure_not_pursued_not_indicated_or_not_attended_is_negated(note, family):
    assert [(p[0], p[2]) for p in read(note)] == [(family, "negated")]


def test_a_denial_letter_s_negations_are_not_documentation():
    note = ("UM review, 10/02/2026. Service requested: repeat L5-S1 interlaminar epidural steroid injection.\n"
            "Summary: central low back pain since spring, non-radiating. MRI 07/2026: mild disc bulge without canal "
            "stenosis, foraminal narrowing or nerve root contact. NRS 6/10. Failed 8 weeks of PT and naproxen.\n"
            "Rationale: the record describes axial pain, without radicular pain or neurogenic claudication. The "
            "imaging does not show compression that would correlate with a radicular syndrome. The earlier ILESI "
            "gave less than 50% improvement for two weeks.")  # fmt: skip
    radicular, said = criterion(note, "esi", "requested", "esi.radicular_indication")
    assert radicular == "contradicted", said
    imaging, said = criterion(note, "esi", "requested", "esi.concordant_imaging")
    assert imaging == "contradicted", said
    response, said = criterion(note, "esi", "requested", "esi.repeat_response")
    assert response == "contradicted" and any("less than 50%" in s for s in said), said



def test_a_study_whose_report_is_not_in_hand_shows_nothing_and_a_contact_line_is_no_finding():
    note = ("PRIOR AUTHORIZATION - CERVICAL EPIDURAL\nRequested: C7-T1 interlaminar ESI.\n"
            "Right arm pain to the thumb for 4 months, NRS 7/10; C6 numbness on exam.\n"
            "Advanced imaging: cervical MRI done at an outside centre in October; the report has been requested.\n"
            "Contact for questions: utilization coordinator, ext. 4410.")  # fmt: skip
    status, said = criterion(note, "esi", "requested", "esi.concordant_imaging")
    assert status == "not_documented", said


def test_a_reason_announced_by_a_title_is_quoted_with_the_reason():
    note = ("LETTER OF MEDICAL NECESSITY\nRequest: repeat bilateral L4-5 therapeutic intra-articular facet joint injections.\n"
            "5. Why ablation is not an option. He is pacemaker-dependent and his electrophysiologist advises against "
            "radiofrequency energy delivery.")  # fmt: skip
    status, said = criterion(note, "facet", "requested", "facet.rfa_not_possible")
    assert status == "documented" and any("pacemaker" in s for s in said), said


def test_a_count_of_earlier_injections_over_a_year_is_not_the_pain_s_duration():
    note = ("PRE-PROCEDURE CHECKLIST - L5-S1 TFESI today\n[x] Prior spine injections: none in the past year per pt\n"
            "[x] Consent signed\nLeft leg pain with L5 numbness; MRI: L5-S1 foraminal stenosis, left.")  # fmt: skip
    status, said = criterion(note, "esi", "performed", "esi.pain_duration")
    assert status != "documented" or not any("past year" in s for s in said), said
