"""notecoder inside someone else's program: importing it and coding a note leave the host's logging, warnings and
start-up as they were. Each case runs in a fresh interpreter, since the first import is what is being checked."""

import subprocess
import sys
import textwrap


def run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_hosts_loguru_handlers_survive_and_hear_nothing_of_the_note():
    out = run(
        """
        import io
        from loguru import logger
        sink = io.StringIO()
        logger.add(sink, level="TRACE")
        import notecoder
        notecoder.extract("Patient Zebediah reports cervical facet syndrome at C5-6. No radiculopathy.")
        logger.info("host still logs")
        print(repr(sink.getvalue()))
        """
    )
    assert "host still logs" in out
    assert "Zebediah" not in out and "facet" not in out


def test_the_hosts_warnings_still_show():
    out = run(
        """
        import warnings
        before = list(warnings.filters)
        import notecoder
        notecoder.extract("Assessment: lumbar radiculopathy L5.")
        added = [f for f in warnings.filters if f not in before]
        print([f for f in added if f[0] == "ignore" and f[1] is None and f[2] is Warning])
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("default")
            warnings.warn("the host's own warning")
        print(len(seen))
        """
    )
    catch_all, shown = out.splitlines()
    assert catch_all == "[]"  # medSpaCy's process-wide "ignore" is undone
    assert shown == "1"


def test_coding_a_note_raises_no_warning_of_our_dependencies():
    out = run(
        """
        import warnings
        import notecoder
        nlp = notecoder.load()
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            nlp("Assessment: cervical facet syndrome C5-6. Denies numbness.")
        print([str(w.message)[:60] for w in seen])
        """
    )
    assert out == "[]"


def test_import_loads_no_pipeline():
    out = run(
        "import sys, notecoder; print(sorted(m for m in ('spacy', 'medspacy', 'simple_icd_10_cm') if m in sys.modules))"
    )
    assert out == "[]"


def test_scoring_works_without_scikit_learn():
    """The base install has no scikit-learn (it is the [train] extra's): coding and scoring must not need it."""
    out = run(
        """
        import sys
        class NoTraining:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("sklearn", "scipy"):
                    raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        sys.meta_path.insert(0, NoTraining())
        import notecoder
        result = notecoder.extract("Assessment: lumbar radiculopathy L5, 6 weeks of PT without relief.")
        print(result.alternatives[0].code, result.alternatives[0].confidence is not None)
        """
    )
    assert out == "M54.16 True"


def test_help_and_version_do_not_load_the_pipeline():
    out = run(
        """
        import sys
        from typer.testing import CliRunner
        from notecoder.cli import app
        runner = CliRunner()
        version = runner.invoke(app, ["--version"])
        helped = runner.invoke(app, ["--help"])
        print(version.output.strip(), helped.exit_code, "spacy" in sys.modules)
        """
    )
    assert out == "notecoder 0.1.0 0 False"


def test_coding_a_note_does_not_import_quickumls_or_what_it_pulls_in():
    """QuickUMLS (NLTK, scikit-learn, SciPy, pandas) cost every batch worker 160 MB for a component never used."""
    out = run(
        """
        import sys, notecoder
        notecoder.extract("Assessment: cervical facet syndrome C5-6.")
        print(sorted(m for m in ("quickumls", "nltk", "sklearn", "scipy", "pandas") if m in sys.modules))
        """
    )
    assert out == "[]"


def test_quickumls_imported_after_notecoder_is_the_real_package_with_its_component():
    out = run(
        """
        import notecoder, medspacy
        notecoder.extract("Assessment: cervical facet syndrome C5-6.")
        import quickumls.spacy_component
        from spacy.language import Language
        print(hasattr(quickumls, "QuickUMLS"), Language.has_factory("medspacy_quickumls"))
        """
    )
    assert out == "True True"


def test_quickumls_imported_before_notecoder_is_left_as_it_was():
    out = run(
        """
        import quickumls
        before = quickumls
        import notecoder
        notecoder.extract("Assessment: cervical facet syndrome C5-6.")
        import sys, medspacy.util
        print(sys.modules["quickumls"] is before, medspacy.util.spacy_component is sys.modules["quickumls.spacy_component"])
        """
    )
    assert out == "True True"
