"""What a note written for a test is coded as: the sets its assertions compare."""

import notecoder


def alternatives(text: str, setting: str = "outpatient") -> set[str]:
    return {a.code for a in notecoder.extract(text, setting=setting).alternatives}


def gaps_for(text: str) -> set[tuple[str, str | None]]:
    return {(g.id, g.code) for g in notecoder.extract(text).gaps}


def m53_codes(text: str, setting: str = "outpatient") -> set[str]:
    """The M53 codes proposed: what a test of where or how a dorsopathy is stated compares."""
    return {c.code for c in notecoder.extract(text, setting=setting).codes if c.code.startswith("M53")}
