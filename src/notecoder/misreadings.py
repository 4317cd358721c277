"""How scanned and faxed notes misread letters ("syndrorne", "lmpression"): each rule set names the misreadings
it accepts, and its phrases are matched in those forms too."""

from collections.abc import Iterable


def misread_forms(phrase: str, misreadings: Iterable[tuple[str, str]]) -> list[str]:
    """The phrase with one occurrence of a misread letter group replaced, for each occurrence, and with all of
    them replaced; the phrase itself is not included."""
    forms: list[str] = []
    for right, wrong in misreadings:
        at = phrase.find(right)
        while at >= 0:
            forms.append(phrase[:at] + wrong + phrase[at + len(right) :])
            at = phrase.find(right, at + 1)
        if phrase.count(right) > 1:
            forms.append(phrase.replace(right, wrong))
    return list(dict.fromkeys(f for f in forms if f != phrase))
