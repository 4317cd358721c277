"""What comes with a note to a pre-submission or prior-authorization check: the procedure codes billed or requested
(through the user's own code map: notecoder ships no code table), the MAC jurisdiction and the date of service."""

import json
from datetime import date

import pytest
from typer.testing import CliRunner

import notecoder
from notecoder.cli import app
from notecoder.procedures.claim import Claim, ClaimedCode, CodeMap, claim_lines, jurisdiction_id

MBB_TODAY = (
    "DOS: 03/14/2025\nHPI: 67F, axial LBP since 2021, NRS 7/10, worse with extension. No leg pain. Failed 12 wks PT "
    "and meloxicam. MRI 11/2024: L4-5 facet arthropathy, no HNP or stenosis.\n"
    "PROCEDURE: Bilateral L4-5 medial branch block #1 under fluoroscopic guidance. Pt tolerated well.\n"
    "PLAN: if >= 80% relief, second MBB; she declined an ESI."
)


@pytest.fixture
def code_map(tmp_path):
    path = tmp_path / "map.csv"
    path.write_text("code,family,step\nPAIN-01,facet,diagnostic_block\nPAIN-02,facet,rfa_initial\n"
                    "PAIN-03,esi,\nCHIRO-1,cmt,cmt\n", encoding="utf-8")  # fmt: skip
    return CodeMap.read(path)


def statuses(result) -> dict[str, str]:
    return {m.code: m.status for m in result.claim.codes}


def test_each_code_is_read_against_the_procedures_the_note_names(code_map):
    result = notecoder.extract(MBB_TODAY, claim=code_map.claim(["PAIN-01", "PAIN-02", "PAIN-03", "99999"]))
    assert statuses(result) == {"PAIN-01": "named", "PAIN-02": "other_step", "PAIN-03": "not_named",
                                "99999": "unmapped"}  # fmt: skip
    named, other, esi, unknown = result.claim.codes
    block = result.procedures[named.procedure].procedure
    assert (block.family, block.step, block.state) == ("facet", "diagnostic_block", "performed")
    assert other.procedure == named.procedure and "reads as diagnostic block" in other.message
    assert "only as negated" in esi.message  # the ESI she declined is no ESI to bill
    assert "not in the code map" in unknown.message
    assert result.claim.unclaimed == ()


def test_a_procedure_performed_that_no_code_names_is_reported(code_map):
    result = notecoder.extract(MBB_TODAY, claim=code_map.claim(["CHIRO-1"]))
    assert statuses(result) == {"CHIRO-1": "not_named"}
    (index,) = result.claim.unclaimed
    assert result.procedures[index].procedure.step == "diagnostic_block"
    assert ("unclaimed", "the note performs a facet diagnostic block that no code given names") in claim_lines(result)


def test_without_codes_nothing_is_unclaimed_and_the_jurisdiction_names_its_policy():
    result = notecoder.extract(MBB_TODAY, claim=Claim(jurisdiction="15"))
    assert result.claim.codes == () and result.claim.unclaimed == ()
    (note,) = result.claim.notes
    assert note.startswith("facet: J15 (CGS) publishes L38773; the items read are L38765's")
    same = notecoder.extract(MBB_TODAY, claim=Claim(jurisdiction="JM")).claim.notes
    assert same == ("facet: JM (Palmetto GBA) publishes L38765, the policy read",)


def test_a_jurisdiction_without_a_known_policy_for_the_family_says_so():
    note = ("Lumbar radicular pain L5 x 4 months, MRI L4-5 HNP compressing the L5 root. Failed PT, NSAIDs.\n"
            "Plan: right L4-5 TFESI.")  # fmt: skip
    (said,) = notecoder.extract(note, claim=Claim(jurisdiction="JE")).claim.notes
    assert said.startswith("esi: notecoder has no record of the policy JE (Noridian) publishes")


@pytest.mark.parametrize("written", ["15", "j-15", "J15", " j15 "])
def test_jurisdictions_are_read_as_written(written):
    assert jurisdiction_id(written) == "J15"


def test_an_unknown_jurisdiction_or_a_bad_date_is_refused_naming_it():
    with pytest.raises(ValueError, match="jurisdiction must be a Medicare A/B MAC jurisdiction .* not 'J99'"):
        Claim(jurisdiction="J99")
    with pytest.raises(ValueError, match="date_of_service"):
        Claim(date_of_service="2025-02-30")
    with pytest.raises(TypeError, match="claim must be"):
        notecoder.extract(MBB_TODAY, claim={"codes": ["PAIN-01"]})


def test_the_date_of_service_counts_an_onset_year():
    note = "Axial low back pain since 2021, worse with extension.\nPlan: bilateral L4-5 MBB."

    def pain_duration(claim=None):
        (check,) = [p for p in notecoder.extract(note, claim=claim).procedures if p.procedure.family == "facet"]
        return next((c.status, [e.text for e in c.evidence]) for c in check.criteria if c.id == "facet.pain_duration")

    assert pain_duration() == ("not_documented", [])  # no date to count to
    assert pain_duration(Claim(date_of_service=date(2025, 3, 14))) == ("documented", ["since 2021"])
    # "since 2021" on 2022-02-01: at least a month, perhaps thirteen: neither shown nor refuted
    assert pain_duration(Claim(date_of_service=date(2022, 2, 1))) == ("not_documented", [])
    recent = note.replace("since 2021", "since March 2025")
    (check,) = [p for p in notecoder.extract(recent, claim=Claim(date_of_service=date(2025, 4, 10))).procedures
                if p.procedure.family == "facet"]  # fmt: skip
    assert next(c.status for c in check.criteria if c.id == "facet.pain_duration") == "contradicted"


