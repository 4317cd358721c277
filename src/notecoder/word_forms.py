"""English plurals of the nouns conditions are named by: one rule for the phrases the targets match ("segmental
instabilities") and for the mapper, which reads a plural as several conditions ("facet syndromes at C5-6 and
L4-5" is one per region, "facet syndrome at C5-6 and L4-5" one multilevel condition)."""

_NOT_NOUNS = ("ic", "al", "ed", "ing", "ous", "ar", "ive", "s")


def plural(word: str) -> str | None:
    """A noun's plural by its ending ('instability' -> 'instabilities', 'stenosis' -> 'stenoses'); None for a word
    whose ending is no countable noun's (an adjective, a participle, a word already plural)."""
    if not word.isalpha() or len(word) < 4:
        return None
    if word.endswith("sis"):
        return word[:-3] + "ses"
    if word.endswith(_NOT_NOUNS):
        return None
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("x", "ch", "sh")):
        return word + "es"
    return word + "s"


def is_plural(word: str) -> bool:
    """A word in a plural form `plural` makes ('syndromes', 'stenoses'), not a singular ending in s ('stenosis')."""
    low = word.lower()
    return low.isalpha() and low.endswith("s") and not low.endswith(("sis", "us", "ss"))
