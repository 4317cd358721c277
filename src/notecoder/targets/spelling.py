"""Typed misspellings of long condition words ("zygapohyseal", "cervicobrachail"): one letter missing, added,
changed or two swapped. A word rule, not a list of typos: every long word of the phrase rules is its own entry, and a
note's word one edit from exactly one of them, itself no entry and no English word ("injection" is one edit from
"infection"), is read as that word. English is pyspellchecker's dictionary, read once a process, on the first
candidate."""

from collections import defaultdict
from collections.abc import Iterable
from functools import cache

from spellchecker import SpellChecker


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
    """The long words of the phrase rules, and the one a misspelling of them stands for."""

    def __init__(self, words: Iterable[str], min_letters: int) -> None:
        self.min_letters = min_letters
        self.words = frozenset(w for w in words if w.isalpha() and len(w) >= min_letters)
        self._by_delete: dict[str, set[str]] = defaultdict(set)
        for word in self.words:
            for form in _deletes(word):
                self._by_delete[form].add(word)

    def corrected(self, word: str) -> str | None:
        """The entry `word` misspells, or None: not long enough, an entry itself, or one edit from none or from two
        entries (a typo that could be either word is neither)."""
        if len(word) < self.min_letters or not word.isalpha() or word in self.words:
            return None
        found = {entry for form in _deletes(word) for entry in self._by_delete.get(form, ()) if _one_edit(word, entry)}
        if len(found) != 1 or word in english_words(self.min_letters):
            return None
        return next(iter(found))
