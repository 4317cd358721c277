"""Procedure linkage, first layer: the policies as data (each criterion sourced, unverified ones marked, never a
promise of payment) and the procedures a note names, with family, step, state, region, levels, side and block
number, on notes written as pain and chiropractic practices write them."""

import json

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
