"""notecoder loads the way spaCy loads an installed pipeline package: `spacy.load("notecoder")` with spaCy's own
options, `spacy.info("notecoder")` from the package's meta.json; and its findings show in displaCy in their own
colours, the note's text escaped."""

import json
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import spacy
from spacy import displacy

import notecoder
from notecoder.pipeline import PIPELINE

NOTE = "Assessment: cervical facet syndrome C5-6 <script>alert(1)</script>. No radiculopathy. MRI: L4-5 stenosis."


def findings(nlp, text=NOTE):
    return [f.model_dump(mode="json") for f in nlp(text)._.notecoder_findings]


def test_spacy_load_by_package_name_is_notecoders_pipeline():
    nlp = spacy.load("notecoder")
    assert nlp.pipe_names == list(PIPELINE)
    assert (nlp.meta["name"], nlp.meta["version"]) == ("notecoder", notecoder.__version__)
    assert findings(nlp) == findings(notecoder.load())


def test_spacy_load_takes_spacys_options():
    excluded = spacy.load("notecoder", exclude=["notecoder_findings"])
    assert "notecoder_findings" not in excluded.component_names
    disabled = spacy.load("notecoder", disable=["notecoder_findings"])
    assert disabled.disabled == ["notecoder_findings"] and not disabled(NOTE)._.notecoder_findings
    enabled = spacy.load("notecoder", enable=[name for name in PIPELINE if name != "notecoder_findings"])
    assert enabled.disabled == ["notecoder_findings"]
    assert spacy.load("notecoder", vocab=excluded.vocab).vocab is excluded.vocab


def test_spacy_load_config_overrides_reach_the_components(tmp_path):
    from notecoder.sections import section_rules

    rules = section_rules().model_dump(mode="json")
    rules["sections"].append({"category": "assessment", "titles": ["clinician summary"]})
    path = tmp_path / "sections.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    text = "Clinician summary: lumbar facet syndrome."
    nlp = spacy.load("notecoder", config={"components.notecoder_sections.rules": str(path)})
    assert nlp(text)._.notecoder_findings[0].section == "assessment"
    nested = notecoder.load(config={"components": {"notecoder_sections": {"rules": str(path)}}})
    assert nested(text)._.notecoder_findings[0].section == "assessment"
    assert spacy.load("notecoder")(text)._.notecoder_findings[0].section is None


def test_the_package_meta_is_the_pipelines():
    """`spacy info notecoder` reads meta.json beside the package's `__init__.py`, as for any pipeline package."""
    meta = json.loads((Path(notecoder.__file__).parent / "meta.json").read_text(encoding="utf-8"))
    loaded = notecoder.load().meta
    for key in ("lang", "name", "version", "description", "license", "requirements", "pipeline"):
        assert meta[key] == loaded[key], key
    assert spacy.info("notecoder")["name"] == "notecoder"


def test_spacy_info_lists_notecoder_when_the_package_declares_it():
    """spaCy lists the pipelines that declare a `spacy_models` entry point (pyproject.toml:
    `[project.entry-points.spacy_models] notecoder = "notecoder"`)."""
    assert any(e.name == "notecoder" for e in entry_points(group="spacy_models"))
    assert "notecoder" in spacy.info()["pipelines"]


@pytest.mark.parametrize("style", ["ent", "span"])
def test_displacy_draws_each_kind_in_its_colour_and_escapes_the_note(style):
    from notecoder.display import FINDING_COLORS, displacy_options

    assert set(FINDING_COLORS) == {kind.value for kind in notecoder.FindingKind}
    assert len(set(FINDING_COLORS.values())) == len(FINDING_COLORS)
    doc = notecoder.load()(NOTE)
    html = displacy.render(doc, style=style, options=displacy_options(style), jupyter=False)
    for kind in ("condition", "spinal_level", "imaging"):
        assert FINDING_COLORS[kind] in html, kind
    assert "<script" not in html and "&lt;script&gt;" in html.replace(" ", "")
    # another label keeps displaCy's own colours; the host's own colours win over notecoder's
    mine = displacy_options(style, colors={"condition": "#123456"})
    assert "#123456" in displacy.render(doc, style=style, options=mine, jupyter=False)
