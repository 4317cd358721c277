"""medSpaCy, imported without its side effect on the host program: importing it runs `warnings.filterwarnings(
"ignore")` for the whole process (medspacy/common/medspacy_matcher.py), which would hide every warning of the program
that uses notecoder. The filters are put back as they were; what medSpaCy registers (factories, extensions, its
msgpack encoders) stays. Every module of ours that uses medSpaCy imports this first (an isort section of its own)."""

import warnings

import spacy  # noqa: F401  (imported first: the warning filters spaCy installs are its own to keep)

with warnings.catch_warnings():
    import medspacy  # noqa: F401
