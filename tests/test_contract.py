"""The contract users build on: types, bad input, spans that are always exact, JSON round-trip, no PHI in logs."""

import logging

import pytest
from pydantic import ValidationError

import notecoder
from notecoder import NoteResult
from tests import notes


@pytest.mark.parametrize("bad", [None, 42, b"neck pain", ["neck pain"]])
def test_non_str_raises_type_error_naming_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        notecoder.extract(bad)


@pytest.mark.parametrize("blank", ["", " ", "\n\n\t  \r\n"])
def test_blank_text_gives_an_empty_result(blank):
    assert notecoder.extract(blank) == NoteResult()


def test_result_is_frozen():
    result = notecoder.extract("Cervical facet syndrome.")
    with pytest.raises(ValidationError):
        result.findings = ()
    with pytest.raises(ValidationError):
        result.findings[0].text = "x"


@pytest.mark.parametrize("name", [n for n in dir(notes) if n.isupper()])
def test_json_round_trip(name):
    result = notecoder.extract(getattr(notes, name))
    assert NoteResult.model_validate_json(result.model_dump_json()) == result


def test_a_note_with_nothing_spinal_has_no_codes_alternatives_or_gaps():
    result = notecoder.extract("Seen for hypertension follow-up. BP 128/80. Continue lisinopril.")
    assert (result.codes, result.alternatives, result.gaps) == ((), (), ())


def test_a_one_megabyte_note_completes():
    text = (notes.CLINIC_TEMPLATE + "\n") * (1_000_000 // len(notes.CLINIC_TEMPLATE) + 1)
    assert len(text) >= 1_000_000
    result = notecoder.extract(text)
    assert len(result.of_kind("condition")) > 1000
    assert all(text[f.start : f.end] == f.text for f in result.findings)


def test_control_characters_and_non_ascii_keep_spans_exact():
    text = "Pt\x00 c/o\tneck pain\u200b → C5–C6 facet syndrome; naïve Ünïcödé \x1b[31m\r\nNo radiculopathy.\x0c"
    result = notecoder.extract(text)
    assert {f.concept for f in result.findings} >= {"neck_pain", "facet_syndrome", "radiculopathy"}
    assert all(text[f.start : f.end] == f.text for f in result.findings)


def test_too_long_note_is_refused_without_its_text():
    text = "SECRET-PATIENT-NAME " * 300_000
    with pytest.raises(ValueError) as raised:
        notecoder.extract(text)
    assert "SECRET" not in str(raised.value)


def test_note_text_never_reaches_logs(caplog, capfd):
    caplog.set_level(logging.DEBUG)
    marker = "Zebulon Quixote-Marchetti"
    notecoder.extract(f"Patient {marker} has cervical facet syndrome at C5-6. Denies headache.")
    captured = capfd.readouterr()
    assert marker not in caplog.text
    assert marker not in captured.out + captured.err
