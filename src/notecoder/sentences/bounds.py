"""Where each sentence starts and what characters it covers, read once from the token arrays: `doc.sents` makes a
Span per sentence each time it is walked, and two stages walk it."""

import numpy as np
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.tokens import Doc


def sentence_bounds(doc: Doc) -> tuple[list[int], list[tuple[int, int]]]:
    """The first token of each sentence and each sentence's (start_char, end_char), as `doc.sents` gives them."""
    if not len(doc):
        return [], []
    arr = doc.to_array([SENT_START, IDX, LENGTH]).astype(np.int64)
    arr[0, 0] = 1  # the first token starts a sentence whatever it is marked
    starts = np.flatnonzero(arr[:, 0] == 1)
    last = np.append(starts[1:], len(doc)) - 1
    chars = zip(arr[starts, 1].tolist(), (arr[last, 1] + arr[last, 2]).tolist(), strict=True)
    return starts.tolist(), list(chars)
