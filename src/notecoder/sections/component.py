"""Sections: titles (data) found in one PhraseMatcher pass, as medSpaCy `Section`s in `doc._.notecoder_sections` (and
medSpaCy's own `doc._.sections`, unless a host program registered that name for its own).

This does what medSpaCy's Sectionizer does for flat (non-nested) titles, without setting `token._.section` on
every token, which cost more than finding the titles; medSpaCy's section tooling reads the same `Section`s."""

import notecoder.medspacy_import  # noqa: F401  (medSpaCy without its process-wide warnings filter)

import re
from itertools import islice

import medspacy
from medspacy.section_detection import Section, SectionRule
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from notecoder.doc_keys import REQUESTS_EXTENSION, SECTION_ASSERTIONS_EXTENSION, SECTIONS_EXTENSION
from notecoder.doctext import note_text
from notecoder.misreadings import misread_forms
from notecoder.rules_disk import SavedRules
from notecoder.sections.rules import SectionRules, all_sections
from notecoder.spoken import dictated, enough_signs, spoken_rules

Doc.set_extension(SECTIONS_EXTENSION, default=None, force=True)
Doc.set_extension(SECTION_ASSERTIONS_EXTENSION, default=None, force=True)
Doc.set_extension(REQUESTS_EXTENSION, default=False, force=True)
_MEDSPACY_SECTIONS = medspacy.get_doc_extensions()["sections"]


def _medspacys_sections() -> bool:
    """`doc._.sections` is medSpaCy's (its own default list object, no getter), not a name a host registered for its
    own, even with an empty list of its own as default."""
    extension = Doc.get_extension("sections")
    if extension is None or any(part is not None for part in extension[1:]):
        return False
    return extension[0] is _MEDSPACY_SECTIONS.get("default")


_UNTITLED = SectionRule(literal="", category="untitled")
"""The rule of the text before the first title (its category stays None): medSpaCy 1.3.1 cannot read a Section
back from bytes without a rule."""


