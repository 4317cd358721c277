"""Span extension values read and written where spaCy's Underscore keeps them, the Doc's user_data under
("._.", name, start_char, end_char) (spacy/tokens/underscore.py `_get_key`): building an Underscore object for each
access cost about 2 us, more than the rest of the findings loop spends on a span. For extensions with a plain default
only (no getter, setter or method); a test compares every value with `span._`, so a spaCy release that stores them
otherwise fails it rather than the findings."""

from typing import Any

from spacy.tokens import Span


def span_value(span: Span, name: str) -> Any:
    """`getattr(span._, name)` for an extension with a plain default."""
    data: dict[Any, Any] = span.doc.user_data  # typed by spaCy as str-keyed; Underscore's keys are tuples
    found = data.get(("._.", name, span.start_char, span.end_char), _MISSING)
    return _default(name) if found is _MISSING else found


def set_span_value(span: Span, name: str, value: Any) -> None:
    """`setattr(span._, name, value)` for an extension with a plain default."""
    _default(name)  # registered, and plain
    data: dict[Any, Any] = span.doc.user_data
    data[("._.", name, span.start_char, span.end_char)] = value


def plain_extension(cls: type, name: str) -> bool:
    """Whether `cls` (Doc, Span or Token) has an extension `name` with a plain default: one notecoder can write to
    a name another library registered (medSpaCy's `span._.modifiers`) only when no host made it a getter."""
    extension = cls.get_extension(name)  # type: ignore[attr-defined]
    return extension is not None and all(part is None for part in extension[1:])


_MISSING = object()
_DEFAULTS: dict[str, Any] = {}


def _default(name: str) -> Any:
    if name not in _DEFAULTS:
        extension = Span.get_extension(name)
        if extension is None or any(part is not None for part in extension[1:]):
            raise ValueError(f"span extension {name!r} is not registered with a plain default")
        _DEFAULTS[name] = extension[0]
    return _DEFAULTS[name]
