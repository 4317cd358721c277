"""The note's text, kept once per Doc: spaCy rebuilds `doc.text` from its tokens on every access, which costs more
than some stages. notecoder's tokenizer keeps the string it was given; a Doc made by another tokenizer builds it
once."""

from spacy.tokens import Doc

_KEY = "notecoder.text"


def note_text(doc: Doc) -> str:
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.user_data[_KEY] = doc.text
    return text


def remember_note_text(doc: Doc, text: str) -> Doc:
    doc.user_data[_KEY] = text
    return doc


def forget_note_text(doc: Doc) -> None:
    """Drop the cached copy once the stages are done: the Doc holds the text already, and serializes it."""
    doc.user_data.pop(_KEY, None)
