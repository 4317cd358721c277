"""What a spaCy or medSpaCy user tries first: save and load the pipeline, serialize its Docs, run it in several
processes, show its findings with displaCy and medSpaCy's visualizer, configure its components."""

import json
import subprocess
import sys
import textwrap

import pytest
import spacy
from spacy import displacy
from spacy.tokens import Doc, DocBin, Span

import notecoder
from notecoder.result import Assertion, Finding, Region

NOTES = [
    "CC: neck pain x 3 months.\nAssessment: cervical facet syndrome C5-6. No radiculopathy.\nPlan: PT 6 weeks.",
    "HPI: LBP since a fall 2 wks ago, denies saddle anesthesia.\nA/P: L4-5 disc herniation with L5 radiculopathy.",
    "Seen today. Dx: coccydynia. Hx of T12 compression fx in 2010. Mother has scoliosis.",
]


@pytest.fixture(scope="module")
def nlp():
    return notecoder.load()


def findings_of(doc: Doc) -> list[dict]:
    return [f.model_dump(mode="json") for f in doc._.findings]


def test_a_saved_pipeline_loads_in_a_fresh_process(nlp, tmp_path):
    nlp.to_disk(tmp_path / "pipeline")
    code = textwrap.dedent(
        """
        import json, sys, spacy
        nlp = spacy.load(sys.argv[1])
        notes = json.loads(sys.argv[2])
        print(json.dumps({"meta": [nlp.meta["name"], nlp.meta["version"]], "pipes": nlp.pipe_names,
            "findings": [[f.model_dump(mode="json") for f in nlp(t)._.findings] for t in notes]}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "pipeline"), json.dumps(NOTES)],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    loaded = json.loads(done.stdout)
    assert loaded["meta"] == ["notecoder", notecoder.__version__]
    assert loaded["pipes"] == nlp.pipe_names
    assert loaded["findings"] == [findings_of(nlp(t)) for t in NOTES]


def test_a_loaded_tokenizer_keeps_the_note_export_affixes(nlp, tmp_path):
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    text = "IMPRESSION:,1. Neck pain,FHX: none.\u200b" + "(" * 40 + "x"
    assert [t.text for t in loaded(text)] == [t.text for t in nlp(text)]
    assert "FHX" in [t.text for t in loaded(text)]


def test_a_doc_round_trips_through_bytes(nlp):
    for text in NOTES:
        doc = nlp(text)
        back = Doc(nlp.vocab).from_bytes(doc.to_bytes())
        assert back._.findings == doc._.findings
        assert [(s.category, s.title_start, s.body_end) for s in back._.sections] == [
            (s.category, s.title_start, s.body_end) for s in doc._.sections
        ]
        assert [(s.start, s.end, s.label_) for s in back.spans["notecoder_findings"]] == [
            (s.start, s.end, s.label_) for s in doc.spans["notecoder_findings"]
        ]


def test_docs_round_trip_through_a_docbin(nlp):
    docs = list(nlp.pipe(NOTES))
    data = DocBin(store_user_data=True, docs=docs).to_bytes()
    back = list(DocBin().from_bytes(data).get_docs(nlp.vocab))
    assert [d._.findings for d in back] == [d._.findings for d in docs]
    assert [[e.text for e in d.ents] for d in back] == [[e.text for e in d.ents] for d in docs]


def test_pipe_in_two_processes_gives_the_same_findings(nlp):
    texts = NOTES * 4
    assert [d._.findings for d in nlp.pipe(texts, n_process=2, batch_size=3)] == [nlp(t)._.findings for t in texts]


def test_findings_are_spans_with_their_attributes(nlp):
    text = NOTES[0]
    doc = nlp(text)
    spans = doc.spans["notecoder_findings"]
    assert len(spans) == len(doc._.findings)
    for span, finding in zip(spans, doc._.findings, strict=True):
        assert (span.start_char, span.end_char, span.text, span.label_) == (
            finding.start,
            finding.end,
            finding.text,
            finding.kind.value,
        )
        assert span._.finding == finding
    facet = next(s for s in spans if s.text == "cervical facet syndrome")
    assert isinstance(facet._.finding, Finding)
    assert (facet._.finding_kind, facet._.finding_concept, facet._.finding_assertion, facet._.finding_region) == (
        "condition",
        "facet_syndrome",
        Assertion.PRESENT,
        Region.CERVICAL,
    )
    radiculopathy = next(s for s in spans if s.text == "radiculopathy")
    assert radiculopathy._.finding_assertion == Assertion.NEGATED
    assert radiculopathy._.is_negated  # ConText's own flag and modifiers, for medSpaCy's tools
    assert [m.category for m in radiculopathy._.modifiers] == ["NEGATED_EXISTENCE"]
    assert Span(doc, 0, 1)._.finding is None


def test_entities_are_the_findings_that_do_not_overlap(nlp):
    doc = nlp("Neck pain since a fall 2 weeks ago.")
    ents = [(e.text, e.label_) for e in doc.ents]
    assert ("Neck pain", "condition") in ents
    starts = [(e.start, e.end) for e in doc.ents]
    assert all(a[1] <= b[0] for a, b in zip(starts, starts[1:], strict=False))
    assert len(doc.spans["notecoder_findings"]) >= len(doc.ents)


def test_another_components_entities_are_kept():
    nlp = notecoder.load()
    ruler = nlp.add_pipe("entity_ruler", before="notecoder_sections")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Dr Smith"}, {"label": "X", "pattern": [{"LOWER": "neck"}]}])
    doc = nlp("Seen by Dr Smith for neck pain and lumbar radiculopathy.")
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Dr Smith", "PERSON"),
        ("neck", "X"),
        ("lumbar radiculopathy", "condition"),
    ]


def test_displacy_and_medspacy_show_the_findings_escaped(nlp):
    from medspacy.visualization import visualize_ent

    doc = nlp("Assessment: cervical facet syndrome C5-6 <script>alert(1)</script>. No radiculopathy.")
    for html in (
        displacy.render(doc, style="ent", jupyter=False),
        displacy.render(doc, style="span", options={"spans_key": "notecoder_findings"}, jupyter=False),
        visualize_ent(doc, jupyter=False),
    ):
        assert "facet" in html and "condition" in html.lower()
        assert "<script" not in html and "alert(1)&lt;/script" in html.replace(" ", "")


def test_a_component_reads_the_rules_file_its_config_names(tmp_path):
    from notecoder.sections import section_rules

    shipped = section_rules().model_dump(mode="json")
    shipped["sections"].append({"category": "assessment", "titles": ["clinician summary"]})
    path = tmp_path / "sections.json"
    path.write_text(json.dumps(shipped), encoding="utf-8")
    nlp = notecoder.load()
    nlp.replace_pipe("notecoder_sections", "notecoder_sections", config={"rules": str(path)})
    doc = nlp("Clinician summary: lumbar facet syndrome.")
    assert [s.category for s in doc._.sections] == ["assessment"]
    assert doc._.findings[0].section == "assessment"
    assert notecoder.load()("Clinician summary: lumbar facet syndrome.")._.findings[0].section is None


def test_a_rules_file_with_an_unknown_key_is_refused_by_name(tmp_path):
    from notecoder.sections import section_rules

    broken = section_rules().model_dump(mode="json") | {"sectoins": []}
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    nlp = notecoder.load()
    with pytest.raises(ValueError, match=r"(?s)rules file .*broken\.json is not valid.*sectoins"):
        nlp.replace_pipe("notecoder_sections", "notecoder_sections", config={"rules": str(path)})


def test_kept_targets_stay_for_medspacys_dependency_view():
    nlp = notecoder.load()
    nlp.replace_pipe("notecoder_findings", "notecoder_findings", config={"keep_targets": True})
    doc = nlp("No radiculopathy. Neck pain, worse on flexion.")
    assert {s.label_ for s in doc.spans["notecoder_targets"]} >= {"condition"}
    assert doc._.context_graph is not None and doc._.context_graph.edges


def test_span_values_are_what_spacys_underscore_reads_and_writes():
    """The stages read and write span extensions straight in user_data (`span_values`); spaCy's `span._` must see
    the same values, for every target of a note, so that a spaCy that stores them otherwise fails here."""
    from notecoder.doc_keys import MODIFIERS_EXTENSION, TARGET_RULE_EXTENSION, TARGETS_KEY
    from notecoder.span_values import set_span_value, span_value

    nlp = notecoder.load()
    nlp.get_pipe("notecoder_findings").keep_targets = True
    doc = nlp("Denies numbness. A: cervical facet syndrome C5-6, no radiculopathy. Hx of lumbar fusion.")
    targets = list(doc.spans[TARGETS_KEY])
    assert targets and any(span_value(s, MODIFIERS_EXTENSION) for s in targets)
    for span in targets:
        assert span_value(span, TARGET_RULE_EXTENSION) is span._.notecoder_target_rule is not None
        assert span_value(span, MODIFIERS_EXTENSION) == span._.notecoder_modifiers == span._.modifiers
    untouched = doc[0:1]
    assert span_value(untouched, "modifiers") == untouched._.modifiers == ()
    set_span_value(untouched, "modifiers", ("x",))
    assert untouched._.modifiers == ("x",)
    with pytest.raises(ValueError, match="not registered"):
        span_value(untouched, "no_such_extension")


def test_the_findings_take_section_assertions_from_the_sections_stage_in_use(tmp_path):
    """The assertion a section lends its findings is what the pipeline's own sections stage was configured with (it
    travels on the Doc), not what the package's rules file says."""
    from notecoder.sections import section_rules

    rules = section_rules().model_dump(mode="json")
    rules["sections"].append({"category": "chart_excerpt", "titles": ["chart excerpt"]})
    rules["assertions"]["chart_excerpt"] = "historical"
    path = tmp_path / "sections.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    text = "Chart excerpt: lumbar facet syndrome."
    nlp = notecoder.load()
    nlp.replace_pipe("notecoder_sections", "notecoder_sections", config={"rules": str(path)})
    finding = nlp(text)._.notecoder_findings[0]
    assert (finding.concept, finding.section, finding.assertion) == ("facet_syndrome", "chart_excerpt", "historical")
    assert finding.assertion_cause is not None and finding.assertion_cause.source == "section"
    assert finding.assertion_cause.text == "Chart excerpt:"
    # the package's pipeline is untouched, and a saved copy of the configured one keeps its sections' assertions
    shipped = notecoder.load()(text)._.notecoder_findings[0]
    assert (shipped.section, shipped.assertion) == (None, Assertion.PRESENT)
    nlp.to_disk(tmp_path / "pipeline")
    path.unlink()
    assert spacy.load(tmp_path / "pipeline")(text)._.notecoder_findings == (finding,)
    # the stage's data is dropped with the rest once the findings are built: the Doc serializes as before
    doc = nlp(text)
    assert not doc.has_extension("notecoder_section_assertions") or doc._.notecoder_section_assertions is None