def test_the_note_s_own_date_of_service_is_used_when_none_is_given():
    (check,) = [p for p in notecoder.extract(MBB_TODAY).procedures if p.procedure.state == "performed"]
    duration = next(c for c in check.criteria if c.id == "facet.pain_duration")
    assert duration.status == "documented" and [e.text for e in duration.evidence] == ["since 2021", "NRS 7/10"]


def test_a_date_of_service_before_the_version_read_is_told():
    notes = notecoder.extract(MBB_TODAY, claim=Claim(date_of_service=date(2023, 1, 5))).claim.notes
    assert notes == ("facet: the date of service (2023-01-05) is before the version of L38765 read (2024-07-07); "
                     "the version in force that day may differ",)  # fmt: skip


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("code,family\nA1,facet\nA1,esi\n", "line 3: code A1 is mapped twice"),
        ("code,family,step\nA1,knee,\n", "line 2: code A1: family must be one of facet, esi, si, cmt, pt"),
        ("code,family,step\nA1,esi,rfa_initial\n", "line 2: code A1: step must be one of esi"),
        ("code,step\nA1,esi\n", "header needs the column\\(s\\) family"),
        ("code,family\n,esi\n", "line 2: the code is empty"),
    ],
)
def test_a_bad_code_map_is_refused_naming_the_line(tmp_path, content, said):
    path = tmp_path / "map.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=said):
        CodeMap.read(path)


def test_a_json_code_map_reads_family_and_step(tmp_path):
    path = tmp_path / "map.json"
    path.write_text(json.dumps({"X-RFA": "facet.rfa_repeat", "X-SI": "si"}), encoding="utf-8")
    mapped = CodeMap.read(path)
    assert mapped["X-RFA"] == ClaimedCode(code="X-RFA", family="facet", step="rfa_repeat")
    assert mapped["X-SI"].step is None and mapped["nope"].family is None
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ValueError, match="a JSON code map is an object"):
        CodeMap.read(path)


def test_the_cli_reads_codes_through_the_map_and_prints_them(tmp_path):
    note, path = tmp_path / "note.txt", tmp_path / "map.csv"
    note.write_text(MBB_TODAY, encoding="utf-8")
    path.write_text("code,family,step\nPAIN-02,facet,rfa_initial\n", encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(app, ["extract", str(note), "--format", "json", "--procedure-map", str(path),
                              "--procedure-code", "PAIN-02", "--jurisdiction", "jj", "--date-of-service", "2025-03-14"])  # fmt: skip
    assert out.exit_code == 0, out.output
    claim = json.loads(out.output)["claim"]
    assert claim["jurisdiction"] == "JJ" and claim["date_of_service"] == "2025-03-14"
    assert [c["status"] for c in claim["codes"]] == ["other_step"]
    page = runner.invoke(app, ["extract", str(note), "--format", "checklist", "--procedure-map", str(path),
                               "--procedure-code", "PAIN-02"])  # fmt: skip
    assert (
        "Procedure codes given with the note" in page.output
        and "PAIN-02: PAIN-02 is a facet rfa initial" in page.output
    )
    refused = runner.invoke(app, ["extract", str(note), "--procedure-code", "PAIN-02"])
    assert refused.exit_code != 0 and "give --procedure-map" in refused.output
    bad = runner.invoke(app, ["extract", str(note), "--jurisdiction", "Z9"])
    assert bad.exit_code != 0 and "--jurisdiction" in bad.output and "not 'Z9'" in bad.output


def test_the_claim_is_part_of_the_result_s_schema_and_round_trips(code_map):
    result = notecoder.extract(MBB_TODAY, claim=code_map.claim(["PAIN-01"], "JJ", "2025-03-14"))
    again = notecoder.NoteResult.model_validate_json(result.model_dump_json())
    assert again.claim == result.claim and again.claim.date_of_service == date(2025, 3, 14)
    assert "claim" in notecoder.NoteResult.model_json_schema()["properties"]


def test_in_fhir_a_code_the_note_does_not_bear_out_is_a_task(code_map):
    from notecoder.fhir_r4 import CODE_CHECK_SYSTEM, code_systems

    result = notecoder.extract(MBB_TODAY, claim=code_map.claim(["PAIN-01", "PAIN-02", "PAIN-03", "99999"]))
    bundle = json.loads(result.to_fhir().model_dump_json(exclude_none=True))
    tasks = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Task"
             and e["resource"]["code"]["coding"][0]["system"] == CODE_CHECK_SYSTEM]  # fmt: skip
    assert sorted((t["input"][0]["valueString"], t["code"]["coding"][0]["code"]) for t in tasks) == [
        ("PAIN-02", "other_step"), ("PAIN-03", "not_named")]  # fmt: skip
    defined = {c.code for s in code_systems() if s.url == CODE_CHECK_SYSTEM for c in s.concept}
    assert {t["code"]["coding"][0]["code"] for t in tasks} <= defined
