"""The corpus's authoring form: notes with their spans marked inline, so an annotator reads and writes them in place.

A file holds notes one after another::

    === w-clinic-02
    split: train
    style: clinic
    codes: M53.82
    gaps: exclusions-not-documented, imaging-not-documented
    ---
    CC: [[neck pain|condition]] [[x 4 months|chronicity]]. [[Spurling's|neuro_exam|negated]].

A span is ``[[text|kind]]`` or ``[[text|kind|assertion]]`` (assertion defaults to present); spans may nest. A note
with no body takes its text from a source named in its header (``source: mtsamples:<id>``, or
``source: outside:<file>:<id>`` for the notes written by people outside the team), read from the files given to
:func:`source_texts`. ``notecoder corpus`` turns the files into the JSONL that ``notecoder evaluate`` reads.
"""

import json
import re
from collections.abc import Callable
from pathlib import Path

from notecoder.evaluation.gold import SPLITS, GoldNote, GoldSpan
from notecoder.result import Assertion, FindingKind, Setting

_HEADER = re.compile(r"^=== (?P<id>\S+)\s*$", re.MULTILINE)
_OPEN = "[["
_CLOSE = re.compile(r"\|(?P<kind>[a-z_]+)(?:\|(?P<assertion>[a-z]+))?\]\]")
_LISTS = ("codes", "alternatives", "gaps")
_KINDS = {k.value for k in FindingKind}
_ASSERTIONS = {a.value for a in Assertion}


class MarkupError(ValueError):
    """A markup file that cannot be read; the message names the file, the note and what is wrong."""


def parse_spans(marked: str, where: str) -> tuple[str, list[GoldSpan]]:
    """The plain text and its spans; ``where`` names the note in errors."""
    text: list[str] = []
    opened: list[int] = []
    spans = []
    length, i = 0, 0
    while i < len(marked):
        close = _CLOSE.match(marked, i) if opened else None
        if marked.startswith(_OPEN, i):
            opened.append(length)
            i += len(_OPEN)
        elif close:
            kind, assertion = close["kind"], close["assertion"] or "present"
            if kind not in _KINDS or assertion not in _ASSERTIONS:
                raise MarkupError(f"{where}: unknown kind or assertion in {close[0]!r}")
            start = opened.pop()
            spans.append((start, length, kind, assertion))
            i = close.end()
        else:
            text.append(marked[i])
            length += 1
            i += 1
    if opened:
        raise MarkupError(f"{where}: {len(opened)} span(s) opened with '[[' and never closed")
    plain = "".join(text)
    gold = [GoldSpan(start=s, end=e, kind=k, assertion=a, text=plain[s:e]) for s, e, k, a in sorted(spans)]
    return plain, gold


def _header(lines: list[str], where: str) -> dict:
    fields: dict = {"source": "written:v1"}
    for line in lines:
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise MarkupError(f"{where}: header line without 'key: value'")
        key, value = key.strip(), value.strip()
        if key in _LISTS:
            fields[key] = [v.strip() for v in value.split(",") if v.strip()]
        elif key == "spans_annotated":
            fields[key] = value == "true"
        else:
            fields[key] = value
    return fields


def parse_markup(source: str, name: str, texts: Callable[[str], str] | None = None) -> list[GoldNote]:
    """Every note in one markup file; ``texts`` gives the text of a note whose body is not written out."""
    notes = []
    heads = list(_HEADER.finditer(source))
    for head, after in zip(heads, [*heads[1:], None], strict=True):
        where = f"{name}: note {head['id']}"
        block = source[head.end() : after.start() if after else len(source)].strip("\n")
        header, sep, body = block.partition("\n---\n")
        fields = _header(header.splitlines(), where)
        if sep:
            text, spans = parse_spans(body.rstrip("\n") + "\n", where)
        elif texts is not None and "source" in fields:
            text, spans = texts(fields["source"]), []
        else:
            raise MarkupError(f"{where}: no '---' line before the note's text")
        try:
            notes.append(GoldNote(id=head["id"], text=text, spans=spans, **fields))
        except ValueError as error:
            raise MarkupError(f"{where}: {error}") from None
    return notes


def read_markup(folder: Path, texts: Callable[[str], str] | None = None) -> list[GoldNote]:
    notes = []
    for file in sorted(folder.glob("*.txt")):
        notes += parse_markup(file.read_text(encoding="utf-8"), file.name, texts)
    seen: set[str] = set()
    for note in notes:
        if note.id in seen:
            raise MarkupError(f"note id {note.id} appears twice")
        seen.add(note.id)
    return notes


def to_markup(note: GoldNote) -> str:
    """The inverse of :func:`parse_markup` for a note with its text written out."""
    inserts: list[tuple[int, int, int, int, str]] = []
    for order, span in enumerate(note.spans):
        label = span.kind.value + ("" if span.assertion == Assertion.PRESENT else f"|{span.assertion.value}")
        # closes before opens at one offset; an outer span opens before and closes after the spans inside it
        inserts.append((span.start, 1, -span.end, order, _OPEN))
        inserts.append((span.end, 0, -span.start, -order, f"|{label}]]"))
    marked, last = [], 0
    for offset, *_, piece in sorted(inserts):
        marked += [note.text[last:offset], piece]
        last = offset
    marked.append(note.text[last:])
    header = [f"=== {note.id}", f"split: {note.split}", f"style: {note.style}"]
    if note.setting != Setting.OUTPATIENT:
        header.append(f"setting: {note.setting.value}")
    if note.source != "written:v1":
        header.append(f"source: {note.source}")
    header += [f"{key}: {', '.join(getattr(note, key))}".rstrip() for key in _LISTS]
    return "\n".join(header) + "\n---\n" + "".join(marked).rstrip("\n") + "\n"


def source_texts(mtsamples: Path | None = None, outside: Path | None = None) -> Callable[[str], str]:
    """Texts of notes whose body is not written out: ``mtsamples:<id>`` from the export of MTSamples spine notes,
    ``outside:<file>:<id>`` from a folder of JSONL files of notes written by other hands (one object a line, each
    with its ``id`` and ``text``)."""
    by_source: dict[str, str] = {}
    files = [("mtsamples", mtsamples)] if mtsamples is not None else []
    files += [(f"outside:{path.stem}", path) for path in sorted(outside.glob("*.jsonl"))] if outside else []
    for prefix, path in files:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                by_source[f"{prefix}:{row['id']}"] = row["text"]

    def text(source: str) -> str:
        if source not in by_source:
            raise MarkupError(f"{source} is in none of the source files given ({', '.join(str(p) for _, p in files)})")
        return by_source[source]

    return text


def write_corpus(notes: list[GoldNote], folder: Path) -> dict[str, int]:
    """One JSONL file per split, notes in the order they were written; returns the count per split."""
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for split in SPLITS:
        lines = [note.model_dump_json(exclude_defaults=False) for note in notes if note.split == split]
        (folder / f"{split}.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        counts[split] = len(lines)
    return counts