class SectionStage(SavedRules[SectionRules]):
    rules_package = "notecoder.sections"
    rules_model = SectionRules

    def __init__(self, nlp: Language, rules: str | None = None) -> None:
        self.nlp = nlp
        self._load_rules(rules)

    def _build(self, rules: SectionRules) -> None:
        nlp = self.nlp
        self.pasted = rules.pasted_reports
        self.superseded = rules.superseded
        self.inline = rules.inline_assessments
        self.inline_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        if self.inline is not None:
            self.inline_matcher.add("inline", [nlp.make_doc(phrase) for phrase in self.inline.phrases])
        self.field_words = rules.field_words
        fields = "|".join(sorted(map(re.escape, rules.request_fields), key=len, reverse=True))
        self.request_field = re.compile(rf"^[ \t]*(?:{fields})[ \t]*:", re.I | re.M) if fields else None
        self.assertions = dict(rules.assertions)
        """The assertion each category lends the findings under it: left on each Doc for the findings stage, so
        that a pipeline's own section rules, not the package's, say it."""
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        spoken = spoken_rules()
        self.spoken_colon = nlp.vocab.strings.add(spoken.colon)
        self.spoken_stops = frozenset(spoken.stops)
        self.rules: dict[int, SectionRule] = {}
        bare: dict[str, int] = {}
        titled: dict[str, int] = {}  # each title's key: the first section that writes it
        for section in all_sections(rules):
            for title in section.titles:
                rule = SectionRule(literal=f"{title}:", category=section.category)
                name = f"{section.category}/{title}"
                key = nlp.vocab.strings.add(name)
                titled.setdefault(title, key)
                self.rules[key] = rule
                forms = [title, *misread_forms(title, rules.misreadings)]
                if title.isalpha() and 2 <= len(title) <= 3:  # dictation spells an abbreviation out: "D X colon"
                    forms.append(" ".join(title))
                marks = (":", f" {spoken.colon}")  # "history colon" in a dictation that spells its marks
                self.matcher.add(name, [nlp.make_doc(f"{form}{mark}") for form in forms for mark in marks])
                if len(title) >= _BARE_TITLE_CHARS:  # a short word ("s", "plan") alone on a line is often not a title
                    bare.update((" ".join(form.split()), key) for form in forms)
        self.bare = bare
        """Titles written without a colon, alone on their line ("Assessment", "DISCHARGE DIAGNOSES"), by their words."""
        longest = max((len(w) for w in bare), default=0)
        # a short line of letters alone (a candidate title), then a dictionary look-up: cheaper than an alternation
        # of every title tried at every position of the note
        letters = rf"[A-Za-z][A-Za-z'/&() \t-]{{{_BARE_TITLE_CHARS - 1},{longest + 8}}}?"
        self.bare_re = re.compile(rf"[ \t]*({letters})[ \t]*$", re.MULTILINE)
        """A whole line that may be a title, matched at the start of the note."""
        # after a line break: the break is matched, not `^` (which the regex engine tries at every character), so
        # that the engine skips from one line break to the next (10x faster)
        self.after_break_re = re.compile(rf"\n{self.bare_re.pattern}", re.MULTILINE)
        capitals = rf"[A-Z][A-Z'/&() \t-]{{{_BARE_TITLE_CHARS - 1},{longest + 8}}}?"
        self.flattened_re = re.compile(rf"[ \t]*({capitals})[ \t]*(?=,)")
        """A title in capitals between commas: an export that flattened line breaks to ", " (",ASSESSMENT,1. ...")."""
        # the title starts the note, a line, or follows ",.;": the mark is matched, not looked behind for, so that
        # the regex engine skips to the next mark instead of trying the pattern at every character (5x faster); a
        # regex per mark, each led by its one character, skips faster still than one led by the set of them
        self.after_mark_res = [re.compile(re.escape(mark) + self.flattened_re.pattern) for mark in _FLATTENED_MARKS]
        self.qualified: dict[str, int] = {}
        """Head words of `title_words`, by their words: a title that qualifies one ("Diagnoses (billing block):",
        "Clinician's assessment, as said in the room:") is that head's section."""
        self.others: dict[str, list[tuple[frozenset[str], int]]] = {}
        """Per head: the words that make it another section's, and that section's title key."""
        for words in rules.title_words:
            self.qualified.update((head, titled[head]) for head in words.heads if head in titled)
            others = [
                (frozenset(marks), titled[first])
                for category, marks in words.others.items()
                for first in (next(s.titles[0] for s in rules.sections if s.category == category),)
                if first in titled
            ]
            self.others.update((head, others) for head in words.heads)
        self.copied = rules.copied_blocks
        if self.copied is not None:
            first = next(s.titles[0] for s in rules.sections if s.category == self.copied.category)
            self.copied_key = titled[first]
            self.untitled_key = max(self.rules, default=-1) + 1  # a closed block at the top: untitled text again
            self.rules[self.untitled_key] = _UNTITLED
        heads = "|".join(sorted(map(re.escape, self.qualified), key=len, reverse=True))
        qualified = (
            # a number, a form's other field and a slash ("Body part / diagnosis on file:"), up to three words, the head
            rf"[ \t]*(?:\d{{1,2}}[.)][ \t]*)?((?:[A-Za-z][^\n:/]{{0,40}}/[ \t]*)?"
            rf"(?:[A-Za-z][\w'’.-]*[ \t]+){{0,3}}?({heads})"
            r"(?:[ \t]+\d{1,2}[.)]?)?"  # a numbered opinion: "Opinion 1 (diagnosis):"
            r"(?:[ \t]+[A-Za-z][\w'./-]*){0,4}(?:[ \t]*\([^()\n:]{1,60}\)|[ \t]*,[^:\n]{1,60})?[ \t]*:)"
        )
        self.qualified_re = re.compile(qualified, re.IGNORECASE)
        self.after_break_qualified_re = re.compile(rf"\n{qualified}", re.IGNORECASE)

    def __call__(self, doc: Doc) -> Doc:
        titles = self._titles(doc)
        sections = []
        if not titles or titles[0][1] > 0:
            first_end = titles[0][1] if titles else len(doc)
            sections.append(Section(None, 0, 0, 0, first_end, None, _UNTITLED))
        categories = self._categories([self.rules[key] for key, _, _ in titles])
        for i, (key, start, end) in enumerate(titles):
            body_end = titles[i + 1][1] if i + 1 < len(titles) else len(doc)
            category = None if self.rules[key] is _UNTITLED else categories[i]
            sections.append(Section(category, start, end, end, body_end, None, self.rules[key]))
        if self.inline is not None:
            sections = self._with_inline_assessments(doc, sections)
        doc._.notecoder_sections = sections
        doc._.notecoder_section_assertions = self.assertions
        request = self.request_field
        doc._.notecoder_requests = request is not None and request.search(note_text(doc)) is not None
        if _medspacys_sections():
            doc._.sections = sections
        return doc

    def _with_inline_assessments(self, doc: Doc, sections: list[Section]) -> list[Section]:
        """A letter's "My diagnosis is ..." inside its examination paragraph is the author's assessment, to the end
        of its line; the section it interrupts goes on after it."""
        inline = self.inline
        matches = sorted((start, end) for _, start, end in self.inline_matcher(doc))
        if inline is None or not matches:
            return sections
        rule = SectionRule(literal="", category=inline.category)
        out: list[Section] = []
        for section in sections:
            inside = [m for m in matches if section.body_start <= m[0] and m[1] <= section.body_end]
            if section.category is None or section.category in inline.not_in or not inside:
                out.append(section)
                continue
            current = section
            for start, end in inside:
                if start < current.body_start:
                    continue  # inside the line an earlier phrase already took
                line_end = next(
                    (t.i + 1 for t in doc[end : current.body_end] if t.is_space and "\n" in t.text), current.body_end
                )
                head = Section(current.category, current.title_start, current.title_end, current.body_start, start,
                               None, current.rule)  # fmt: skip
                out += [head, Section(inline.category, start, end, end, line_end, None, rule)]
                current = Section(current.category, line_end, line_end, line_end, current.body_end, None, current.rule)
            if current.body_end > current.body_start:
                out.append(current)
        return out

    def _categories(self, rules: list[SectionRule]) -> list[str]:
        """Each title's category; a study's impression pasted into a note whose author assesses the patient in a
        section of their own is the study's (imaging), not the author's assessment; an admission diagnosis before
        the author's discharge diagnoses is history."""
        pasted = self.pasted
        categories = self._superseded([rule.category for rule in rules])
        own = any(c in pasted.authors for c, r in zip(categories, rules, strict=True) if r.literal not in pasted.titles)
        if not own:
            return categories
        for i in range(1, len(rules)):
            if rules[i].literal in pasted.titles and categories[i - 1] in pasted.after:
                categories[i] = pasted.category
        return categories

    def _superseded(self, categories: list[str]) -> list[str]:
        rule = self.superseded
        if rule is None or rule.category not in categories:
            return categories
        out, later = list(categories), False
        for i in range(len(out) - 1, -1, -1):  # from the end: whether an assessment follows each title
            if out[i] == rule.category:
                out[i] = rule.then if later else rule.alone
            later = later or out[i] in rule.by
        return out

    def _titles(self, doc: Doc) -> list[tuple[int, int, int]]:
        """Non-overlapping title matches, longest first ("past medical history:" over "history:").

        A title starts a line, follows punctuation, or is written in capitals ("... radiation A/P: ..."); a
        lower-case title word inside a sentence is prose ("Flexion-extension radiographs: 5 mm ...")."""
        kept: list[tuple[int, int, int]] = []
        taken = bytearray(len(doc))  # tokens inside a kept title: linear however many titles a note has
        matches = [m for m in self.matcher(doc) if self._is_title(doc, m[1], m[2])]
        spoken = [m for m in matches if doc[m[2] - 1].lower == self.spoken_colon]
        # "Diagnosis colon cancer" is not dictated punctuation in a typed note; titles spoken with their colon in
        # two places are, however few commas the recogniser spelled ("Assessment colon ... Plan colon ...")
        if spoken and not (dictated(doc) or enough_signs(len({m[2] for m in spoken}))):
            matches = [m for m in matches if doc[m[2] - 1].lower != self.spoken_colon]
        matches += self._bare_titles(doc)
        matches += self._qualified_titles(doc)
        for key, start, end in sorted(matches, key=lambda m: (m[1] - m[2], m[1])):
            if not any(taken[start:end]):
                kept.append((key, start, end))
                taken[start:end] = b"\x01" * (end - start)
        kept.sort(key=lambda m: m[1])
        return self._with_copied_blocks(doc, kept) if self.copied is not None else kept

    def _with_copied_blocks(self, doc: Doc, titles: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """An EHR's copy-forward marker line opens a block of the earlier note's record; the titles inside a closed
        block are the earlier note's, and its closing line goes back to the section the block interrupted."""
        copied, copied_key = self.copied, self.copied_key
        assert copied is not None
        text = note_text(doc)
        found = {(m.start(), m.end()): False for m in copied.opens.finditer(text)}
        found.update({(m.start(), m.end()): True for m in copied.closes.finditer(text)})  # "--- end copied ---" closes
        markers = []
        for (first, last), is_close in found.items():
            span = doc.char_span(first, last, alignment_mode="expand")
            if span is not None and len(span):
                markers.append((span.start, span.end, is_close))
        if not markers:
            return titles
        out = list(titles)
        opened: tuple[int, int | None] | None = None  # the open marker's token and the section it interrupted
        for start, end, is_close in sorted(markers):
            if not is_close:
                before = [key for key, s, _ in out if s < start and key != copied_key]
                opened = (start, before[-1] if before else None)
                out.append((copied_key, start, end))
            elif opened is not None:
                out = [t for t in out if not opened[0] < t[1] < start]  # the earlier note's own titles
                out.append((self.untitled_key if opened[1] is None else opened[1], start, end))
                opened = None
        return sorted(out, key=lambda m: m[1])

    def _bare_titles(self, doc: Doc) -> list[tuple[int, int, int]]:
        """Titles without their colon, found as whole lines of the note's text: one regex pass, not a match per
        title word in the prose."""
        found = []
        text = note_text(doc)
        for match in (*self._lines(text), *self._flattened(text)):
            key = self.bare.get(" ".join(match.group(1).lower().split()))
            if key is None:
                continue
            # "ASSESSMENT,1. Lumbar strain": the title and a list number can share a token
            span = doc.char_span(match.start(1), match.end(1), alignment_mode="expand")
            if span is not None:
                found.append((key, span.start, span.end))
        return found

    def _qualified_titles(self, doc: Doc) -> list[tuple[int, int, int]]:
        """Titles whose head word is qualified, at the start of a line ("Diagnoses (examiner):")."""
        if not self.qualified:
            return []
        text = note_text(doc)
        first = self.qualified_re.match(text)
        found = []
        for match in (*((first,) if first else ()), *self.after_break_qualified_re.finditer(text)):
            head = match.group(2).lower()
            key = self.qualified.get(head)
            qualifiers = text[match.start(1) : match.start(2)] + " " + text[match.end(2) : match.end(1)]
            words = set(re.findall(r"[\w']+", qualifiers.lower()))
            if not words.isdisjoint(self.field_words):
                continue  # "Date of exam: 11/17/2026", "Diagnosis status: [X] Provisional" are a form's fields
            # "Diagnoses (treating physician, per records):" is the records', "Dx on original order:" the referral's
            key = next((other for marks, other in self.others.get(head, ()) if not marks.isdisjoint(words)), key)
            span = doc.char_span(match.start(1), match.end(1), alignment_mode="expand")
            if key is not None and span is not None:
                found.append((key, span.start, span.end))
        return found

    def _lines(self, text: str) -> list[re.Match[str]]:
        """The candidate title lines in order: the note's first line, then each after a line break."""
        first = self.bare_re.match(text)
        rest = self.after_break_re.finditer(text)
        return [first, *rest] if first else list(rest)

    def _flattened(self, text: str) -> list[re.Match[str]]:
        """The flattened titles in order: one at the very start, then each after a line break or ",.;"."""
        first = self.flattened_re.match(text)
        start = first.end() if first else 0
        # no mark falls inside a match (the title's characters are none of them), so the matches after each mark,
        # merged in note order, are those one regex of the set of marks finds
        rest = sorted((m for pattern in self.after_mark_res for m in pattern.finditer(text, start)), key=_start)
        return [first, *rest] if first else rest

    def _is_title(self, doc: Doc, start: int, end: int) -> bool:
        if start == 0:
            return True
        before = doc[start - 1]  # read first: a title after a line break or a mark needs no look at its words
        if (before.is_space and "\n" in before.text) or before.text in _BOUNDARY_MARKS:
            return True
        if before.lower_ in self.spoken_stops and doc[end - 1].lower == self.spoken_colon:
            return True  # "... period history colon": a dictated title after a dictated full stop
        return all(t.is_upper or not t.is_alpha for t in doc[start:end])


_BARE_TITLE_CHARS = 6
_FLATTENED_MARKS = "\n,.;"


def _start(match: re.Match[str]) -> int:
    return match.start()


_BOUNDARY_MARKS = frozenset({".", ",", ";", ":", "?", "!", ")", "]", "-", "*", "•", "/"})  # "Diagnóstico / Assessment:"


@Language.factory(
    "notecoder_sections",
    assigns=[f"doc._.{SECTIONS_EXTENSION}", f"doc._.{SECTION_ASSERTIONS_EXTENSION}"],
    default_config={"rules": None},
)
def make_sections(nlp: Language, name: str, rules: str | None) -> SectionStage:
    """`rules`: a section rules file to use instead of the package's."""
    return SectionStage(nlp, rules)


def treats(doc: Doc, categories: frozenset[str]) -> bool:
    """The author treats today: a section of `categories` (a plan, a procedure) with a word in it, or a form's field
    asking for a treatment ("Requested: 8 further physiotherapy visits")."""
    return bool(doc._.notecoder_requests) or assessed(doc, categories, min_words=1)


def assessed(doc: Doc, categories: frozenset[str], min_words: int = 3) -> bool:
    """The note has an assessment of its author's with words in it, whatever it names: an impression of
    "Sickle cell crisis" says the history's back pain is not today's spine diagnosis, though no finding is there."""
    for section in doc._.notecoder_sections or ():
        if section.category in categories:
            words = (token for token in doc[section.body_start : section.body_end] if token.is_alpha)
            if sum(1 for _ in islice(words, min_words)) == min_words:
                return True
    return False
