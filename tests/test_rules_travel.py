"""A saved pipeline carries its rules, as spaCy's SpanRuler carries its patterns: a pipeline built with another rules
file finds the same things after `nlp.to_disk` and `spacy.load` (or `to_bytes` and `from_bytes`) on a machine
where that file is not, and a damaged saved copy is refused by name."""

import json
import subprocess
import sys
import textwrap

import pytest
import spacy

import notecoder
from notecoder.rules_file import raw_rules
from tests import notes

EXTRA_PHRASE = "cervicoencephalic syndrome"  # another name of the cervicocranial syndrome (M53.0)
NOTE = """\
CHIEF COMPLAINT: Neck pain with dizziness and occipital headaches since a rear-end MVC in 01/2025.
HPI: 47 yo F reports suboccipital pain radiating to the vertex, blurred vision and tinnitus with neck rotation.
Denies arm numbness or weakness. PT x 6 wks with partial relief.
EXAM: Restricted C1-C2 rotation to the left. Upper cervical paraspinal tenderness. Neuro intact.
ASSESSMENT: Cervicoencephalic syndrome following whiplash injury.
PLAN: Continue PT, vestibular rehab referral.
"""
START = NOTE.index("Cervicoencephalic")
EXPECTED = ("condition", "cervicocranial_syndrome", "Cervicoencephalic syndrome", START, START + len(EXTRA_PHRASE))


def extra_phrase_findings(doc) -> list[tuple]:
    return [(f.kind.value, f.concept, f.text, f.start, f.end) for f in doc._.findings if f.start == START]


@pytest.fixture
def custom_rules(tmp_path):
    """The shipped target rules with one more phrase for the cervicocranial syndrome, in a file of its own."""
    rules = raw_rules("notecoder.targets")
    group = next(g for g in rules["groups"] if g["kind"] == "condition" and g["concept"] == "cervicocranial_syndrome")
    group["phrases"].append(EXTRA_PHRASE)
    path = tmp_path / "my_targets.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    return path


def custom_pipeline(path):
    nlp = notecoder.load()
    nlp.replace_pipe("notecoder_targets", "notecoder_targets", config={"rules": str(path)})
    return nlp


def test_the_extra_phrase_is_found_only_with_the_custom_rules(custom_rules):
    assert extra_phrase_findings(notecoder.load()(NOTE)) == []
    assert extra_phrase_findings(custom_pipeline(custom_rules)(NOTE)) == [EXPECTED]


def test_a_saved_pipeline_keeps_its_custom_rules_when_the_file_is_gone(custom_rules, tmp_path):
    saved = tmp_path / "pipeline"
    custom_pipeline(custom_rules).to_disk(saved)
    custom_rules.unlink()
    assert EXTRA_PHRASE in (saved / "notecoder_targets" / "rules.json").read_text(encoding="utf-8")
    assert extra_phrase_findings(spacy.load(saved)(NOTE)) == [EXPECTED]


def test_a_saved_pipeline_keeps_its_custom_rules_in_a_fresh_process(custom_rules, tmp_path):
    saved = tmp_path / "pipeline"
    custom_pipeline(custom_rules).to_disk(saved)
    custom_rules.unlink()
    code = textwrap.dedent(
        """
        import json, sys, spacy
        doc = spacy.load(sys.argv[1])(sys.argv[2])
        print(json.dumps([[f.kind.value, f.concept, f.text, f.start, f.end] for f in doc._.findings]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(saved), NOTE], capture_output=True, text=True, timeout=180, check=True
    )
    assert EXPECTED in [tuple(f) for f in json.loads(done.stdout)]


def test_the_default_pipeline_round_trips_with_the_same_findings(tmp_path):
    nlp = notecoder.load()
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    for text in (notes.CLINIC_TEMPLATE, notes.RADIOLOGY, notes.CHIROPRACTIC):
        assert loaded(text)._.findings == nlp(text)._.findings


def test_rules_round_trip_through_bytes(custom_rules):
    data = custom_pipeline(custom_rules).to_bytes()
    custom_rules.unlink()
    nlp = notecoder.load()
    assert extra_phrase_findings(nlp(NOTE)) == []
    nlp.from_bytes(data)
    assert extra_phrase_findings(nlp(NOTE)) == [EXPECTED]
    assert nlp(notes.CLINIC_TEMPLATE)._.findings == notecoder.load()(notes.CLINIC_TEMPLATE)._.findings


@pytest.mark.parametrize(
    ("component", "damage", "message"),
    [
        ("notecoder_targets", lambda text: text[: len(text) // 2], "cannot be read"),
        ("notecoder_sections", lambda text: text.replace('"sections"', '"sectoins"', 1), "is not valid.*sectoins"),
        ("notecoder_context", lambda text: "[]", "is not a JSON object"),
    ],
)
def test_a_damaged_saved_rules_file_is_refused_by_name(tmp_path, component, damage, message):
    saved = tmp_path / "pipeline"
    notecoder.load().to_disk(saved)
    path = saved / component / "rules.json"
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ValueError, match=rf"(?s)^rules file {path} {message}") as error:
        spacy.load(saved)
    # raised where the rules are read, with no JSON or pydantic exception chained to it
    assert error.traceback[-1].path.name == "rules_file.py"
    assert error.value.__suppress_context__ or error.value.__context__ is None


def test_a_component_whose_rules_file_is_missing_says_so_when_used(tmp_path):
    """Built from a config naming a file that is not there (as `spacy.load` builds a saved pipeline before giving it
    its saved rules), a component that never got rules names the file when it is used."""
    nlp = notecoder.load()
    nlp.replace_pipe("notecoder_sections", "notecoder_sections", config={"rules": str(tmp_path / "gone.json")})
    with pytest.raises(AttributeError, match=r"SectionStage has no rules: rules file .*gone\.json does not exist"):
        nlp(notes.CLINIC_TEMPLATE)


def test_only_a_component_waiting_for_its_rules_has_a_getattr(tmp_path):
    """spaCy asks every component for `get_error_handler` on every note: a component with its rules answers from
    its class alone. One waiting for them (its own subclass, which pickles) explains the missing file, and is its
    own class again once given rules."""
    import pickle

    from notecoder.sections.component import SectionStage

    nlp = notecoder.load()
    assert all(not hasattr(type(component), "__getattr__") for _, component in nlp.pipeline)
    nlp.replace_pipe("notecoder_sections", "notecoder_sections", config={"rules": str(tmp_path / "gone.json")})
    waiting = nlp.get_pipe("notecoder_sections")
    assert isinstance(waiting, SectionStage) and type(waiting) is SectionStage._waiting
    assert type(pickle.loads(pickle.dumps(waiting))) is SectionStage._waiting
    assert not hasattr(waiting, "get_error_handler")
    waiting.from_bytes(notecoder.load().get_pipe("notecoder_sections").to_bytes())
    assert type(waiting) is SectionStage
    assert nlp(notes.CLINIC_TEMPLATE)._.sections
