"""medSpaCy, imported without its side effects on the host program.

- Importing it runs `warnings.filterwarnings("ignore")` for the whole process (medspacy/common/medspacy_matcher.py),
  which would hide every warning of the program that uses notecoder. The filters are put back as they were; what
  medSpaCy registers (factories, extensions, its msgpack encoders) stays.
- `medspacy.util` imports QuickUMLS only so that its optional UMLS component is registered; QuickUMLS imports NLTK,
  which imports scikit-learn, SciPy and pandas: 160 MB of memory in every batch worker and a second of start-up,
  for a component notecoder never uses. A placeholder stands in while medSpaCy is imported, and is taken away
  again: `import quickumls` later imports the real package and registers `medspacy_quickumls` as usual (a
  program that wants that component in `medspacy.load()` imports `quickumls` itself). A program that imported
  QuickUMLS before notecoder keeps it as it was.

Every module of ours that uses medSpaCy imports this first (an isort section of its own)."""

import sys
import types
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import spacy  # noqa: F401  (imported first: the warning filters spaCy installs are its own to keep)

_QUICKUMLS = ("quickumls", "quickumls.spacy_component")


@contextmanager
def _quickumls_deferred() -> Iterator[None]:
    if _QUICKUMLS[0] in sys.modules:
        yield
        return
    package, component = (types.ModuleType(name, "placeholder while medSpaCy is imported") for name in _QUICKUMLS)
    package.__path__ = []  # a package, so that `from quickumls import spacy_component` finds the submodule
    package.spacy_component = component  # type: ignore[attr-defined]
    placeholders = {_QUICKUMLS[0]: package, _QUICKUMLS[1]: component}
    sys.modules.update(placeholders)
    try:
        yield
    finally:
        for name, placeholder in placeholders.items():
            if sys.modules.get(name) is placeholder:
                del sys.modules[name]


with warnings.catch_warnings(), _quickumls_deferred():
    import medspacy  # noqa: F401
