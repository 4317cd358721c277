"""Typed misspellings of long condition words ("zygapohyseal", "cervicobrachail"): one letter missing, added,
changed or two swapped. A word rule, not a list of typos: every long word of the phrase rules is its own entry, and a
note's word one edit from exactly one of them, itself no entry and no English word ("injection" is one edit from
"infection"), is read as that word. English is pyspellchecker's dictionary, read once a process, on the first
candidate."""

from collections import defaultdict
from collections.abc import Iterable
from functools import cache

from spellchecker import SpellChecker

from notecoder.misreadings import misread_forms


@cache
def english_words(min_letters: int) -> frozenset[str]:
    """The dictionary's words of at least `min_letters` letters (the rest of it is not kept)."""
    return frozenset(w for w in SpellChecker(language="en", distance=1).word_frequency.keys() if len(w) >= min_letters)


def _deletes(word: str) -> set[str]:
    """The word and each form of it with one letter left out: two words one edit apart share one of these."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """One letter added, left out, changed, or two neighbours swapped, away from the word's first two letters, and
    not a letter added at its end: there medicine makes other words of it that a dictionary of English may lack
    ("atraumatic", "anarthria"; "vertebrals")."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
        return (len(diff) == 1 or swapped) and diff[0] >= 2
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k in range(len(short)) if short[k] != long[k]), len(short))
    return 2 <= i < len(short) and short[i:] == long[i + 1 :]


class Spelling:
    """The long words of the phrase rules, and the one a misspelling of them stands for; and the words of six letters
    or more that a faxed page's OCR misreads by `ocr` letter groups ("Coccygodyn1a", "cervlcal", "syrnpathetic")."""

    def __init__(
        self,
        words: Iterable[str],
        min_letters: int,
        ocr: Iterable[tuple[str, str]] = (),
        ocr_min_letters: int = 6,
        same: Iterable[Iterable[str]] = (),
    ) -> None:
        words = list(words)
        self._name: dict[str, str] = {form: min(forms) for forms in map(tuple, same) for form in forms}
        """Each word of an equivalents class by one name: a typo one edit from two words of a class ('zygopophyseal',
        from 'zygapophyseal' and 'zygoapophyseal') is either, so it is read."""
        self.min_letters, self.ocr_min_letters = min_letters, ocr_min_letters
        self.ocr = tuple((read, meant) for meant, read in ocr)  # put right: the read group back to the meant one
        self.shortest = min(min_letters, ocr_min_letters) if self.ocr else min_letters
        """The shortest word either reading looks at; English words of this length or more are one set for both."""
        self.ocr_words = frozenset(w for w in words if w.isalpha() and len(w) >= ocr_min_letters)
        self.words = frozenset(w for w in words if w.isalpha() and len(w) >= min_letters)
        self._by_delete: dict[str, set[str]] = defaultdict(set)
        for word in self.words:
            for form in _deletes(word):
                self._by_delete[form].add(word)

    def corrected(self, word: str) -> str | None:
        """The entry `word` misspells, or None: not long enough, an entry itself, or one edit from none or from two
        entries (a typo that could be either word is neither); first, the one entry an OCR misreading of it gives."""
        if self.ocr and len(word) >= self.ocr_min_letters and word not in self.ocr_words:
            read = self._read_as_ocr(word)
            if read is not None:
                return read
        if len(word) < self.min_letters or not word.isalpha() or word in self.words:
            return None
        found = {entry for form in _deletes(word) for entry in self._by_delete.get(form, ()) if _one_edit(word, entry)}
        if len({self._name.get(entry, entry) for entry in found}) != 1 or word in english_words(self.shortest):
            return None
        return min(found)

    def _read_as_ocr(self, word: str) -> str | None:
        """The one entry `word` is with one OCR misreading put right (each place a misread group stands, in turn,
        and every place of it at once: a page misreads the same way throughout), no English word being misread."""
        entries = {form for form in misread_forms(word, self.ocr) if form in self.ocr_words}
        if len(entries) != 1 or (word.isalpha() and word in english_words(self.shortest)):
            return None
        return next(iter(entries))
