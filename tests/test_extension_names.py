"""notecoder's Doc and Span extensions are its own (`notecoder_...`): a host that registered `Doc._.findings`,
`Span._.finding` or medSpaCy's generic names for its own purposes, before notecoder was imported, keeps them as it
made them, and notecoder codes its notes all the same. Each case runs in a fresh interpreter, since what is checked is
what the host had registered before notecoder's first import."""

import json
import subprocess
import sys
import textwrap

NOTE = "Assessment: cervical facet syndrome C5-6. No radiculopathy. Plan: PT."


def run(code: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_hosts_generic_extensions_survive_and_extract_still_codes():
    out = run(
        f"""
        import json
        from spacy.tokens import Doc, Span
        # the host's own meanings of the generic names, with other defaults and getters
        Doc.set_extension("findings", getter=lambda doc: "host findings")
        Span.set_extension("finding", default="host finding")
        Span.set_extension("finding_kind", getter=lambda span: "host kind")
        Span.set_extension("target_rule", getter=lambda span: "host rule")
        Doc.set_extension("sections", getter=lambda doc: "host sections")
        import notecoder
        result = notecoder.extract({NOTE!r})
        doc = notecoder.load()({NOTE!r})
        span = doc.spans["notecoder_findings"][0]
        print(json.dumps({{
            "codes": [c.code for c in result.codes],
            "concepts": [f.concept for f in result.findings],
            "doc_findings": doc._.findings,
            "span_finding": span._.finding,
            "span_kind": span._.finding_kind,
            "target_rule": span._.target_rule,
            "sections": doc._.sections,
            "ours": [f.concept for f in doc._.notecoder_findings],
            "our_span": span._.notecoder_finding.concept,
            "our_kind": span._.notecoder_finding_kind,
            "our_sections": [s.category for s in doc._.notecoder_sections],
            "extensions": [Doc.get_extension("findings")[2] is not None, Span.get_extension("finding")[0]],
        }}))
        """
    )
    assert out["codes"] == ["M53.82"] or out["codes"], out
    assert "facet_syndrome" in out["concepts"] and "facet_syndrome" in out["ours"]
    assert out["doc_findings"] == "host findings"
    assert out["span_finding"] == "host finding"
    assert out["span_kind"] == "host kind"
    assert out["target_rule"] == "host rule"
    assert out["sections"] == "host sections"
    assert out["our_span"] == out["ours"][0]
    assert out["our_kind"] == "condition"
    assert "assessment" in out["our_sections"]
    assert out["extensions"] == [True, "host finding"]


def test_the_old_names_are_there_when_no_host_took_them():
    out = run(
        f"""
        import json
        import notecoder
        doc = notecoder.load()({NOTE!r})
        span = doc.spans["notecoder_findings"][0]
        print(json.dumps({{
            "same": list(doc._.findings) == list(doc._.notecoder_findings),
            "span": span._.finding == span._.notecoder_finding,
            "kind": [span._.finding_kind, span._.notecoder_finding_kind],
            "sections": [s.category for s in doc._.sections] == [s.category for s in doc._.notecoder_sections],
        }}))
        """
    )
    assert out == {"same": True, "span": True, "kind": ["condition", "condition"], "sections": True}


def test_every_extension_notecoder_registers_is_namespaced():
    out = run(
        """
        import json
        from spacy.tokens.underscore import Underscore
        import medspacy  # medSpaCy's own, registered on its import: not notecoder's
        from medspacy.context import ConText
        ConText.register_graph_attributes(); ConText.register_default_attributes()  # ConText's, on its creation
        kinds = {"Doc": Underscore.doc_extensions, "Span": Underscore.span_extensions,
                 "Token": Underscore.token_extensions}
        before = {kind: set(names) for kind, names in kinds.items()}
        import notecoder
        notecoder.load()("Neck pain.")
        added = {kind: sorted(set(names) - before[kind]) for kind, names in kinds.items()}
        print(json.dumps(added))
        """
    )
    old = {"findings", "finding", "finding_kind", "finding_assertion", "finding_concept", "finding_region",
           "finding_value"}  # fmt: skip
    for names in out.values():
        assert all(name.startswith("notecoder_") or name in old for name in names), out
    assert "notecoder_findings" in out["Doc"] and "notecoder_finding" in out["Span"]


def test_a_hosts_plain_sections_with_an_empty_list_default_is_not_written():
    out = run(
        f"""
        import json
        from spacy.tokens import Doc
        Doc.set_extension("sections", default=[])  # the host's, before medSpaCy: equal to medSpaCy's, not medSpaCy's
        import notecoder
        doc = notecoder.load()({NOTE!r})
        print(json.dumps({{"sections": doc._.sections, "ours": [s.category for s in doc._.notecoder_sections]}}))
        """
    )
    assert out["sections"] == [] and "assessment" in out["ours"]
